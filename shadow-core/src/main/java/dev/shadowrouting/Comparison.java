package dev.shadowrouting;

import java.util.List;
import java.util.Objects;

/**
 * The verdict of an {@link OutputComparator} on one pair of outputs: {@link Result#MATCH},
 * {@link Result#MISMATCH} or {@link Result#NOT_COMPARED}, with an optional numeric score (for
 * example the largest absolute difference, or an agreement fraction) and, for structured outputs,
 * the paths of the fields that differ.
 *
 * <p>Immutable and thread-safe.
 */
public final class Comparison {

  /** The three possible results of a comparison. */
  public enum Result {
    /** The shadow's output agrees with production's. */
    MATCH,
    /** The outputs differ. */
    MISMATCH,
    /** Not compared: one side failed, timed out or was rejected, or the comparator threw. */
    NOT_COMPARED
  }

  private static final Comparison MATCH = new Comparison(Result.MATCH, Double.NaN, List.of());
  private static final Comparison MISMATCH = new Comparison(Result.MISMATCH, Double.NaN, List.of());
  private static final Comparison NOT_COMPARED =
      new Comparison(Result.NOT_COMPARED, Double.NaN, List.of());

  private final Result result;
  private final double score;
  private final List<String> differingPaths;

  private Comparison(Result result, double score, List<String> differingPaths) {
    this.result = result;
    this.score = score;
    this.differingPaths = differingPaths;
  }

  public static Comparison match() {
    return MATCH;
  }

  public static Comparison mismatch() {
    return MISMATCH;
  }

  public static Comparison notCompared() {
    return NOT_COMPARED;
  }

  /** {@link #match()} when {@code matches}, else {@link #mismatch()}. */
  public static Comparison of(boolean matches) {
    return matches ? MATCH : MISMATCH;
  }

  /** A comparison with a score (NaN means "no score"). */
  public static Comparison of(boolean matches, double score) {
    return new Comparison(matches ? Result.MATCH : Result.MISMATCH, score, List.of());
  }

  /** A mismatch that names the differing fields of a structured output. */
  public static Comparison mismatch(List<String> differingPaths) {
    return new Comparison(Result.MISMATCH, Double.NaN, List.copyOf(differingPaths));
  }

  /** A copy of this comparison with the given score. */
  public Comparison withScore(double score) {
    return new Comparison(result, score, differingPaths);
  }

  /** A copy of this comparison naming the differing field paths. */
  public Comparison withDifferingPaths(List<String> paths) {
    return new Comparison(result, score, List.copyOf(paths));
  }

  public Result result() {
    return result;
  }

  public boolean isMatch() {
    return result == Result.MATCH;
  }

  /** The score, or {@code NaN} when the comparator gave none. */
  public double score() {
    return score;
  }

  public boolean hasScore() {
    return !Double.isNaN(score);
  }

  /** Paths of the fields that differ (empty when unknown or not structured). */
  public List<String> differingPaths() {
    return differingPaths;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Comparison c
        && c.result == result
        && Double.compare(c.score, score) == 0
        && c.differingPaths.equals(differingPaths);
  }

  @Override
  public int hashCode() {
    return Objects.hash(result, score, differingPaths);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(result.name());
    if (hasScore()) {
      sb.append(" score=").append(score);
    }
    if (!differingPaths.isEmpty()) {
      sb.append(" differing=").append(differingPaths);
    }
    return sb.toString();
  }
}
