package dev.shadowrouting;

import java.time.Duration;

/**
 * A running or finished shadow test: a candidate variant shadowing an endpoint for a time box,
 * with a live, anytime-valid verdict, then promoted or discarded. Started by
 * {@link ShadowRouter#startTest}; listed by {@link ShadowRouter#tests()}.
 *
 * <p>The test ends at its deadline or when its request budget is spent ({@link Status#COMPLETED}),
 * on {@link #stop()} ({@link Status#STOPPED}, also when the router closes), or when a guard trips
 * ({@link Status#FAILED}). Then its candidate is removed from the endpoint and its final report
 * stays readable. {@link #promote()} then makes the candidate the production variant;
 * {@link #discard()} records that it was rejected. Neither is allowed twice, nor both.
 *
 * <p>Thread-safe: every method may be called from any thread. Reading the report never slows the
 * router: the statistics are recorded lock-free on the pool and merged when read.
 */
public interface ShadowTest {

  /** The life of a test. */
  enum Status {
    /** The candidate receives sampled copies. */
    RUNNING,
    /** Ended at its deadline or when its request budget was spent. */
    COMPLETED,
    /** Ended early by {@link #stop()}, a forced promote/discard, or the router closing. */
    STOPPED,
    /** Ended by a guard: the candidate failed, timed out or was rejected too often. */
    FAILED;

    /** True for every status but {@link #RUNNING}. */
    public boolean isEnded() {
      return this != RUNNING;
    }
  }

  /** What was decided about the candidate after the test. */
  enum Decision {
    /** Nothing yet. */
    NONE,
    /** {@link #promote()}: the candidate became the production variant. */
    PROMOTED,
    /** {@link #discard()}: the candidate was rejected. */
    DISCARDED
  }

  /** The endpoint's name. */
  String endpoint();

  /** The candidate variant's name. */
  String candidate();

  /** The specification the test runs under (with the sampling rate it started with). */
  ShadowTestSpec<?, ?> spec();

  /**
   * The current status. Reading it changes nothing: a test past its deadline is ended by the
   * router's housekeeping within about 20 ms, not by being read.
   */
  Status status();

  /** What was decided about the candidate. */
  Decision decision();

  /**
   * The live report: status, progress, per-variant statistics and the verdict with its reasons;
   * after the end, the final report (with quality still updated by late ground truth).
   */
  ShadowTestReport report();

  /**
   * A copy of the paired statistics the verdict reads (the candidate against production, or
   * against the A/A copy with a noise baseline), under the test's rule: to merge with other
   * instances' ({@link PairedStatistics#merge}), store ({@link PairedStatistics#toBytes}) or
   * evaluate offline. Its {@link PairedStatistics#evaluate()} is memoryless, while the report's
   * verdict is also narrowed by every earlier look at this test.
   */
  PairedStatistics statistics();

  /**
   * The test's id in a {@link Fleet}: the same on every instance that starts the same test
   * (same endpoint, candidate name, sampling rate, time box, budget, rule, minSamples and noise
   * baseline, e.g. from the same configuration), different otherwise: {@code
   * <endpoint>/<candidate>/<8 hex digits of a hash of those settings>}.
   */
  String fleetId();

  /**
   * The fleet's view of this test: the verdict, its checks and the pairs ({@code calls}) of
   * every instance's statistics merged with this one's ({@link ShadowTestReport#instances()}
   * lists them), the rest (per-variant details, status) this instance's. Like the local report,
   * each check is the running intersection of the fleet looks taken here, so a fleet FAIL is
   * final. Without a fleet, the local report.
   */
  ShadowTestReport fleetReport();

  /**
   * A copy of the paired statistics the fleet report judges: this instance's merged with every
   * other instance's latest ({@link #statistics()} for the fleet). Its {@link
   * PairedStatistics#evaluate()} is memoryless, while the fleet report's verdict is also narrowed
   * by every earlier look at it here. Without a fleet, {@link #statistics()}.
   */
  default PairedStatistics fleetStatistics() {
    return statistics();
  }

  /**
   * Waits until the test has ended (deadline, budget, stop or guard).
   *
   * @return true if it has ended, false if {@code timeout} elapsed first
   * @throws InterruptedException if the waiting thread is interrupted
   */
  boolean awaitCompletion(Duration timeout) throws InterruptedException;

  /**
   * Changes the share of requests copied to the candidate, in [0, 1], atomically (like
   * SageMaker's traffic sampling percentage).
   *
   * @throws IllegalStateException if the test has ended
   * @throws IllegalArgumentException if {@code rate} is out of range
   */
  void setSamplingRate(double rate);

  /**
   * The old name of {@link #setSamplingRate}.
   *
   * @deprecated use {@link #setSamplingRate(double)}; kept for code written against 0.1
   */
  @Deprecated
  default void samplingRate(double rate) {
    setSamplingRate(rate);
  }

  /** Ends the test now ({@link Status#STOPPED}) and keeps its final report. Idempotent. */
  void stop();

  /**
   * Makes the candidate the only production variant (weight 1), through the router's atomic
   * update: no request is lost or fails during it. The former production variants are removed
   * and named in the report ({@link ShadowTestReport#productionVariants()}).
   *
   * @throws IllegalStateException while the test runs, if its verdict is {@link Verdict#FAIL},
   *     if the router is closed, or if a decision was already made; {@link #promote(boolean)
   *     promote(true)} overrides the first two
   */
  void promote();

  /** {@link #promote()}, with {@code force} stopping a running test and ignoring a FAIL verdict. */
  void promote(boolean force);

  /**
   * Rejects the candidate: it is removed from the endpoint (it already is once the test ended).
   *
   * @throws IllegalStateException while the test runs, or if a decision was already made;
   *     {@link #discard(boolean) discard(true)} stops a running test first
   */
  void discard();

  /** {@link #discard()}, with {@code force} stopping a running test first. */
  void discard(boolean force);
}
