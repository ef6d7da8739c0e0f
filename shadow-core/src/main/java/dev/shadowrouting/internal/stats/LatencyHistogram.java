package dev.shadowrouting.internal.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Counts of run times in log-spaced buckets, the sufficient statistic of a latency quantile: a
 * {@link QuantileSequence} reads only counts, so histograms recorded on separate shards and {@link
 * #merge merged} give exactly the bounds of one histogram fed the union, whatever the split and the
 * order of arrival.
 *
 * <h2>Layout (fixed)</h2>
 *
 * Bucket 0 holds {@code [0, 1 us)}; bucket {@code i >= 1} holds the integer nanos {@code [e_i,
 * e_(i+1))} with {@code e_i = ceil(1000 * 1.01^(i - 1))}, up to the bucket holding 1 h: 2,213
 * buckets, 17 KB of counts. The edges are integers computed once with {@link StrictMath} (whose
 * results the Java specification fixes bit for bit), and a value's bucket is found by comparing it
 * with those integers, so every JVM puts every value in the same bucket.
 *
 * <h2>Censoring</h2>
 *
 * A histogram has a censoring point {@code c} (the timeout; at most and by default 1 h): a run time
 * {@code >= c}, and a {@link #recordCensored timeout}, are counted as "at least c", above every
 * bucket. A quantile that lands among them is known only to be {@code >= c}: its lower bound is c,
 * its upper bound infinite. So a candidate that times out cannot look fast, as it would if timeouts
 * were left out of the latency data (informative censoring).
 *
 * <h2>Resolution</h2>
 *
 * A bucket's relative width is at most 1% plus the rounding of its edges up to whole nanos (at most
 * 1 ns in 1,000 at 1 us): {@code e_(i+1) / e_i <= 1.011}. {@link QuantileSequence} reports the
 * lower edge of the bucket holding a lower bound's order statistic and the upper edge of the one
 * holding an upper bound's, so each bound is <em>conservative</em> by at most that one bucket:
 * coverage is not touched, each bound is at most ~1% looser than the exact order statistic, and a
 * ratio of two bounds at most ~2%.
 *
 * <h2>Serial form</h2>
 *
 * {@link #toBytes}: unsigned LEB128 varints: the layout (relative width in ppm, lowest and highest
 * nanos), the censoring point, the censored count, the number of non-empty buckets, then per
 * non-empty bucket its index gap from the previous one and its count: 625 bytes for 100,000
 * lognormal run times of sigma 0.3, about 1 KB with a second mode 10x slower. {@link #fromBytes}
 * rejects another layout; the engine versions the envelope.
 *
 * <p>Not thread-safe: keep one per stripe (or guard it) and {@link #merge} {@link #copy copies}.
 */
public final class LatencyHistogram {
  /** The lower edge of bucket 1: 1 us. Faster run times share bucket 0, {@code [0, 1 us)}. */
  public static final long LOWEST_NANOS = 1_000L;

  /** The highest censoring point, and the default: 1 h. */
  public static final long HIGHEST_NANOS = 3_600_000_000_000L;

  /** The relative width of a bucket, in parts per million: 1%. */
  public static final int RELATIVE_WIDTH_PPM = 10_000;

  /**
   * {@code EDGES[i]} is the lowest nanos of bucket i; {@code EDGES[BUCKETS] >= HIGHEST_NANOS} is a
   * sentinel above the last bucket.
   */
  private static final long[] EDGES = edges();

  /** Number of buckets, bucket 0 included. */
  static final int BUCKETS = EDGES.length - 1;

  private static final double LOG_BASE = StrictMath.log1p(RELATIVE_WIDTH_PPM / 1e6);
  private static final double LN_LOWEST = Math.log(LOWEST_NANOS);

  private long censorNanos;
  private final long[] counts;
  private long censored;
  private long total;

  /** Highest non-empty bucket, or -1: quantiles near 1 are found by scanning down from here. */
  private int top = -1;

  /**
   * Lowest non-empty bucket, or {@code BUCKETS}: with {@link #top}, the range merges and the serial
   * form walk (a few hundred buckets for a typical service, of 2,213).
   */
  private int bottom = BUCKETS;

  /** An empty histogram censored at 1 h. */
  public LatencyHistogram() {
    this(HIGHEST_NANOS);
  }

  /**
   * An empty histogram censored at {@code censorNanos}: run times at or above it count as "at least
   * censorNanos".
   *
   * @param censorNanos the timeout, in {@code [1 us, 1 h]}
   */
  public LatencyHistogram(long censorNanos) {
    if (censorNanos < LOWEST_NANOS || censorNanos > HIGHEST_NANOS) {
      throw new IllegalArgumentException(
          "censorNanos must be in [" + LOWEST_NANOS + ", " + HIGHEST_NANOS + "]: " + censorNanos);
    }
    this.censorNanos = censorNanos;
    this.counts = new long[BUCKETS];
  }

  private static long[] edges() {
    double base = 1 + RELATIVE_WIDTH_PPM / 1e6;
    long[] edges = new long[4096];
    edges[0] = 0;
    int i = 1;
    while (true) {
      edges[i] = (long) Math.ceil(LOWEST_NANOS * StrictMath.pow(base, i - 1));
      if (edges[i] <= edges[i - 1]) {
        throw new IllegalStateException("bucket edges must increase: " + i);
      }
      if (edges[i] >= HIGHEST_NANOS) {
        return Arrays.copyOf(edges, i + 1);
      }
      i++;
    }
  }

  /** The bucket holding {@code nanos}, for {@code 0 <= nanos < HIGHEST_NANOS}. */
  static int bucketOf(long nanos) {
    return nanos < LOWEST_NANOS ? 0 : bucketOf(nanos, Math.log(nanos));
  }

  /**
   * The bucket holding {@code nanos >= LOWEST_NANOS}, given {@code ln(nanos)} (the caller may have
   * it already): a guess from the logarithm, then exact integer comparisons with the edges, so the
   * result does not depend on the logarithm's last bits.
   */
  private static int bucketOf(long nanos, double lnNanos) {
    int i = 1 + (int) ((lnNanos - LN_LOWEST) / LOG_BASE);
    i = Math.max(1, Math.min(BUCKETS - 1, i));
    while (EDGES[i] > nanos) {
      i--;
    }
    while (EDGES[i + 1] <= nanos) {
      i++;
    }
    return i;
  }

  /** The lowest nanos of bucket {@code i}. */
  static long lowerEdge(int i) {
    return EDGES[i];
  }

  /** One past the highest nanos of bucket {@code i} (the next bucket's lower edge). */
  static long upperEdge(int i) {
    return EDGES[i + 1];
  }

  /** Records one run time; negative values count as 0, values at or above the timeout censored. */
  public void record(long nanos) {
    record(nanos, nanos < LOWEST_NANOS ? 0 : Math.log(nanos));
  }

  /**
   * {@link #record(long)} with {@code ln(nanos)} given (any value when {@code nanos < 1 us}): the
   * engine has it already, and finding the bucket is then a few integer comparisons.
   */
  public void record(long nanos, double lnNanos) {
    if (nanos >= censorNanos) {
      recordCensored();
      return;
    }
    int i = nanos < LOWEST_NANOS ? 0 : bucketOf(nanos, lnNanos);
    counts[i]++;
    total++;
    top = Math.max(top, i);
    bottom = Math.min(bottom, i);
  }

  /** Records a timeout: a run time known only to be at least the censoring point. */
  public void recordCensored() {
    censored++;
    total++;
  }

  /**
   * Records a run time known only to be at least {@code atLeastNanos} (a timeout after that long).
   * Below the censoring point, the point is lowered to the lower edge of the bucket holding {@code
   * atLeastNanos} (at least 1 us), and every run time recorded at or above the new point becomes
   * censored too: one censoring point for all, so that the state depends only on what was recorded,
   * not on the order (see {@link #merge}).
   */
  public void recordCensored(long atLeastNanos) {
    if (atLeastNanos < censorNanos) {
      lowerCensorTo(EDGES[bucketOf(Math.max(LOWEST_NANOS, atLeastNanos))]);
    }
    recordCensored();
  }

  /** Moves every bucket at or above {@code edge} (a bucket's lower edge) to the censored count. */
  private void lowerCensorTo(long edge) {
    for (int i = top; i >= bottom && EDGES[i] >= edge; i--) {
      censored += counts[i];
      counts[i] = 0;
    }
    censorNanos = edge;
    while (top >= bottom && counts[top] == 0) {
      top--;
    }
    if (top < bottom) {
      top = -1;
      bottom = BUCKETS;
    }
  }

  /** Whether {@code nanos} is a bucket's lower edge or the highest point: a point lowering reaches. */
  private static boolean onEdge(long nanos) {
    return nanos >= HIGHEST_NANOS || EDGES[bucketOf(nanos)] == nanos;
  }

  /**
   * Adds everything {@code other} has recorded; {@code other} is left unchanged. Histograms
   * censored at different points merge at the lower one, when both points are ones {@link
   * #recordCensored(long)} can reach (the default and bucket edges): then the result depends only
   * on the union of what was recorded.
   *
   * @throws IllegalArgumentException if the two are censored at different points of which one
   *     is neither a bucket's lower edge nor the default (a timeout given to the constructor):
   *     lowering to it would split a bucket. Constructor points that are edges merge like points
   *     {@link #recordCensored(long)} reached.
   */
  public void merge(LatencyHistogram other) {
    if (other.censorNanos != censorNanos) {
      if (!onEdge(censorNanos) || !onEdge(other.censorNanos)) {
        throw new IllegalArgumentException(
            "censored at " + censorNanos + " and " + other.censorNanos + " ns: cannot merge");
      }
      if (other.censorNanos < censorNanos) {
        lowerCensorTo(other.censorNanos);
      }
    }
    for (int i = other.bottom; i <= other.top; i++) {
      if (EDGES[i] >= censorNanos) {
        censored += other.counts[i];
      } else if (other.counts[i] != 0) {
        counts[i] += other.counts[i];
        top = Math.max(top, i);
        bottom = Math.min(bottom, i);
      }
    }
    censored += other.censored;
    total += other.total;
  }

  /** An independent copy. */
  public LatencyHistogram copy() {
    LatencyHistogram copy = new LatencyHistogram(censorNanos);
    copy.merge(this);
    return copy;
  }

  /** All recorded run times, censored ones included. */
  public long count() {
    return total;
  }

  /** Run times at or above the censoring point (timeouts). */
  public long censored() {
    return censored;
  }

  /** The censoring point (timeout), in nanos. */
  public long censorNanos() {
    return censorNanos;
  }

  /**
   * The bucket holding the {@code rank}-th smallest recorded run time, or -1 when it is censored.
   * Scans down from the top: the ranks a tail quantile needs are near the count.
   *
   * @param rank in {@code [1, count()]}
   */
  int bucketOfRank(long rank) {
    if (rank < 1 || rank > total) {
      throw new IllegalArgumentException("rank must be in [1, " + total + "]: " + rank);
    }
    // the rank-th smallest is the (total - rank + 1)-th largest
    long fromTop = total - rank + 1;
    if (fromTop <= censored) {
      return -1;
    }
    long above = censored;
    for (int i = top; ; i--) {
      above += counts[i];
      if (above >= fromTop) {
        return i;
      }
    }
  }

  /**
   * A lower bound on the {@code rank}-th smallest run time: the lower edge of its bucket, or the
   * censoring point when it is censored; 0 when {@code rank} is 0 (no order statistic).
   */
  double lowerBoundOfRank(long rank) {
    if (rank == 0) {
      return 0;
    }
    int i = bucketOfRank(rank);
    return i < 0 ? censorNanos : EDGES[i];
  }

  /**
   * An upper bound on the {@code rank}-th smallest run time: the upper edge of its bucket (capped
   * at the censoring point); infinite when it is censored or {@code rank > count()}.
   */
  double upperBoundOfRank(long rank) {
    if (rank > total) {
      return Double.POSITIVE_INFINITY;
    }
    int i = bucketOfRank(rank);
    return i < 0 ? Double.POSITIVE_INFINITY : Math.min(EDGES[i + 1], censorNanos);
  }

  /**
   * A point value for the {@code rank}-th smallest run time: the geometric middle of its bucket
   * (half of 1 us in bucket 0), or the censoring point when it is censored (then a lower bound).
   */
  double valueOfRank(long rank) {
    int i = bucketOfRank(rank);
    if (i < 0) {
      return censorNanos;
    }
    if (i == 0) {
      return LOWEST_NANOS / 2.0;
    }
    return Math.sqrt((double) EDGES[i] * Math.min(EDGES[i + 1], censorNanos));
  }

  /** The serial form (see the class comment). */
  public byte[] toBytes() {
    int nonEmpty = 0;
    for (int i = bottom; i <= top; i++) {
      if (counts[i] != 0) {
        nonEmpty++;
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(6 + 4 * nonEmpty);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (long header : new long[] {RELATIVE_WIDTH_PPM, LOWEST_NANOS, HIGHEST_NANOS,
          censorNanos, censored, nonEmpty}) {
        Varints.write(out, header);
      }
      int previous = 0;
      for (int i = bottom; i <= top; i++) {
        if (counts[i] != 0) {
          Varints.write(out, i - previous);
          Varints.write(out, counts[i]);
          previous = i;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return bytes.toByteArray();
  }

  /**
   * Reads the serial form of {@link #toBytes}.
   *
   * @throws IllegalArgumentException if the bytes are truncated, have trailing bytes, describe
   *     another layout, or are inconsistent (a bucket out of range, a zero or negative count)
   */
  public static LatencyHistogram fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      long width = Varints.read(in);
      long lowest = Varints.read(in);
      long highest = Varints.read(in);
      if (width != RELATIVE_WIDTH_PPM || lowest != LOWEST_NANOS || highest != HIGHEST_NANOS) {
        throw new IllegalArgumentException(
            "another layout: width " + width + " ppm, " + lowest + " to " + highest + " ns");
      }
      LatencyHistogram histogram = new LatencyHistogram(Varints.read(in));
      histogram.censored = Varints.read(in);
      histogram.total = histogram.censored;
      long nonEmpty = Varints.read(in);
      long index = 0;
      for (long k = 0; k < nonEmpty; k++) {
        long gap = Varints.read(in);
        index += gap;
        long count = Varints.read(in);
        if ((k > 0 && gap == 0) || index >= BUCKETS || count <= 0) {
          throw new IllegalArgumentException("inconsistent bucket " + index + ": " + count);
        }
        histogram.counts[(int) index] = count;
        histogram.total = Math.addExact(histogram.total, count);
        histogram.top = (int) index;
        histogram.bottom = Math.min(histogram.bottom, (int) index);
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException(
            in.available() + " trailing bytes after the histogram");
      }
      return histogram;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated histogram", e);
    }
  }

  @Override
  public String toString() {
    return "LatencyHistogram[count="
        + total
        + ", censored="
        + censored
        + " at "
        + censorNanos
        + " ns]";
  }
}
