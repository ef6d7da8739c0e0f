package dev.shadowrouting.internal.stats;

/**
 * Running count, mean and variance of a stream of doubles, updated one value at a time with
 * Welford's recurrence and combined across stripes with the parallel formula of Chan, Golub and
 * LeVeque.
 *
 * <p>Why not {@code sum} and {@code sumOfSquares}: the latency log-ratios this engine feeds in are
 * small numbers, but the class is also used on raw values (nanoseconds around 1e9) where {@code
 * sumOfSquares - n * mean^2} cancels catastrophically. Welford's update only ever adds squared
 * <em>deviations</em>, so it stays accurate to a few ulps of the deviations.
 *
 * <p>References: B. P. Welford (1962), "Note on a method for calculating corrected sums of squares
 * and products", Technometrics 4(3); T. F. Chan, G. H. Golub, R. J. LeVeque (1979), "Updating
 * formulae and a pairwise algorithm for computing sample variances", Stanford CS tech. report
 * STAN-CS-79-773.
 *
 * <p>Not thread-safe: the caller keeps one instance per stripe (or guards it) and {@link #merge}s
 * copies when it needs a total.
 */
public final class Welford {
  private long n;
  private double mean;

  /** Sum of squared deviations from the current mean. */
  private double m2;

  /** An empty accumulator. */
  public Welford() {}

  private Welford(long n, double mean, double m2) {
    this.n = n;
    this.mean = mean;
    this.m2 = m2;
  }

  /** Adds one value. NaN and infinities are the caller's bug: they poison every later statistic. */
  public void add(double x) {
    n++;
    double delta = x - mean;
    mean += delta / n;
    // delta * (x - newMean) rather than delta^2 * (n-1)/n: the textbook form that is exact in the
    // limit and has no division.
    m2 += delta * (x - mean);
  }

  /** Adds everything {@code other} has seen (Chan et al.). {@code other} is left unchanged. */
  public void merge(Welford other) {
    if (other.n == 0) {
      return;
    }
    if (n == 0) {
      n = other.n;
      mean = other.mean;
      m2 = other.m2;
      return;
    }
    long total = n + other.n;
    double delta = other.mean - mean;
    // weights as doubles: n * other.n can overflow a long long before the counts are unusual
    double wOther = (double) other.n / total;
    mean += delta * wOther;
    m2 += other.m2 + delta * delta * ((double) n * wOther);
    n = total;
  }

  /** Number of values added. */
  public long n() {
    return n;
  }

  /** Mean of the values added; 0 when none. */
  public double mean() {
    return mean;
  }

  /** Sample variance (divisor {@code n - 1}); 0 when fewer than two values. */
  public double variance() {
    // m2 can come out a hair below zero after merges of near-identical values: clamp
    return n < 2 ? 0.0 : Math.max(0.0, m2 / (n - 1));
  }

  /** An independent copy. */
  public Welford copy() {
    return new Welford(n, mean, m2);
  }

  @Override
  public String toString() {
    return "Welford[n=" + n + ", mean=" + mean + ", variance=" + variance() + "]";
  }
}
