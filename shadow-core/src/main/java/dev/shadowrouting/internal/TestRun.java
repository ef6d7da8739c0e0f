package dev.shadowrouting.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.QualityMetric;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.Side;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.internal.stats.CheckResult;
import dev.shadowrouting.internal.stats.Evaluation;
import dev.shadowrouting.internal.stats.PairedSample;
import dev.shadowrouting.internal.stats.SequentialVerdict;
import dev.shadowrouting.internal.stats.Thresholds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One shadow test: its candidate (and optional A/A noise copy) lanes feed {@link #observe} on the
 * pool; the report merges what was observed and asks {@link SequentialVerdict} for the verdict.
 *
 * <p>Recording is lock-free: paired statistics go to one of several stripes, each taken with one
 * compare-and-set; a writer that finds a stripe busy moves to the next, so writers never wait (the
 * idea of {@code LongAdder}'s cells, for statistics that are not plain sums). The report takes each
 * stripe in turn to copy it. The stripe holds the latency histograms too, so nothing a writer
 * updates is shared with another writer (the counts that budget and guards read are LongAdders).
 *
 * <p>The life cycle has one owner: {@link #end} moves the status out of RUNNING with one CAS, so
 * exactly one of deadline, budget, guard, stop or close ends the test, removes its lanes and
 * freezes its final statistics. Observations that arrive after the end are not counted.
 * Thread-safe.
 */
final class TestRun<I, O> implements ShadowTest {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");
  private static final long HIGHEST_TRACKABLE = TimeUnit.HOURS.toNanos(1);
  private static final int STRIPES = 8; // a power of two, more than a typical pool's workers
  private static final int MISMATCH_SAMPLES = 20;
  private static final int MAX_FIELDS = 64;
  private static final String OTHER_FIELDS = "(other fields)";

  private final DefaultShadowRouter<I, O> router;
  private final ShadowTestSpec<I, O> spec;
  private final String candidateName;
  private final String noiseName;
  private final Clock clock;
  private final Instant startedAt;
  private final long deadlineMillis;
  private final SequentialVerdict verdicts;
  private final List<String> productionAtStart;

  private volatile Variant<I, O> candidate;
  private volatile Variant<I, O> noise;
  private VariantCounters candidateCounters;
  private VariantCounters noiseCounters;
  private long candidateRejectedBaseline;
  private long noiseRejectedBaseline;

  private final Stripe[] stripes = new Stripe[STRIPES];
  /** Candidate calls, errors and timeouts: striped sums, exact enough for budget and guards. */
  private final LongAdder calls = new LongAdder();
  private final SideCounters candidateSide = new SideCounters();
  private final SideCounters noiseSide = new SideCounters();

  private final Cache<String, Joined> groundTruth;
  @SuppressWarnings("rawtypes")
  private final QualityMetric metric;
  private final Quality productionQuality = new Quality();
  private final Quality candidateQuality = new Quality();
  private final WarnThenDebugLogger metricFailures;

  private final AtomicReference<Status> status = new AtomicReference<>(Status.RUNNING);
  private final AtomicReference<Decision> decision = new AtomicReference<>(Decision.NONE);
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile long endedAtMillis;
  private volatile String endReason;
  private volatile Frozen frozen;
  private volatile List<String> replacedProduction;

  TestRun(DefaultShadowRouter<I, O> router, ShadowTestSpec<I, O> spec, long expectedPairs,
      List<String> productionAtStart) {
    this.router = router;
    this.spec = spec;
    this.candidate = spec.candidate();
    this.candidateName = candidate.name();
    this.noiseName = spec.noiseBaseline() ? candidateName + ShadowTestSpec.NOISE_SUFFIX : null;
    this.noise = noiseName == null ? null : noiseVariant(candidate, noiseName);
    this.clock = spec.clock();
    this.startedAt = clock.instant();
    this.deadlineMillis = startedAt.toEpochMilli() + spec.duration().toMillis();
    this.productionAtStart = List.copyOf(productionAtStart);
    this.verdicts = new SequentialVerdict(new Thresholds(
        enabled(ShadowTestSpec.Check.LATENCY) ? spec.maxLatencyIncrease() : Double.NaN,
        enabled(ShadowTestSpec.Check.ERRORS) ? spec.maxErrorRateIncrease() : Double.NaN,
        enabled(ShadowTestSpec.Check.AGREEMENT) ? spec.minAgreement() : Double.NaN,
        spec.minSamples(), spec.alpha(), expectedPairs));
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
    this.metric = spec.qualityMetric();
    this.groundTruth = metric == null ? null : Caffeine.newBuilder()
        .maximumSize(spec.groundTruthMaxEntries())
        .expireAfterWrite(spec.groundTruthExpiry())
        .executor(Runnable::run) // maintenance on the calling thread: no ForkJoinPool tasks
        .build();
    this.metricFailures = new WarnThenDebugLogger(LOG,
        "quality metric of shadow test '" + candidateName + "' threw");
  }

  private boolean enabled(ShadowTestSpec.Check check) {
    return spec.checks().contains(check);
  }

  private static <I, O> Variant<I, O> noiseVariant(Variant<I, O> candidate, String name) {
    return Variant.<I, O>builder(name, new ProductionReplay<>())
        .samplingRate(candidate.samplingRate())
        .timeout(candidate.timeout())
        .maxConcurrency(candidate.maxConcurrency())
        .comparator(candidate.comparator())
        .build();
  }

  // ---- wiring (called by the router under its update lock) -------------------------------------

  String candidateName() {
    return candidateName;
  }

  /** The A/A copy's name, or null. */
  String noiseName() {
    return noiseName;
  }

  Variant<I, O> candidateVariant() {
    return candidate;
  }

  /** The A/A copy's variant, or null. */
  Variant<I, O> noiseVariant() {
    return noise;
  }

  void attach(VariantCounters candidateCounters, VariantCounters noiseCounters) {
    this.candidateCounters = candidateCounters;
    this.candidateRejectedBaseline = candidateCounters.rejectedTotal();
    this.noiseCounters = noiseCounters;
    this.noiseRejectedBaseline = noiseCounters == null ? 0 : noiseCounters.rejectedTotal();
  }

  boolean hasGroundTruth() {
    return groundTruth != null;
  }

  // ---- recording (pool threads) ----------------------------------------------------------------

  /**
   * One copy of the candidate ({@code noise == false}) or of the A/A noise copy ended with
   * {@code outcome} (SUCCESS, ERROR or TIMEOUT).
   */
  void observe(Exchange<I, O> ex, boolean noise, Outcome outcome, long runNanos,
      long queueWaitNanos, long routerNanos, Comparison comparison, O output) {
    if (status.get() != Status.RUNNING) {
      return;
    }
    boolean candidateFailed = outcome != Outcome.SUCCESS;
    boolean productionFailed = ex.error != null;
    Comparison.Result result = comparison.result();
    // Everything per observation goes to the stripe this thread holds: no counter or histogram
    // is shared between writers, so pool threads do not bounce cache lines between cores.
    Stripe s = acquire();
    try {
      PairedSample p = noise ? s.noise : s.candidate;
      p.errorPair(productionFailed, candidateFailed);
      if (!candidateFailed && !productionFailed) {
        p.latencyPair(runNanos, ex.latencyNanos);
      }
      if (result != Comparison.Result.NOT_COMPARED) {
        p.comparison(result == Comparison.Result.MISMATCH);
      }
      s.histograms().record(noise, clamp(runNanos), clamp(queueWaitNanos), routerNanos,
          clamp(ex.latencyNanos));
    } finally {
      s.release();
    }
    SideCounters side = noise ? noiseSide : candidateSide;
    if (outcome == Outcome.ERROR) {
      side.errors.increment();
    } else if (outcome == Outcome.TIMEOUT) {
      side.timeouts.increment();
    }
    if (result == Comparison.Result.MISMATCH) {
      side.mismatch(ex.requestId(router.ids()), comparison.differingPaths());
    }
    if (noise) {
      return;
    }
    if (groundTruth != null && ex.callerKnowsId) {
      groundTruth.put(ex.requestId(router.ids()),
          new Joined(productionFailed ? null : ex.output, candidateFailed ? null : output));
    }
    calls.increment();
    // The sums are read only when they can change a decision: a success lowers the error and
    // timeout rates, so the guards need a look after a failure (and at each supervisor tick); the
    // budget needs the count on every call. A healthy copy of a test without a budget reads no
    // counter another thread writes.
    if (candidateFailed && guardsTrip()) {
      return;
    }
    if (spec.maxRequests() > 0 && calls.sum() >= spec.maxRequests()) {
      end(Status.COMPLETED, "request budget of " + spec.maxRequests() + " calls spent");
    }
  }

  /** Ends the test as FAILED if the error or timeout guard trips; true if it did. */
  private boolean guardsTrip() {
    long n = calls.sum();
    if (n < spec.guardMinCalls()) {
      return false;
    }
    long failures = candidateSide.errors.sum();
    long timeouts = candidateSide.timeouts.sum();
    if (failures > spec.stopIfErrorRateAbove() * n) {
      return end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: candidate error rate %.1f%% (%d of %d calls) above %.1f%%",
          100.0 * failures / n, failures, n, 100 * spec.stopIfErrorRateAbove()));
    }
    if (timeouts > spec.stopIfTimeoutRateAbove() * n) {
      return end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: candidate timeout rate %.1f%% (%d of %d calls) above %.1f%%",
          100.0 * timeouts / n, timeouts, n, 100 * spec.stopIfTimeoutRateAbove()));
    }
    return false;
  }

  private static long clamp(long nanos) {
    return Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE);
  }

  private Stripe acquire() {
    int i = (int) Thread.currentThread().getId();
    while (true) {
      Stripe s = stripes[i & (STRIPES - 1)];
      if (s.tryAcquire()) {
        return s;
      }
      i++; // busy: another writer or a report copying it; never wait, take the next one
    }
  }

  // ---- ground truth (the caller of recordOutcome) -----------------------------------------------

  /** True if {@code requestId} was one of this test's requests and had not expired. */
  @SuppressWarnings("unchecked")
  boolean join(String requestId, Object actual) {
    Joined j = groundTruth.asMap().remove(requestId);
    if (j == null) {
      return false;
    }
    score(productionQuality, j.production, actual);
    score(candidateQuality, j.candidate, actual);
    return true;
  }

  @SuppressWarnings("unchecked")
  private void score(Quality q, Object predicted, Object actual) {
    if (predicted == null) {
      return;
    }
    try {
      double v = metric.score(predicted, actual);
      if (!Double.isNaN(v)) {
        q.sum.add(v);
        q.count.increment();
      }
    } catch (Throwable t) {
      metricFailures.log(t);
    }
  }

  // ---- life cycle ------------------------------------------------------------------------------

  /**
   * Ends the test if it still runs: the single place that decides the final status, removes the
   * lanes and freezes the statistics. True for the one caller that ended it.
   */
  boolean end(Status to, String reason) {
    if (!status.compareAndSet(Status.RUNNING, to)) {
      return false;
    }
    endedAtMillis = Math.max(clock.millis(), startedAt.toEpochMilli());
    endReason = reason;
    try {
      router.removeTest(this);
    } finally {
      frozen = freeze();
      ended.countDown();
    }
    LOG.log(System.Logger.Level.INFO, "shadow test of '" + candidateName + "' on endpoint '"
        + router.name() + "' ended " + to + " (" + reason + "), verdict "
        + frozen.evaluation.verdict());
    return true;
  }

  /** Ends the test if its deadline passed or the rejected-rate guard trips; called periodically. */
  void check() {
    if (status.get() != Status.RUNNING) {
      return;
    }
    if (clock.millis() >= deadlineMillis) {
      end(Status.COMPLETED, "deadline reached after " + spec.duration());
      return;
    }
    if (guardsTrip()) { // e.g. failures that came before guardMinCalls, then only successes
      return;
    }
    long rejected = rejected(candidateCounters, candidateRejectedBaseline);
    long sampled = calls.sum() + rejected;
    if (sampled >= spec.guardMinCalls() && rejected > spec.stopIfRejectedRateAbove() * sampled) {
      end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: %.1f%% of the candidate's copies rejected (%d of %d) above %.1f%%",
          100.0 * rejected / sampled, rejected, sampled, 100 * spec.stopIfRejectedRateAbove()));
    }
  }

  private static long rejected(VariantCounters c, long baseline) {
    return c == null ? 0 : c.rejectedTotal() - baseline;
  }

  @Override
  public String endpoint() {
    return router.name();
  }

  @Override
  public String candidate() {
    return candidateName;
  }

  @Override
  public ShadowTestSpec<?, ?> spec() {
    return spec;
  }

  @Override
  public Status status() {
    check();
    return status.get();
  }

  @Override
  public Decision decision() {
    return decision.get();
  }

  @Override
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    check();
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void samplingRate(double rate) {
    router.changeSamplingRate(this, rate);
  }

  /** Under the router's update lock: the new variants of a running test. */
  void samplingRateChanged(Variant<I, O> candidate, Variant<I, O> noise) {
    this.candidate = candidate;
    this.noise = noise;
  }

  boolean isRunning() {
    return status.get() == Status.RUNNING;
  }

  @Override
  public void stop() {
    end(Status.STOPPED, "stopped");
  }

  @Override
  public void promote() {
    promote(false);
  }

  @Override
  public void promote(boolean force) {
    check();
    if (!force) {
      if (isRunning()) {
        throw new IllegalStateException("shadow test of '" + candidateName
            + "' is still running; stop() it first or use promote(true)");
      }
      Evaluation last = frozenAfterEnd().evaluation;
      if (last.verdict() == Verdict.FAIL) {
        throw new IllegalStateException("shadow test of '" + candidateName
            + "' ended with verdict FAIL (" + String.join("; ", last.reasons())
            + "); use promote(true) to promote it anyway");
      }
    }
    claimDecision(Decision.PROMOTED);
    try {
      end(Status.STOPPED, "stopped to promote the candidate");
      replacedProduction = router.promoteCandidate(this);
    } catch (RuntimeException e) {
      decision.set(Decision.NONE); // e.g. the router closed: nothing was decided
      throw e;
    }
  }

  @Override
  public void discard() {
    discard(false);
  }

  @Override
  public void discard(boolean force) {
    check();
    if (!force && isRunning()) {
      throw new IllegalStateException("shadow test of '" + candidateName
          + "' is still running; stop() it first or use discard(true)");
    }
    claimDecision(Decision.DISCARDED);
    end(Status.STOPPED, "stopped to discard the candidate");
  }

  /** The final statistics; the thread that ends the test sets them right after the status. */
  private Frozen frozenAfterEnd() {
    boolean interrupted = false;
    while (frozen == null) {
      try {
        ended.await();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return frozen;
  }

  private void claimDecision(Decision d) {
    if (!decision.compareAndSet(Decision.NONE, d)) {
      throw new IllegalStateException("the candidate '" + candidateName
          + "' of this shadow test was already " + decision.get().name().toLowerCase(
              java.util.Locale.ROOT));
    }
  }

  // ---- reports ---------------------------------------------------------------------------------

  @Override
  public ShadowTestReport report() {
    check();
    Frozen f = frozen;
    long now = f != null ? endedAtMillis : Math.max(clock.millis(), startedAt.toEpochMilli());
    return build(f != null ? f : freeze(), now);
  }

  /** A consistent copy of everything observed so far, with its evaluation. */
  private Frozen freeze() {
    PairedSample c = new PairedSample();
    PairedSample n = new PairedSample();
    Histograms all = new Histograms();
    for (Stripe s : stripes) {
      s.acquireForRead();
      try {
        c.merge(s.candidate);
        n.merge(s.noise);
        if (s.histograms != null) {
          all.add(s.histograms);
        }
      } finally {
        s.release();
      }
    }
    Evaluation evaluation = verdicts.evaluate(c, noiseName == null ? null : n);
    Evaluation noiseEvaluation = noiseName == null ? null : verdicts.evaluate(n, null);
    return new Frozen(c, n, evaluation, noiseEvaluation,
        summary(all.production), summary(all.candidateRun), summary(all.candidateWait),
        summary(all.candidateRouter), summary(all.noiseRun), summary(all.noiseWait),
        summary(all.noiseRouter),
        candidateSide.report(), noiseSide.report(),
        rejected(candidateCounters, candidateRejectedBaseline),
        rejected(noiseCounters, noiseRejectedBaseline));
  }

  private static LatencySummary summary(AbstractHistogram h) {
    long n = h.getTotalCount();
    if (n == 0) {
      return LatencySummary.EMPTY;
    }
    return LatencySummary.ofNanos(n, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  private ShadowTestReport build(Frozen f, long nowMillis) {
    double seconds = Math.max(1e-3, (nowMillis - startedAt.toEpochMilli()) / 1000.0);
    String metricName = metric == null ? null : metric.name();
    List<VariantReport> variants = new ArrayList<>(3);
    PairedSample c = f.candidate;
    variants.add(VariantReport.builder(String.join("+", productionAtStart), Side.PRODUCTION)
        .counts(c.pairs(), c.productionFailures(), 0, 0)
        .runTime(f.productionRun)
        .quality(metricName, productionQuality.mean(), productionQuality.count.sum())
        .throughputPerSecond(c.pairs() / seconds)
        .build());
    variants.add(side(candidateName, Side.CANDIDATE, c, f.candidateRun, f.candidateWait,
        f.candidateRouter, f.candidateMismatches, f.candidateRejected, agreementCheck(f.evaluation), seconds)
        .quality(metricName, candidateQuality.mean(), candidateQuality.count.sum())
        .build());
    if (noiseName != null) {
      variants.add(side(noiseName, Side.NOISE, f.noise, f.noiseRun, f.noiseWait, f.noiseRouter,
          f.noiseMismatches, f.noiseRejected, agreementCheck(f.noiseEvaluation), seconds)
          .build());
    }
    List<ShadowTestReport.Check> checks = new ArrayList<>();
    for (CheckResult r : f.evaluation.checks()) {
      checks.add(ShadowTestReport.Check.builder(r.name())
          .verdict(r.verdict())
          .estimate(r.estimate(), r.lower(), r.upper())
          .threshold(r.threshold())
          .confidence(r.confidence())
          .n(r.n())
          .reason(r.reason())
          .build());
    }
    Status s = status.get();
    List<String> replaced = replacedProduction;
    return ShadowTestReport.builder()
        .endpoint(router.name())
        .candidate(candidateName)
        .status(s)
        .decision(decision.get())
        .verdict(f.evaluation.verdict())
        .checks(checks)
        .startedAt(startedAt)
        .endedAt(s.isEnded() ? Instant.ofEpochMilli(endedAtMillis) : null)
        .elapsed(Duration.ofMillis(nowMillis - startedAt.toEpochMilli()))
        .duration(spec.duration())
        .calls(c.pairs())
        .maxRequests(spec.maxRequests())
        .samplingRate(candidate.samplingRate())
        .productionVariants(replaced != null ? replaced : productionAtStart)
        .endReason(s.isEnded() ? endReason : null)
        .variants(variants)
        .unmatchedLabels(router.unmatchedLabels())
        .build();
  }

  private static CheckResult agreementCheck(Evaluation e) {
    if (e == null) {
      return null;
    }
    for (CheckResult r : e.checks()) {
      if (r.name().equals("agreement")) {
        return r;
      }
    }
    return null;
  }

  private static ShadowTestReport.VariantBuilder side(String name, Side side, PairedSample p,
      LatencySummary run, LatencySummary wait, LatencySummary router, SideReport mismatches,
      long rejected,
      CheckResult agreement, double seconds) {
    double lower = Double.NaN;
    double upper = Double.NaN;
    if (agreement != null && p.compared() > 0) {
      lower = agreement.lower();
      upper = agreement.upper();
    }
    return VariantReport.builder(name, side)
        .counts(p.pairs(), mismatches.errors, mismatches.timeouts, rejected)
        .runTime(run)
        .queueWait(wait)
        .routerTime(router)
        .agreement(p.compared(), p.mismatches(), lower, upper)
        .mismatchSamples(mismatches.samples)
        .fieldMismatches(mismatches.fields)
        .throughputPerSecond(p.pairs() / seconds);
  }

  @Override
  public String toString() {
    return "ShadowTest[" + candidateName + " on " + router.name() + ", " + status.get() + ']';
  }

  // ---- parts -----------------------------------------------------------------------------------

  /** A stripe of paired statistics: one writer at a time, taken with one CAS, never waited for. */
  private static final class Stripe {
    private final AtomicInteger busy = new AtomicInteger();
    final PairedSample candidate = new PairedSample();
    final PairedSample noise = new PairedSample();
    /** Created by the first writer: a pool with one worker fills one stripe's (~100 KB). */
    Histograms histograms;

    /** Must hold the stripe. */
    Histograms histograms() {
      Histograms h = histograms;
      if (h == null) {
        h = new Histograms();
        histograms = h;
      }
      return h;
    }

    boolean tryAcquire() {
      return busy.get() == 0 && busy.compareAndSet(0, 1);
    }

    /** The report's side: it may wait for the writer (a few statistics updates). */
    void acquireForRead() {
      while (!tryAcquire()) {
        Thread.onSpinWait();
      }
    }

    void release() {
      busy.set(0);
    }
  }

  /** Per-side counters that are not paired statistics: outcomes, latencies, mismatches. */
  private static final class SideCounters {
    final LongAdder errors = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final AtomicReferenceArray<String> samples = new AtomicReferenceArray<>(MISMATCH_SAMPLES);
    final AtomicLong sampleIndex = new AtomicLong();
    final ConcurrentHashMap<String, LongAdder> fields = new ConcurrentHashMap<>();

    void mismatch(String requestId, List<String> paths) {
      samples.set((int) (sampleIndex.getAndIncrement() % MISMATCH_SAMPLES), requestId);
      for (String path : paths) {
        LongAdder a = fields.get(path);
        if (a == null) {
          // bounded: past MAX_FIELDS distinct paths the rest share one counter
          String key = fields.size() < MAX_FIELDS ? path : OTHER_FIELDS;
          a = fields.computeIfAbsent(key, k -> new LongAdder());
        }
        a.increment();
      }
    }

    SideReport report() {
      List<String> recent = new ArrayList<>(MISMATCH_SAMPLES);
      long end = sampleIndex.get();
      for (long i = Math.max(0, end - MISMATCH_SAMPLES); i < end; i++) {
        String id = samples.get((int) (i % MISMATCH_SAMPLES));
        if (id != null) {
          recent.add(id);
        }
      }
      Map<String, Long> byField = new HashMap<>();
      fields.forEach((k, v) -> byField.put(k, v.sum()));
      return new SideReport(errors.sum(), timeouts.sum(), recent, byField);
    }
  }

  private record SideReport(long errors, long timeouts, List<String> samples,
      Map<String, Long> fields) {}

  /**
   * Latency histograms of one stripe (guarded by it), or their sum for a report. Int counts: 2
   * significant digits from 1 ns to 1 hour in ~20 KB each.
   */
  private static final class Histograms {
    final AbstractHistogram production = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram candidateRun = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram candidateWait = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram noiseRun = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram noiseWait = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram candidateRouter = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);
    final AbstractHistogram noiseRouter = new IntCountsHistogram(HIGHEST_TRACKABLE, 2);

    /** {@code router} is negative where there is none (a timeout: the call never returned). */
    void record(boolean noise, long run, long wait, long router, long production) {
      if (noise) {
        noiseRun.recordValue(run);
        noiseWait.recordValue(wait);
      } else {
        candidateRun.recordValue(run);
        candidateWait.recordValue(wait);
        this.production.recordValue(production);
      }
      if (router >= 0) {
        (noise ? noiseRouter : candidateRouter).recordValue(clamp(router));
      }
    }

    void add(Histograms other) {
      production.add(other.production);
      candidateRun.add(other.candidateRun);
      candidateWait.add(other.candidateWait);
      noiseRun.add(other.noiseRun);
      noiseWait.add(other.noiseWait);
      candidateRouter.add(other.candidateRouter);
      noiseRouter.add(other.noiseRouter);
    }
  }

  private static final class Quality {
    final DoubleAdder sum = new DoubleAdder();
    final LongAdder count = new LongAdder();

    OptionalDouble mean() {
      long n = count.sum();
      return n == 0 ? OptionalDouble.empty() : OptionalDouble.of(sum.sum() / n);
    }
  }

  /** The outputs of one sampled request waiting for its label (null where a side failed). */
  private record Joined(Object production, Object candidate) {}

  private record Frozen(PairedSample candidate, PairedSample noise, Evaluation evaluation,
      Evaluation noiseEvaluation, LatencySummary productionRun, LatencySummary candidateRun,
      LatencySummary candidateWait, LatencySummary candidateRouter, LatencySummary noiseRun,
      LatencySummary noiseWait, LatencySummary noiseRouter,
      SideReport candidateMismatches, SideReport noiseMismatches, long candidateRejected,
      long noiseRejected) {}
}
