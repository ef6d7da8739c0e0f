package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Verdict;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A seeded, single-threaded simulation of paired shadow traffic fed straight into the engine (no
 * router, no threads): per request, production and candidate each fail independently with their own
 * probability; when both succeed their log run times are normal and their outputs mismatch with a
 * given probability. An optional A/A noise copy (production run a second time) is drawn the same
 * way.
 */
final class ShadowSim {
  /** ln(500 us) in nanos: the production median run time. */
  static final double LN_500_US = Math.log(500_000);

  /** One side of the simulated traffic, relative to production. */
  record Side(double errorRate, double lnShift, double lnSd, double mismatchRate) {}

  /** Production: 1% errors, ln-latency ~ N(ln 500us, 0.3). */
  static final Side PRODUCTION = new Side(0.01, 0, 0.3, 0);

  /** An identical candidate: same distributions as production, 99.7% agreement. */
  static final Side IDENTICAL = new Side(0.01, 0, 0.3, 0.003);

  /** The thresholds of the brief: +10% latency, +0.1 pt errors, 99% agreement, 1000 pairs. */
  static final Thresholds DEFAULT = new Thresholds(0.10, 0.001, 0.99, 1000, 0.05, 5000);

  /** What happened in one run. */
  record Run(Verdict verdict, long decidedAt, Evaluation atDecision) {}

  /** Summary over runs. */
  record Summary(
      int runs, int fails, int passes, long[] failTimes, long[] passTimes, int[] failedBy) {
    double failRate() {
      return (double) fails / runs;
    }

    double passRate() {
      return (double) passes / runs;
    }

    /** Median time to FAIL over the runs that failed, or -1. */
    long medianFail() {
      return median(failTimes);
    }

    long medianPass() {
      return median(passTimes);
    }

    /**
     * Fraction of runs whose first FAIL involved check {@code i} (0 latency, 1 errors, 2
     * agreement).
     */
    double failedByRate(int i) {
      return (double) failedBy[i] / runs;
    }

    private static long median(long[] times) {
      if (times.length == 0) {
        return -1;
      }
      long[] sorted = times.clone();
      Arrays.sort(sorted);
      return sorted[sorted.length / 2];
    }
  }

  private ShadowSim() {}

  /**
   * Runs {@code runs} independent streams of {@code horizon} requests, calling {@link
   * SequentialVerdict#decide} after every request and stopping a run at its first FAIL (or PASS
   * when {@code stopAtPass}).
   */
  static Summary simulate(
      SequentialVerdict engine,
      Side candidate,
      Side noise,
      int runs,
      int horizon,
      long seed,
      boolean stopAtPass) {
    SplittableRandom root = new SplittableRandom(seed);
    int fails = 0;
    int passes = 0;
    long[] failTimes = new long[runs];
    long[] passTimes = new long[runs];
    int[] failedBy = new int[3];
    for (int r = 0; r < runs; r++) {
      SplittableRandom random = root.split();
      PairedSample c = new PairedSample();
      PairedSample n = noise == null ? null : new PairedSample();
      boolean passedOnce = false;
      for (int i = 1; i <= horizon; i++) {
        observe(random, candidate, noise, c, n);
        Verdict v = engine.decide(c, n);
        if (v == Verdict.FAIL) {
          failTimes[fails++] = i;
          Evaluation e = engine.evaluate(c, n);
          for (CheckResult check : e.checks()) {
            if (check.verdict() == Verdict.FAIL) {
              failedBy[index(check.name())]++;
            }
          }
          break;
        }
        if (v == Verdict.PASS && !passedOnce) {
          passedOnce = true;
          passTimes[passes++] = i;
          if (stopAtPass) {
            break;
          }
        }
      }
    }
    return new Summary(
        runs,
        fails,
        passes,
        Arrays.copyOf(failTimes, fails),
        Arrays.copyOf(passTimes, passes),
        failedBy);
  }

  private static int index(String check) {
    return switch (check) {
      case "latency" -> 0;
      case "errors" -> 1;
      default -> 2;
    };
  }

  /** Draws one request and records it into the candidate's (and the noise's) sample. */
  static void observe(
      SplittableRandom random, Side candidate, Side noise, PairedSample c, PairedSample n) {
    observe(random, PRODUCTION, candidate, noise, c, n);
  }

  /** Same, with another production. */
  static void observe(
      SplittableRandom random,
      Side production,
      Side candidate,
      Side noise,
      PairedSample c,
      PairedSample n) {
    boolean prodFailed = random.nextDouble() < production.errorRate();
    long prodNanos = nanos(random, production);
    record(random, candidate, prodFailed, prodNanos, c);
    if (n != null) {
      record(random, noise, prodFailed, prodNanos, n);
    }
  }

  private static void record(
      SplittableRandom random, Side side, boolean prodFailed, long prodNanos, PairedSample s) {
    boolean failed = random.nextDouble() < side.errorRate();
    s.errorPair(prodFailed, failed);
    if (!prodFailed && !failed) {
      s.latencyPair(nanos(random, side), prodNanos);
      s.comparison(random.nextDouble() < side.mismatchRate());
    }
  }

  private static long nanos(SplittableRandom random, Side side) {
    return Math.round(Math.exp(LN_500_US + side.lnShift() + side.lnSd() * random.nextGaussian()));
  }
}
