package dev.shadowrouting.internal.tests;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.QualityMetric;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.stats.PairStats;
import dev.shadowrouting.internal.stats.RunningIntersection;
import dev.shadowrouting.internal.stats.VerdictEngine;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * What one shadow test observed: paired statistics ({@link PairStats}: the candidate against
 * production, the A/A copy against production, and the candidate against the A/A copy on the same
 * request), latency histograms, per-side counts, recent mismatches and ground-truth quality;
 * recorded on the pool, frozen into a consistent copy for a report ({@link #freeze}, {@link
 * #report}). It has no life cycle of its own: {@link TestRun} owns that and decides when to stop
 * feeding it.
 *
 * <p>Recording is lock-free: paired statistics go to one of several stripes, each taken with one
 * compare-and-set; a writer that finds a stripe busy moves to the next, so writers never wait (the
 * idea of {@code LongAdder}'s cells, for statistics that are not plain sums). Freezing takes each
 * stripe in turn to copy it. The stripe holds the latency histograms too, so nothing a writer
 * updates is shared with another writer (the counts that budget and guards read are LongAdders).
 * Thread-safe.
 */
public final class TestObservations<I, O> {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");
  private static final long HIGHEST_TRACKABLE = TimeUnit.HOURS.toNanos(1);
  private static final int STRIPES = 8; // a power of two, more than a typical pool's workers
  private static final int MISMATCH_SAMPLES = 20;
  private static final int MAX_FIELDS = 64;
  private static final String OTHER_FIELDS = "(other fields)";

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
  private final Clock clock;
  /** Pairs observed before this (epoch millis, the spec's clock) are the candidate's warm-up. */
  private final long warmupEndMillis;
  /** Set once an observation saw the warm-up over: from then on the clock is not read. */
  private volatile boolean warmedUp;
  /** The test's start on the spec's clock, and on System.nanoTime: pairs' timestamps. */
  private final long startMillis;
  private final long startNanos = System.nanoTime();
  private final boolean withNoise;

  public TestObservations(ShadowTestSpec<I, O> spec, long startMillis) {
    this.clock = spec.clock();
    this.startMillis = startMillis;
    this.warmupEndMillis = startMillis + spec.rule().warmup().toMillis();
    this.warmedUp = spec.rule().warmup().isZero();
    this.withNoise = spec.noiseBaseline();
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
        "quality metric of shadow test '" + spec.candidate().name() + "' threw");
  }

  public boolean hasGroundTruth() {
    return groundTruth != null;
  }

  /** Candidate calls observed (successes, errors, timeouts). */
  public long calls() {
    return calls.sum();
  }

  public long candidateErrors() {
    return candidateSide.errors.sum();
  }

  public long candidateTimeouts() {
    return candidateSide.timeouts.sum();
  }

  /**
   * Records one copy of the candidate ({@code noise == false}) or of the A/A noise copy that
   * ended with {@code outcome} (SUCCESS, ERROR or TIMEOUT); {@code requestId} is asked only for a
   * mismatch or a label to join.
   */
  public void observe(Exchange<I, O> ex, boolean noise, Outcome outcome, long runNanos,
      long queueWaitNanos, long routerNanos, Comparison comparison, O output,
      java.util.function.Function<Exchange<?, ?>, String> requestId) {
    boolean candidateFailed = outcome != Outcome.SUCCESS;
    boolean productionFailed = ex.error != null;
    Comparison.Result result = comparison.result();
    // The pair's timestamp (its batch for the long-run variance): when production started on it,
    // from the exchange's nanoTime, so observing reads no clock; the warm-up is on the spec's
    // clock, like the time box, read only until it is over.
    long now = startMillis + (ex.startNanos - startNanos) / 1_000_000;
    boolean warmup = !warmedUp && inWarmup();
    Outcome production = productionFailed ? Outcome.ERROR : Outcome.SUCCESS;
    // The candidate and its A/A copy of the same request meet here (either may end first): the
    // second pairs them, candidate against copy, both timed on the pool.
    Half partner = withNoise
        ? (Half) ex.meet(this, noise, new Half(outcome, runNanos, result)) : null;
    record(now, warmup, production, ex.latencyNanos, noise, outcome, runNanos, queueWaitNanos,
        routerNanos, comparison, partner, ex, requestId);
    if (noise) {
      return;
    }
    if (groundTruth != null && ex.callerKnowsId) {
      groundTruth.put(requestId.apply(ex),
          new Joined(productionFailed ? null : ex.output, candidateFailed ? null : output));
    }
    calls.increment();
  }

  /**
   * Records one replayed pair (a {@code ShadowReplay}: production as captured or re-run, the
   * candidate run offline), started at {@code timestampMillis} on the spec's clock: the same
   * statistics, histograms and counts as a live copy of the candidate, without A/A copy or ground
   * truth. The warm-up is read from the timestamp, so a replay's is deterministic.
   */
  public void observeReplayed(long timestampMillis, Outcome production, long productionNanos,
      Outcome outcome, long runNanos, Comparison comparison, String requestId) {
    record(timestampMillis, timestampMillis < warmupEndMillis, production, productionNanos, false,
        outcome, runNanos, -1, -1, comparison, null, requestId, Function.identity());
    calls.increment();
  }

  /**
   * What every observation records: the pair into this thread's stripe (with the A/A pair when
   * {@code partner} met it), the histograms and the side's counters; {@code requestIds} maps
   * {@code key} to the request id, asked only for a mismatch (no allocation on the live path).
   * A negative {@code queueWaitNanos} or {@code routerNanos} is none (a replay).
   */
  private <K> void record(long now, boolean warmup, Outcome production, long productionNanos,
      boolean noise, Outcome outcome, long runNanos, long queueWaitNanos, long routerNanos,
      Comparison comparison, Half partner, K key, Function<? super K, String> requestIds) {
    Comparison.Result result = comparison.result();
    int agreement = result == Comparison.Result.NOT_COMPARED ? -1
        : result == Comparison.Result.MISMATCH ? 0 : 1;
    // Everything per observation goes to the stripe this thread holds: no counter or histogram
    // is shared between writers, so pool threads do not bounce cache lines between cores.
    Stripe s = acquire();
    try {
      (noise ? s.noise : s.candidate).add(now, warmup, production, productionNanos, outcome,
          runNanos, agreement, Double.NaN, Double.NaN);
      if (partner != null) {
        Outcome copyOutcome = noise ? outcome : partner.outcome;
        long copyNanos = noise ? runNanos : partner.nanos;
        Outcome candidateOutcome = noise ? partner.outcome : outcome;
        long candidateNanos = noise ? partner.nanos : runNanos;
        s.excess.add(now, warmup, copyOutcome, copyNanos, candidateOutcome, candidateNanos, -1,
            Double.NaN, Double.NaN);
        Comparison.Result copyResult = noise ? result : partner.result;
        Comparison.Result candidateResult = noise ? partner.result : result;
        if (copyResult != Comparison.Result.NOT_COMPARED
            && candidateResult != Comparison.Result.NOT_COMPARED) {
          s.excess.addAgreementDifference(candidateResult == Comparison.Result.MISMATCH,
              copyResult == Comparison.Result.MISMATCH);
        }
      }
      s.histograms().record(noise, clamp(runNanos), queueWaitNanos, routerNanos,
          clamp(productionNanos));
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
      side.mismatch(requestIds.apply(key), comparison.differingPaths());
    }
  }

  private boolean inWarmup() {
    if (clock.millis() < warmupEndMillis) {
      return true;
    }
    warmedUp = true;
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

  /** True if {@code requestId} was one of this test's requests and had not expired. */
  @SuppressWarnings("unchecked")
  public boolean join(String requestId, Object actual) {
    Joined j = groundTruth.asMap().remove(requestId);
    if (j == null) {
      return false;
    }
    double production = score(productionQuality, j.production, actual);
    double candidate = score(candidateQuality, j.candidate, actual);
    if (!Double.isNaN(production) && !Double.isNaN(candidate)) {
      // the quality check is on the paired loss: a score where higher is better is a negative loss
      double sign = metric.higherIsBetter() ? -1 : 1;
      Stripe s = acquire();
      try {
        s.candidate.addLosses(sign * production, sign * candidate);
        s.excess.addLosses(sign * production, sign * candidate);
      } finally {
        s.release();
      }
    }
    return true;
  }

  /** Scores one side's prediction into {@code q}; the score, or NaN when there is none. */
  @SuppressWarnings("unchecked")
  private double score(Quality q, Object predicted, Object actual) {
    if (predicted == null) {
      return Double.NaN;
    }
    try {
      double v = metric.score(predicted, actual);
      if (!Double.isNaN(v)) {
        q.sum.add(v);
        q.count.increment();
      }
      return v;
    } catch (Throwable t) {
      metricFailures.log(t);
      return Double.NaN;
    }
  }

  /** A copy of what the verdict reads (the candidate against the A/A copy, or production). */
  public PairStats judged() {
    PairStats judged = new PairStats();
    for (Stripe s : stripes) {
      s.acquireForRead();
      try {
        judged.merge(withNoise ? s.excess : s.candidate);
      } finally {
        s.release();
      }
    }
    return judged;
  }

  /**
   * A consistent copy of everything observed so far, with its evaluation: the candidate against
   * the A/A copy when there is one, else against production, narrowed by {@code running}.
   */
  public Frozen freeze(VerdictEngine engine, RunningIntersection running, long candidateRejected,
      long noiseRejected) {
    PairStats c = new PairStats();
    PairStats n = new PairStats();
    PairStats x = new PairStats();
    Histograms all = new Histograms();
    for (Stripe s : stripes) {
      s.acquireForRead();
      try {
        c.merge(s.candidate);
        n.merge(s.noise);
        x.merge(s.excess);
        if (s.histograms != null) {
          all.add(s.histograms);
        }
      } finally {
        s.release();
      }
    }
    Evaluation evaluation = engine.evaluate(withNoise ? x : c, running);
    Evaluation noiseEvaluation = withNoise ? engine.evaluate(n) : null;
    return new Frozen(c, n, withNoise ? x : c, evaluation, noiseEvaluation,
        summary(all.production), summary(all.candidateRun), summary(all.candidateWait),
        summary(all.candidateRouter), summary(all.noiseRun), summary(all.noiseWait),
        summary(all.noiseRouter),
        candidateSide.report(), noiseSide.report(),
        candidateRejected, noiseRejected);
  }

  private static LatencySummary summary(AbstractHistogram h) {
    long n = h.getTotalCount();
    if (n == 0) {
      return LatencySummary.EMPTY;
    }
    return new LatencySummary(n, h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  /** The report of {@code f} as of {@code nowMillis}: quality is read now (labels come late). */
  public ShadowTestReport report(Frozen f, long nowMillis, TestReports.Facts facts) {
    String metricName = metric == null ? null : metric.name();
    return TestReports.build(f, nowMillis, facts,
        new TestReports.Quality(metricName, productionQuality.mean(),
            productionQuality.count.sum()),
        new TestReports.Quality(metricName, candidateQuality.mean(), candidateQuality.count.sum()));
  }

  // ---- parts -----------------------------------------------------------------------------------

  /** A stripe of paired statistics: one writer at a time, taken with one CAS, never waited for. */
  private static final class Stripe {
    private final AtomicInteger busy = new AtomicInteger();
    final PairStats candidate = new PairStats();
    final PairStats noise = new PairStats();
    /** The candidate against the A/A copy of the same request. */
    final PairStats excess = new PairStats();
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

  public record SideReport(long errors, long timeouts, List<String> samples,
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

    /**
     * {@code wait} is negative where there is none (a replay), {@code router} too (a timeout:
     * the call never returned; a replay).
     */
    void record(boolean noise, long run, long wait, long router, long production) {
      if (noise) {
        noiseRun.recordValue(run);
      } else {
        candidateRun.recordValue(run);
        this.production.recordValue(production);
      }
      if (wait >= 0) {
        (noise ? noiseWait : candidateWait).recordValue(clamp(wait));
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

  /** One copy's end, waiting on the exchange for its partner (candidate or A/A copy). */
  private record Half(Outcome outcome, long nanos, Comparison.Result result) {}

  /** The outputs of one sampled request waiting for its label (null where a side failed). */
  private record Joined(Object production, Object candidate) {}

  /**
   * Everything observed up to one moment, with its evaluation: what a report is built from.
   * {@code judged} is what the verdict read: the candidate against the A/A copy, or {@code
   * candidate}.
   */
  public record Frozen(PairStats candidate, PairStats noise, PairStats judged,
      Evaluation evaluation,
      Evaluation noiseEvaluation, LatencySummary productionRun, LatencySummary candidateRun,
      LatencySummary candidateWait, LatencySummary candidateRouter, LatencySummary noiseRun,
      LatencySummary noiseWait, LatencySummary noiseRouter,
      SideReport candidateMismatches, SideReport noiseMismatches, long candidateRejected,
      long noiseRejected) {}
}
