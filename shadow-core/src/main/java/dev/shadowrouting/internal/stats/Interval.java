package dev.shadowrouting.internal.stats;

/**
 * A closed interval {@code [lower, upper]}; the bounds may be infinite (a confidence sequence
 * before it has data).
 *
 * <p>Immutable and thread-safe.
 *
 * @param lower the lower bound, at most {@code upper}
 * @param upper the upper bound
 */
public record Interval(double lower, double upper) {

  /** Validates the bounds. */
  public Interval {
    if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
      throw new IllegalArgumentException("not an interval: [" + lower + ", " + upper + "]");
    }
  }

  /** Whether {@code lower <= x <= upper}. */
  public boolean contains(double x) {
    return lower <= x && x <= upper;
  }
}
