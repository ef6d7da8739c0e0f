package dev.shadowrouting.internal.stats;

/**
 * A point estimate with a lower and an upper confidence bound: a latency quantile in nanos ({@link
 * QuantileSequence#bounds}) or a ratio of two ({@link QuantileRatio#ratio}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param estimate the point estimate; NaN before any observation
 * @param lower the lower bound, at least 0
 * @param upper the upper bound, at least {@code lower}; may be infinite
 */
public record QuantileBounds(double estimate, double lower, double upper) {

  /** Validates the bounds. */
  public QuantileBounds {
    if (!(lower >= 0) || !(upper >= lower)) {
      throw new IllegalArgumentException("not bounds: [" + lower + ", " + upper + "]");
    }
  }
}
