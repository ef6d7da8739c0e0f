package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What one evaluation of the tail check costs (tag "perf": a measurement that depends on the
 * machine; {@code mvn -B -ntp -pl shadow-core test -Pperf -Dtest=QuantileRatioCostTest}). Wall time
 * of single-threaded loops after a warm-up; the bounds asserted are generous, the numbers are
 * printed.
 */
@Tag("perf")
class QuantileRatioCostTest {
  private static final long TIMEOUT = 1_000_000_000L;

  /**
   * {@link QuantileRatio#ratio} on two merged histograms (p99 of lognormal sigma 0.3 and of a
   * candidate with 2% 10x slower requests): as the engine calls it on a growing stream (the
   * previous ranks are the hint: a new n every call), and cold (a new check every call, no hint),
   * at 5,000 and 1,000,000 pairs; and the merge and serial form of a histogram.
   */
  @Test
  void oneEvaluationCostsMicroseconds() {
    SplittableRandom random = new SplittableRandom(1);
    LatencyHistogram candidate = new LatencyHistogram(TIMEOUT);
    LatencyHistogram production = new LatencyHistogram(TIMEOUT);
    QuantileRatio check = QuantileRatio.of(0.99, 0.25, 0.05, 5000);
    double sink = 0;
    // warm-up, and the growing-stream measurement: one ratio() per added pair
    int pairs = 200_000;
    long growingNanos = 0;
    for (int n = 1; n <= pairs; n++) {
      long x = TailSim.lognormal(random, TailSim.LN_500_US, 0.3);
      production.record(x);
      candidate.record(random.nextDouble() < 0.02 ? 10 * x : x);
      long start = System.nanoTime();
      sink += check.ratio(candidate, production).lower();
      if (n > pairs / 2) {
        growingNanos += System.nanoTime() - start;
      }
    }
    double growing = (double) growingNanos / (pairs / 2);

    double cold5k = coldNanos(5000, random);
    double cold1m = coldNanos(1_000_000, random);

    // merging one stripe into another, and the serial form
    int reps = 20_000;
    long start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      LatencyHistogram copy = production.copy();
      copy.merge(candidate);
      sink += copy.count();
    }
    double merge = (double) (System.nanoTime() - start) / reps;
    start = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      sink += LatencyHistogram.fromBytes(candidate.toBytes()).count();
    }
    double serial = (double) (System.nanoTime() - start) / reps;
    System.out.printf(
        Locale.ROOT,
        "[tail cost] ratio() on a growing stream (n = %,d..%,d): %.2f us; cold (no hint) at n ="
            + " 5,000: %.2f us, at 1,000,000: %.2f us; copy + merge of a histogram: %.2f us;"
            + " toBytes + fromBytes: %.2f us (%,d bytes) [%s]%n",
        pairs / 2,
        pairs,
        growing / 1000,
        cold5k / 1000,
        cold1m / 1000,
        merge / 1000,
        serial / 1000,
        candidate.toBytes().length,
        sink > 0 ? "ok" : "?");
    assertThat(growing).isLessThan(50_000);
    assertThat(cold1m).isLessThan(500_000);
  }

  /** Mean wall time of {@code ratio()} by a fresh check (no hint) on histograms of n pairs. */
  private static double coldNanos(int n, SplittableRandom random) {
    LatencyHistogram candidate = new LatencyHistogram(TIMEOUT);
    LatencyHistogram production = new LatencyHistogram(TIMEOUT);
    for (int i = 0; i < n; i++) {
      long x = TailSim.lognormal(random, TailSim.LN_500_US, 0.3);
      production.record(x);
      candidate.record(random.nextDouble() < 0.02 ? 10 * x : x);
    }
    int reps = 2000;
    double sink = 0;
    long total = 0;
    for (int i = 0; i < 2 * reps; i++) {
      QuantileRatio check = QuantileRatio.of(0.99, 0.25, 0.05, 5000);
      long start = System.nanoTime();
      sink += check.ratio(candidate, production).lower();
      if (i >= reps) {
        total += System.nanoTime() - start;
      }
    }
    assertThat(sink).isPositive();
    return (double) total / reps;
  }
}
