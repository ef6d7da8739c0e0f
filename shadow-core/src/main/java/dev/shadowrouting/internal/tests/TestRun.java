package dev.shadowrouting.internal.tests;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.PairedStatistics;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.ProductionReplay;
import dev.shadowrouting.internal.lanes.TestLane;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.stats.PairStats;
import dev.shadowrouting.internal.stats.RunningIntersection;
import dev.shadowrouting.internal.stats.StatisticsCodec;
import dev.shadowrouting.internal.stats.VerdictEngine;
import dev.shadowrouting.internal.tests.TestObservations.Frozen;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One shadow test's life cycle, an explicit state machine:
 *
 * <pre>
 *   RUNNING --deadline, budget--> COMPLETED --+--promote--> PROMOTED
 *      |    --stop, close-------> STOPPED   --+--discard--> DISCARDED
 *      |    --guard-------------> FAILED    --+
 *      +--promote(force) / discard(force): STOPPED, then the decision
 * </pre>
 *
 * {@link #end} moves the status out of RUNNING with one CAS, so exactly one of deadline, budget,
 * guard, stop or close ends the test and freezes its final statistics; the decision is claimed
 * with another CAS, once. Observations that arrive after the end are not counted.
 *
 * <p>Who does what: pool workers only {@link #observe} (and, for the budget or a guard, end the
 * test without touching the configuration: the lanes go at the next housekeeping); the watchdog's
 * housekeeping {@link #tick}s running tests (deadline, guards) and removes ended tests' lanes;
 * user threads stop, promote and discard. Getters ({@link #status}, {@link #report},
 * {@link #awaitCompletion}) change nothing: a test past its deadline is ended by the next tick,
 * never by being read. The test talks to its endpoint only through {@link TestHost}. Thread-safe.
 */
public final class TestRun<I, O> implements ShadowTest, TestLane<I, O> {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");

  private final TestHost<I, O> host;
  private final ShadowTestSpec<I, O> spec;
  private final String candidateName;
  private final String noiseName;
  private final Clock clock;
  private final Instant startedAt;
  private final long deadlineMillis;
  /** The spec's rule, without the quality check when there is no quality metric. */
  private final VerdictRule rule;
  private final VerdictEngine engine;
  /** The running intersection of the checks' intervals over every evaluation of this test. */
  private final RunningIntersection running = new RunningIntersection();
  /** Set once an evaluation past the minSamples gate said FAIL: the verdict stays FAIL. */
  private final AtomicBoolean failed = new AtomicBoolean();
  /** When housekeeping last evaluated the verdict (System.nanoTime). */
  private long lastLookNanos;
  /** The test's id in a fleet, the same on every instance that starts the same test. */
  private final String fleetId;
  /** The running intersection of the fleet's looks, apart from this instance's own. */
  private final RunningIntersection fleetRunning = new RunningIntersection();
  private final AtomicBoolean fleetFailed = new AtomicBoolean();
  /** Set once an ended test's final statistics were handed to the fleet. */
  private final AtomicBoolean finalPublished = new AtomicBoolean();
  private final List<String> productionAtStart;
  private final TestObservations<I, O> observations;
  /** The host's request ids, bound once: the pool's observation path allocates nothing for it. */
  private final java.util.function.Function<Exchange<?, ?>, String> requestIds;

  private volatile Variant<I, O> candidate;
  private volatile Variant<I, O> noise;
  private VariantLedger candidateLedger;
  private VariantLedger noiseLedger;
  private long candidateRejectedBaseline;
  private long noiseRejectedBaseline;

  private final AtomicReference<Status> status = new AtomicReference<>(Status.RUNNING);
  private final AtomicReference<Decision> decision = new AtomicReference<>(Decision.NONE);
  /** Counted down once the test ended and its lanes are gone. */
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile boolean lanesRemoved;
  private volatile long endedAtMillis;
  private volatile String endReason;
  private volatile Frozen frozen;
  private volatile List<String> replacedProduction;

  /** @param start the test's start, or null for now (the spec's clock) */
  public TestRun(TestHost<I, O> host, ShadowTestSpec<I, O> spec,
      List<String> productionAtStart, Instant start) {
    this.host = host;
    this.spec = spec;
    this.candidate = spec.candidate();
    this.candidateName = candidate.name();
    this.noiseName = spec.noiseBaseline() ? candidateName + ShadowTestSpec.NOISE_SUFFIX : null;
    this.noise = noiseName == null ? null : noiseVariant(candidate, noiseName);
    this.clock = spec.clock();
    this.startedAt = start != null ? start : clock.instant();
    this.deadlineMillis = startedAt.toEpochMilli() + spec.duration().toMillis();
    this.productionAtStart = List.copyOf(productionAtStart);
    this.rule = effectiveRule(spec);
    this.engine = new VerdictEngine(rule);
    this.observations = new TestObservations<>(spec, startedAt.toEpochMilli());
    this.fleetId = fleetId(host.endpoint(), spec);
    this.requestIds = host::requestId;
  }

  /**
   * {@code <endpoint>/<candidate>/<hash>}, the hash over every setting that makes two instances'
   * tests the same test (their statistics then merge): see {@link ShadowTest#fleetId()}.
   */
  public static String fleetId(String endpoint, ShadowTestSpec<?, ?> spec) {
    VerdictRule rule = effectiveRule(spec);
    String settings = String.join("|", spec.candidate().name(),
        Double.toString(spec.samplingRate()), spec.duration().toString(),
        Long.toString(spec.maxRequests()), rule.toString(), Long.toString(spec.minSamples()),
        Boolean.toString(spec.noiseBaseline()));
    return endpoint + "/" + spec.candidate().name() + "/" + String.format(java.util.Locale.ROOT,
        "%08x", dev.shadowrouting.internal.util.Murmur3.hashUtf8(0, settings));
  }

  /**
   * Without a quality metric the quality check can never apply: it is left out so its share of
   * alpha goes to the others (unless it is the only check, which then never decides).
   */
  private static VerdictRule effectiveRule(ShadowTestSpec<?, ?> spec) {
    VerdictRule r = spec.rule();
    if (spec.qualityMetric() == null && r.enabled(ShadowTestSpec.Check.QUALITY)
        && r.checks().size() > 1) {
      return r.toBuilder().withoutCheck(ShadowTestSpec.Check.QUALITY).build();
    }
    return r;
  }

  private static <I, O> Variant<I, O> noiseVariant(Variant<I, O> candidate, String name) {
    return Variant.<I, O>builder(name, new ProductionReplay<>())
        .samplingRate(candidate.samplingRate())
        .timeout(candidate.timeout())
        .maxConcurrency(candidate.maxConcurrency())
        .comparator(candidate.comparator())
        .build();
  }

  // ---- wiring (called by the lane registry under its lock) --------------------------------------

  @Override
  public String candidateName() {
    return candidateName;
  }

  /** The A/A copy's name, or null. */
  @Override
  public String noiseName() {
    return noiseName;
  }

  @Override
  public Variant<I, O> candidateVariant() {
    return candidate;
  }

  /** The A/A copy's variant, or null. */
  @Override
  public Variant<I, O> noiseVariant() {
    return noise;
  }

  @Override
  public void attach(VariantLedger candidateLedger, VariantLedger noiseLedger) {
    this.candidateLedger = candidateLedger;
    this.candidateRejectedBaseline = candidateLedger.rejectedTotal();
    this.noiseLedger = noiseLedger;
    this.noiseRejectedBaseline = noiseLedger == null ? 0 : noiseLedger.rejectedTotal();
  }

  /** Under the registry's lock: the new variants of a running test. */
  @Override
  public void samplingRateChanged(Variant<I, O> candidate, Variant<I, O> noise) {
    this.candidate = candidate;
    this.noise = noise;
  }

  public boolean hasGroundTruth() {
    return observations.hasGroundTruth();
  }

  // ---- recording (pool threads) ----------------------------------------------------------------

  /**
   * One copy of the candidate ({@code noise == false}) or of the A/A noise copy ended with
   * {@code outcome} (SUCCESS, ERROR or TIMEOUT). May end the test (budget, guard) without taking
   * any lock: the lanes go at the next housekeeping.
   */
  @Override
  public void observe(Exchange<I, O> ex, boolean noise, Outcome outcome, long runNanos,
      long queueWaitNanos, long routerNanos, Comparison comparison, O output) {
    if (status.get() != Status.RUNNING) {
      return;
    }
    observations.observe(ex, noise, outcome, runNanos, queueWaitNanos, routerNanos, comparison,
        output, requestIds);
    if (noise) {
      return;
    }
    // The sums are read only when they can change a decision: a success lowers the error and
    // timeout rates, so the guards need a look after a failure (and at each tick); the budget
    // needs the count on every call. A healthy copy of a test without a budget reads no counter
    // another thread writes.
    if (outcome != Outcome.SUCCESS && guardsTrip(true)) {
      return;
    }
    if (spec.maxRequests() > 0 && observations.calls() >= spec.maxRequests()) {
      end(Status.COMPLETED, "request budget of " + spec.maxRequests() + " calls spent", true);
    }
  }

  /** Ends the test as FAILED if the error or timeout guard trips; true if it did. */
  private boolean guardsTrip(boolean onPool) {
    long n = observations.calls();
    if (n < spec.guardMinCalls()) {
      return false;
    }
    long failures = observations.candidateErrors();
    long timeouts = observations.candidateTimeouts();
    if (failures > spec.stopIfErrorRateAbove() * n) {
      return end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: candidate error rate %.1f%% (%d of %d calls) above %.1f%%",
          100.0 * failures / n, failures, n, 100 * spec.stopIfErrorRateAbove()), onPool);
    }
    if (timeouts > spec.stopIfTimeoutRateAbove() * n) {
      return end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: candidate timeout rate %.1f%% (%d of %d calls) above %.1f%%",
          100.0 * timeouts / n, timeouts, n, 100 * spec.stopIfTimeoutRateAbove()), onPool);
    }
    return false;
  }

  /** True if {@code requestId} was one of this test's requests and had not expired. */
  public boolean join(String requestId, Object actual) {
    return observations.join(requestId, actual);
  }

  // ---- life cycle ------------------------------------------------------------------------------

  /**
   * Ends the test if it still runs: the single place that decides the final status and freezes
   * the statistics. On a pool worker the lanes are left to housekeeping (no lock there); anywhere
   * else they are removed now. True for the one caller that ended it.
   */
  private boolean end(Status to, String reason, boolean onPool) {
    if (!status.compareAndSet(Status.RUNNING, to)) {
      return false;
    }
    endedAtMillis = Math.max(clock.millis(), startedAt.toEpochMilli());
    endReason = reason;
    frozen = freeze();
    LOG.log(System.Logger.Level.INFO, "shadow test of '" + candidateName + "' on endpoint '"
        + host.endpoint() + "' ended " + to + " (" + reason + "), verdict "
        + frozen.evaluation().verdict());
    if (onPool) {
      host.endedOnPool();
    } else {
      removeLanes();
    }
    return true;
  }

  /** Removes an ended test's lanes (idempotent), then lets awaitCompletion return. */
  private void removeLanes() {
    try {
      host.removeLanes(this);
      lanesRemoved = true;
    } finally {
      ended.countDown();
    }
  }

  /** Ends the test for the endpoint closing. */
  public void close() {
    end(Status.STOPPED, "endpoint closed", false);
  }

  /**
   * Housekeeping, on the watchdog thread: ends a running test at its deadline or when a guard
   * trips (the rejected-rate guard is read only here), and removes the lanes of a test that a pool
   * worker ended.
   */
  public void tick() {
    if (status.get() != Status.RUNNING) {
      if (!lanesRemoved) {
        removeLanes();
      }
      return;
    }
    if (clock.millis() >= deadlineMillis) {
      end(Status.COMPLETED, "deadline reached after " + spec.duration(), false);
      return;
    }
    if (guardsTrip(false)) { // e.g. failures that came before guardMinCalls, then only successes
      return;
    }
    if (verdictFailed()) {
      return;
    }
    long rejected = rejected(candidateLedger, candidateRejectedBaseline);
    long sampled = observations.calls() + rejected;
    if (sampled >= spec.guardMinCalls() && rejected > spec.stopIfRejectedRateAbove() * sampled) {
      end(Status.FAILED, String.format(java.util.Locale.ROOT,
          "guard: %.1f%% of the candidate's copies rejected (%d of %d) above %.1f%%",
          100.0 * rejected / sampled, rejected, sampled, 100 * spec.stopIfRejectedRateAbove()),
          false);
    }
  }

  /**
   * Looks at the verdict (at most every {@value #LOOK_INTERVAL_MILLIS} ms: a look merges the
   * stripes) and ends the test on a statistical FAIL unless it continues after one; true if it
   * ended.
   */
  private boolean verdictFailed() {
    long now = System.nanoTime();
    if (now - lastLookNanos < LOOK_INTERVAL_MILLIS * 1_000_000L) {
      return false;
    }
    lastLookNanos = now;
    // only the statistics the verdict reads: a look needs no latency summaries
    PairStats judged = observations.judged();
    Evaluation e = engine.evaluate(judged, running);
    if (gate(e, judged.pairs(), failed) != Verdict.FAIL || spec.continueAfterFail()) {
      return false;
    }
    List<String> failing = e.checks().stream()
        .filter(c -> c.verdict() == Verdict.FAIL).map(c -> c.reason()).toList();
    return end(Status.COMPLETED, "verdict FAIL: " + String.join("; ", failing), false);
  }

  /** How often housekeeping looks at a running test's verdict. */
  static final long LOOK_INTERVAL_MILLIS = 100;

  /** True until the test ended and its lanes are gone: housekeeping still has work for it. */
  public boolean active() {
    return !lanesRemoved;
  }

  private static long rejected(VariantLedger c, long baseline) {
    return c == null ? 0 : c.rejectedTotal() - baseline;
  }

  @Override
  public String endpoint() {
    return host.endpoint();
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
    return status.get();
  }

  @Override
  public Decision decision() {
    return decision.get();
  }

  @Override
  public boolean awaitCompletion(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  @Override
  public void setSamplingRate(double rate) {
    host.changeSamplingRate(this, rate);
  }

  @Override
  public boolean isRunning() {
    return status.get() == Status.RUNNING;
  }

  @Override
  public void stop() {
    end(Status.STOPPED, "stopped", false);
  }

  @Override
  public void promote() {
    promote(false);
  }

  @Override
  public void promote(boolean force) {
    if (!force) {
      if (isRunning()) {
        throw new IllegalStateException("shadow test of '" + candidateName
            + "' is still running; stop() it first or use promote(true)");
      }
      Evaluation last = frozenAfterEnd().evaluation();
      if (last.verdict() == Verdict.FAIL) {
        throw new IllegalStateException("shadow test of '" + candidateName
            + "' ended with verdict FAIL (" + String.join("; ", last.reasons())
            + "); use promote(true) to promote it anyway");
      }
    }
    claimDecision(Decision.PROMOTED);
    try {
      end(Status.STOPPED, "stopped to promote the candidate", false);
      replacedProduction = host.promote(this);
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
    if (!force && isRunning()) {
      throw new IllegalStateException("shadow test of '" + candidateName
          + "' is still running; stop() it first or use discard(true)");
    }
    claimDecision(Decision.DISCARDED);
    end(Status.STOPPED, "stopped to discard the candidate", false);
  }

  /** The final statistics; the thread that ends the test sets them right after the status. */
  private Frozen frozenAfterEnd() {
    Frozen f;
    while ((f = frozen) == null) {
      Thread.onSpinWait(); // a few statistics merges away: end() is freezing them
    }
    return f;
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
    // An ended test reports its final statistics (waiting the moment end() takes to freeze them);
    // a running one a fresh copy: status and statistics always agree.
    Status s = status.get();
    Frozen f = s.isEnded() ? frozenAfterEnd() : freeze();
    long now = s.isEnded() ? endedAtMillis : Math.max(clock.millis(), startedAt.toEpochMilli());
    return observations.report(f, now, new TestReports.Facts(host.endpoint(), candidateName, noiseName,
        s, decision.get(), startedAt, endedAtMillis, endReason, spec.duration(),
        spec.maxRequests(), candidate.samplingRate(), productionAtStart, replacedProduction,
        host.unmatchedLabels()));
  }

  /**
   * A consistent copy of everything observed so far, with its evaluation: each check's interval
   * is the running intersection over every look at this test, and the verdict is INCONCLUSIVE
   * below the minSamples gate and FAIL for good once it was FAIL past the gate.
   */
  private Frozen freeze() {
    Frozen f = observations.freeze(engine, running,
        rejected(candidateLedger, candidateRejectedBaseline),
        rejected(noiseLedger, noiseRejectedBaseline));
    Evaluation e = f.evaluation();
    Verdict v = gate(e, f.judged().pairs(), failed);
    if (v == e.verdict()) {
      return f;
    }
    return new Frozen(f.candidate(), f.noise(), f.judged(), new Evaluation(v, e.checks(),
        e.pairs()), f.noiseEvaluation(), f.productionRun(), f.candidateRun(), f.candidateWait(),
        f.candidateRouter(), f.noiseRun(), f.noiseWait(), f.noiseRouter(),
        f.candidateMismatches(), f.noiseMismatches(), f.candidateRejected(), f.noiseRejected());
  }

  /**
   * The verdict a live view shows for evaluation {@code e} of {@code pairs} pairs: INCONCLUSIVE
   * below the minSamples gate, and FAIL for good once {@code latch} saw a FAIL past the gate.
   */
  private Verdict gate(Evaluation e, long pairs, AtomicBoolean latch) {
    if (latch.get()) {
      return Verdict.FAIL;
    }
    if (pairs < spec.minSamples()) {
      return Verdict.INCONCLUSIVE;
    }
    if (e.verdict() == Verdict.FAIL) {
      latch.set(true);
    }
    return e.verdict();
  }

  @Override
  public String fleetId() {
    return fleetId;
  }

  /**
   * The statistics a fleet publishes for this test: the live ones while it runs, its final ones
   * once after it ended, then null (the fleet keeps the last).
   */
  byte[] statisticsToPublish() {
    if (status.get().isEnded() && !finalPublished.compareAndSet(false, true)) {
      return null;
    }
    return StatisticsCodec.encode(rule, publishedStart(), ownInFleet(host.fleet()));
  }

  /**
   * What this instance contributes to the fleet: a fresh copy of its statistics (the final ones
   * once ended), with those of its run before a restart, if the fleet had kept them.
   */
  private PairStats ownInFleet(FleetPeers<I, O> fleet) {
    PairStats own = status.get().isEnded() ? frozenAfterEnd().judged().copy()
        : observations.judged();
    FleetPeers.Peer earlier = fleet.earlier(fleetId);
    if (earlier != null && earlier.statistics().rule().equals(rule)) {
      own.merge(earlier.statistics().stats());
    }
    return own;
  }

  /** A start only matters for a warm-up; without one, statistics stay mergeable. */
  private Instant publishedStart() {
    return rule.warmup().isZero() ? null : startedAt;
  }

  @Override
  public ShadowTestReport fleetReport() {
    ShadowTestReport local = report();
    FleetPeers<I, O> fleet = host.fleet();
    if (fleet == null) {
      return local;
    }
    List<ShadowTestReport.FleetInstance> instances = new java.util.ArrayList<>();
    PairStats merged = mergedInFleet(fleet, instances);
    Evaluation e = engine.evaluate(merged, fleetRunning);
    Verdict v = gate(e, merged.pairs(), fleetFailed);
    return new ShadowTestReport(local.endpoint(), local.candidate(), local.status(),
        local.decision(), v, e.checks(), local.startedAt(), local.endedAt(), local.elapsed(),
        local.duration(), merged.pairs(), local.maxRequests(), local.samplingRate(),
        local.productionVariants(), local.endReason(), local.variants(),
        local.unmatchedLabels(), instances);
  }

  /**
   * This instance's statistics (with its earlier run's) merged with every other instance's latest
   * of the same rule; each instance listed in {@code instances}, this one first.
   */
  private PairStats mergedInFleet(FleetPeers<I, O> fleet,
      List<ShadowTestReport.FleetInstance> instances) {
    PairStats merged = ownInFleet(fleet);
    long now = clock.millis();
    instances.add(new ShadowTestReport.FleetInstance(fleet.instanceId(), merged.pairs(),
        Instant.ofEpochMilli(now), false));
    long staleMillis = 3 * fleet.publishInterval().toMillis();
    for (FleetPeers.Peer p : fleet.peers(fleetId)) {
      if (!p.statistics().rule().equals(rule)) {
        continue; // another rule cannot be the same test (the id says so); never merged
      }
      merged.merge(p.statistics().stats());
      instances.add(new ShadowTestReport.FleetInstance(p.instanceId(),
          p.statistics().stats().pairs(), p.publishedAt(),
          now - p.publishedAt().toEpochMilli() > staleMillis));
    }
    return merged;
  }

  @Override
  public PairedStatistics fleetStatistics() {
    FleetPeers<I, O> fleet = host.fleet();
    if (fleet == null) {
      return statistics();
    }
    PairStats merged = mergedInFleet(fleet, new java.util.ArrayList<>());
    return PairedStatistics.fromBytes(StatisticsCodec.encode(rule, publishedStart(), merged));
  }

  @Override
  public PairedStatistics statistics() {
    Status s = status.get();
    PairStats judged = (s.isEnded() ? frozenAfterEnd() : freeze()).judged();
    return PairedStatistics.fromBytes(StatisticsCodec.encode(rule, publishedStart(), judged));
  }

  @Override
  public String toString() {
    return "ShadowTest[" + candidateName + " on " + host.endpoint() + ", " + status.get() + ']';
  }
}
