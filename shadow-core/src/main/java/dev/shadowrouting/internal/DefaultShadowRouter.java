package dev.shadowrouting.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Invocation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Redactor;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Request;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowContext;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The router's engine. The caller's path ({@link #predict}) reads one volatile {@link Routing},
 * chooses the production variant, decides sampling and, only when a shadow sampled the request,
 * times the production call, allocates one {@link Exchange} plus one {@link ShadowTask} per copy
 * and offers them to the {@link ShadowExecutor}. Everything else (production's statistics and
 * record, the shadow call, comparison, redaction, records) happens on pool threads. Thread-safe.
 */
public final class DefaultShadowRouter<I, O> implements ShadowRouter<I, O>, ShadowExecutor.Handler {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");

  private final String name;
  private final RequestIds ids = new RequestIds();
  private final long wallAnchorEpochNanos;
  private final long nanoAnchor;
  private final Object updateLock = new Object();
  /** By variant name, in order of appearance; guarded by updateLock, read through {@link #counterList}. */
  private final Map<String, VariantCounters> counters = new LinkedHashMap<>();
  private volatile List<VariantCounters> counterList = List.of();
  private volatile Routing<I, O> routing;
  private final ShadowExecutor executor;
  private final SinkChannel[] channels;
  private final WarnThenDebugLogger internalFailures;
  private final WarnThenDebugLogger propagatorFailures;
  private volatile boolean closed;

  /** Running tests by the names of their lanes (candidate and A/A copy); guarded by updateLock. */
  private final Map<String, TestRun<I, O>> testLanes = new LinkedHashMap<>();
  /** The running tests, read without a lock by the supervisor; written under updateLock. */
  private volatile List<TestRun<I, O>> running = List.of();
  /** Every test started, oldest first, at most {@link #MAX_TESTS_KEPT}; guarded by updateLock. */
  private final List<TestRun<I, O>> tests = new ArrayList<>();
  /** The kept tests that join ground truth, read by recordOutcome without a lock. */
  private volatile List<TestRun<I, O>> labelledTests = List.of();
  private final LongAdder unmatchedLabels = new LongAdder();
  private final TestSupervisor supervisor;
  /** Finished tests beyond this many are forgotten, oldest first (running ones never). */
  static final int MAX_TESTS_KEPT = 100;
  /** How long a waiting caller (test mode) or awaitIdle parks between looks. */
  private static final long TEST_MODE_BACKOFF_NANOS = 20_000;
  /** How long the watchdog keeps ticking after the last aggregated rejection record. */
  private static final long REJECTION_LINGER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS
      .toNanos(200);
  /** How long close waits for workers to finish counting copies they ended (no user code). */
  private static final long COUNTING_GRACE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS
      .toNanos(200);
  /** The part of closeTimeout kept for the sinks to take the records close itself writes. */
  private static final long SINK_RESERVE_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS
      .toNanos(100);
  /** A variant is no longer saturated or timing out after this long without a sign of it. */
  private static final long STATE_QUIET_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
  /** Whether a variant is saturated or timing out (watchdog thread only). */
  private volatile boolean statesOn;
  /** When housekeeping last recorded rejections (watchdog thread only). */
  private volatile long lastRejectionNanos = System.nanoTime() - REJECTION_LINGER_NANOS;

  public DefaultShadowRouter(EndpointConfig<I, O> config) {
    this.name = config.name();
    Instant now = Instant.now();
    this.nanoAnchor = System.nanoTime();
    this.wallAnchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.internalFailures = new WarnThenDebugLogger(LOG, "endpoint '" + name + "' internal failure");
    this.propagatorFailures =
        new WarnThenDebugLogger(LOG, "context propagator of endpoint '" + name + "' threw");
    synchronized (updateLock) {
      this.routing = compile(config);
    }
    this.channels = new SinkChannel[config.sinks().size()];
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < channels.length; i++) {
      ShadowSink sink = config.sinks().get(i);
      String sinkName = uniqueName(safeName(sink), seen);
      channels[i] = new SinkChannel(name, sink, sinkName, config.sinkBufferCapacity());
    }
    this.executor = new ShadowExecutor(name, config.workerThreads(), config.queueCapacity(), this);
    this.supervisor = new TestSupervisor(name, () -> running);
    for (SinkChannel c : channels) {
      try {
        c.sink().onAttach(c.context(this::snapshot));
      } catch (Throwable t) {
        c.failures().log(t);
      }
      c.start();
    }
  }

  private static String safeName(ShadowSink sink) {
    try {
      String n = sink.name();
      return n == null || n.isBlank() ? "sink" : n;
    } catch (RuntimeException e) {
      return "sink";
    }
  }

  private static String uniqueName(String base, Map<String, Integer> seen) {
    int n = seen.merge(base, 1, Integer::sum);
    return n == 1 ? base : base + "#" + n;
  }

  /** Compiles a configuration; must hold updateLock (it creates and flags counters). */
  private Routing<I, O> compile(EndpointConfig<I, O> config) {
    for (VariantCounters c : counters.values()) {
      c.active = false;
    }
    Map<String, Role> roles = new HashMap<>();
    config.productionVariants().forEach(v -> roles.put(v.name(), Role.PRODUCTION));
    config.shadowVariants().forEach(v -> roles.put(v.name(), Role.SHADOW));
    Routing<I, O> compiled = new Routing<>(config, variant -> {
      VariantCounters c = counters.computeIfAbsent(
          variant, n -> new VariantCounters(name, n, roles.get(n)));
      c.role = roles.get(variant);
      c.active = true;
      return c;
    }, testLanes::get);
    // Statistics retire with their variant (each holds histograms of ~100 KB): a removed variant
    // stays listed only while copies of it still run or hang; copies that end later count into
    // the retired object, which goes when they do. A shadow test keeps its candidate's numbers.
    counters.values().removeIf(VariantCounters::retired);
    counterList = List.copyOf(counters.values());
    return compiled;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public O predict(I input) throws Exception {
    Routing<I, O> r = routing;
    return call(r, r.choose(null), input, null, null);
  }

  @Override
  public O predict(I input, Request request) throws Exception {
    Routing<I, O> r = routing;
    return call(r, r.choose(request.targetVariant()), input, request.samplingKey(),
        request.requestId());
  }

  @Override
  public Invocation<O> invoke(I input, Request request) throws Exception {
    Routing<I, O> r = routing;
    ProductionLane<I, O> lane = r.choose(request.targetVariant());
    String id = request.requestId() != null ? request.requestId() : ids.next();
    O out = call(r, lane, input, request.samplingKey(), id);
    return Invocation.of(out, lane.name, id);
  }

  /**
   * The caller's path. Shadows cost nothing here unless one samples the request; a sampled copy
   * first takes a slot of its variant, so a saturated, quarantined or hung shadow costs the caller
   * a few counters and nothing else: production is then neither timed nor followed by any
   * allocation, and no record is built on this thread (rejections are counted here and recorded in
   * aggregate by the pool's housekeeping).
   */
  private O call(Routing<I, O> r, ProductionLane<I, O> lane, I input, String samplingKey,
      String requestId) throws Exception {
    long mask = r.shadows.length == 0 ? 0 : r.sample(samplingKey);
    long refused = 0;
    boolean isClosed = closed;
    for (long m = mask; m != 0; m &= m - 1) {
      ShadowLane<I, O> shadow = r.shadows[Long.numberOfTrailingZeros(m)];
      VariantCounters c = shadow.counters;
      c.sampled.increment();
      RejectReason reason = isClosed ? RejectReason.CLOSED
          : c.quarantined ? RejectReason.QUARANTINED
          : c.tryAcquire(shadow.maxConcurrency) || r.testMode && awaitSlot(shadow) ? null
          : closed ? RejectReason.CLOSED : RejectReason.CONCURRENCY_LIMIT;
      if (reason != null) {
        refused |= Long.lowestOneBit(m);
        rejectedOnCaller(c, reason);
      }
    }
    mask &= ~refused;
    if (mask == 0) {
      return lane.callUnsampled(input);
    }
    // From here each lane in `mask` holds a slot that only a queued copy's end may release: the
    // finally below releases those that were not handed off, whatever happens in between.
    long handedOff = 0;
    try {
      Object[] contexts = r.propagators.length == 0 ? null : capture(r.propagators);
      Exchange<I, O> ex = new Exchange<>(r, lane, input, contexts, requestId);
      ex.callProduction();
      Throwable error = ex.error;
      lane.counters.count(error == null ? Outcome.SUCCESS : Outcome.ERROR);
      try {
        for (long m = mask; m != 0; m &= m - 1) {
          ShadowLane<I, O> shadow = r.shadows[Long.numberOfTrailingZeros(m)];
          submit(r, new ShadowTask<>(ex, shadow));
          handedOff |= Long.lowestOneBit(m);
        }
      } catch (Throwable t) { // never let the shadow side reach the caller
        internalFailure(t);
      }
      if (error != null) {
        throw Rethrow.<RuntimeException>sneaky(error); // the same instance, whatever its type
      }
      return ex.output;
    } finally {
      for (long m = mask & ~handedOff; m != 0; m &= m - 1) {
        refuseAdmitted(r.shadows[Long.numberOfTrailingZeros(m)].counters, RejectReason.QUEUE_FULL);
      }
    }
  }

  /** A copy that holds a slot but was never queued: frees the slot and counts the rejection. */
  private void refuseAdmitted(VariantCounters c, RejectReason reason) {
    c.inFlight.decrementAndGet();
    rejectedOnCaller(c, reason);
  }

  /** A copy refused on the caller's thread: counters only; housekeeping records it. */
  private void rejectedOnCaller(VariantCounters c, RejectReason reason) {
    c.rejectOnCaller(reason);
    if (!c.rejectionsPending) {
      c.rejectionsPending = true;
      executor.wakeWatchdog(); // one volatile read unless the watchdog sleeps
    }
  }

  /** Test mode: waits for a slot of {@code shadow}; false if the router closes meanwhile. */
  private boolean awaitSlot(ShadowLane<I, O> shadow) {
    while (!closed && !shadow.counters.quarantined) {
      if (shadow.counters.tryAcquire(shadow.maxConcurrency)) {
        return true;
      }
      LockSupport.parkNanos(TEST_MODE_BACKOFF_NANOS);
    }
    return false;
  }

  private Object[] capture(ContextPropagator<?>[] propagators) {
    Object[] captured = new Object[propagators.length];
    for (int i = 0; i < propagators.length; i++) {
      try {
        captured[i] = propagators[i].capture();
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
    return captured;
  }

  /** Queues one copy whose lane holds a slot; a refused copy ends as rejected (slot released). */
  private void submit(Routing<I, O> r, ShadowTask<I, O> task) {
    RejectReason reason = executor.submit(task);
    while (reason == RejectReason.QUEUE_FULL && r.testMode) { // test mode: wait for room
      LockSupport.parkNanos(TEST_MODE_BACKOFF_NANOS);
      reason = executor.submit(task);
    }
    if (reason != null && task.end(ShadowTask.QUEUED)) { // never queued: nobody else can end it
      refuseAdmitted(task.lane.counters, reason);
    }
  }

  // ---- pool side: the one place a copy ends ---------------------------------------------------

  @Override
  public void execute(ShadowTask<?, ?> t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    Exchange<I, O> ex = task.exchange;
    ShadowLane<I, O> lane = task.lane;
    if (lane.counters.quarantined) { // queued before the quarantine: do not feed a hung variant
      endCopy(task, ShadowTask.RUNNING, Outcome.REJECTED, RejectReason.QUARANTINED, -1,
          Comparison.notCompared(), null, null, null);
      return;
    }
    if (task.asyncPredictor() != null) {
      startAsync(task);
      return;
    }
    O out = null;
    Throwable error = null;
    try {
      out = asShadow(ex, lane, task); // the task times exactly its predictor call
    } catch (Throwable e) {
      error = e;
    }
    finish(task, out, error);
  }

  /**
   * Runs user code of a shadow call on this worker: the caller's context restored,
   * {@link ShadowContext#isShadow()} true, the context cleared afterwards.
   */
  private <R> R asShadow(Exchange<I, O> ex, ShadowLane<I, O> lane,
      java.util.concurrent.Callable<R> call) throws Exception {
    restore(ex);
    try {
      return ShadowContext.callAsShadow(lane.name, call);
    } finally {
      clear(ex);
    }
  }

  /**
   * Starts an async copy: the call is sent on this worker (with the caller's context and
   * ShadowContext), and the worker is free again at once; the stage's completion comes back
   * through the executor to a worker ({@link #completeAsync}).
   */
  private void startAsync(ShadowTask<I, O> task) {
    java.util.concurrent.CompletionStage<O> stage;
    try {
      stage = asShadow(task.exchange, task.lane, task::callAsync);
    } catch (Throwable e) {
      finish(task, null, e);
      return;
    }
    executor.asyncStarted(task);
    stage.whenComplete((out, err) -> {
      task.asyncCompleted(out, err);
      executor.asyncCompleted(task); // publishes the fields through the completion queue
    });
  }

  @Override
  public void completeAsync(ShadowTask<?, ?> t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    finish(task, task.asyncOutput, task.asyncError);
  }

  /** A call returned (or its stage completed): compare, redact and end the copy. */
  private void finish(ShadowTask<I, O> task, O out, Throwable error) {
    Exchange<I, O> ex = task.exchange;
    ShadowLane<I, O> lane = task.lane;
    if (!task.isRunning()) {
      return; // timed out meanwhile: the late result is discarded, never compared
    }
    // The comparison and the redaction run before the copy ends, under its timeout: one that
    // hangs is timed out like a hanging call, and the copy still ends exactly once.
    Comparison comparison = compare(lane, ex, error, out);
    Object[] payloads = lane.capturePayloads && channels.length > 0
        ? payloads(ex.routing.redactor, lane.counters, ex.input, out) : null;
    endCopy(task, ShadowTask.RUNNING, error == null ? Outcome.SUCCESS : Outcome.ERROR, null,
        task.callNanos(), comparison, out, error, payloads);
  }

  @Override
  public boolean timeOut(ShadowTask<?, ?> t) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    return endCopy(task, ShadowTask.RUNNING, Outcome.TIMEOUT, null,
        System.nanoTime() - task.startNanos, Comparison.notCompared(), null, null, null);
  }

  @Override
  public void reject(ShadowTask<?, ?> t, RejectReason reason) {
    @SuppressWarnings("unchecked")
    ShadowTask<I, O> task = (ShadowTask<I, O>) t;
    endCopy(task, ShadowTask.QUEUED, Outcome.REJECTED, reason, -1, Comparison.notCompared(), null,
        null, null);
  }

  /**
   * Ends a queued copy with its outcome: the single place that claims it (one CAS from
   * {@code from}), frees its admission slot, counts it, feeds a running shadow test and writes its
   * record. Every path (call returned, timeout, rejection in the queue, close) goes through here.
   * Counting comes first, so a failure while building the record cannot lose the outcome.
   *
   * @return true if this call ended the copy
   */
  private boolean endCopy(ShadowTask<I, O> task, int from, Outcome outcome, RejectReason reason,
      long latency, Comparison comparison, O out, Throwable error, Object[] payloads) {
    if (!task.end(from)) {
      return false;
    }
    ShadowLane<I, O> lane = task.lane;
    Exchange<I, O> ex = task.exchange;
    VariantCounters c = lane.counters;
    try {
      count(task, outcome, reason, latency, comparison, out, error, payloads);
    } finally {
      // last, so that awaitIdle never sees an idle variant whose record is not emitted yet
      c.inFlight.decrementAndGet();
    }
    return true;
  }

  private void count(ShadowTask<I, O> task, Outcome outcome, RejectReason reason, long latency,
      Comparison comparison, O out, Throwable error, Object[] payloads) {
    ShadowLane<I, O> lane = task.lane;
    Exchange<I, O> ex = task.exchange;
    VariantCounters c = lane.counters;
    if (outcome == Outcome.REJECTED) {
      c.reject(reason);
    } else {
      c.recordLatency(latency);
      c.countComparison(comparison.result());
      c.count(outcome);
      c.health(outcome);
      if (error != null) {
        c.callFailures.log(error);
        if (lane.variant.captureErrorDetails()) {
          LOG.log(System.Logger.Level.DEBUG, "shadow variant '" + lane.name + "' of endpoint '"
              + name + "' failed (error details opted in)", error);
        }
      }
      // The worker's time on the copy outside the predictor call (its context, the watchdog's
      // wake-up, comparison, redaction): the router's, reported apart from the candidate's.
      long routerNanos = outcome == Outcome.TIMEOUT ? -1
          : System.nanoTime() - task.startNanos - latency;
      observe(lane, ex, outcome, latency, task.startNanos - ex.queuedAtNanos(), routerNanos,
          comparison, out);
    }
    try {
      recordProduction(ex);
    } catch (Throwable t) {
      internalFailure(t);
    }
    if (channels.length > 0) {
      try {
        ShadowRecord.Builder b = base(ex, lane.name, Role.SHADOW, outcome,
            outcome == Outcome.REJECTED ? System.nanoTime() : task.startNanos)
            .comparison(comparison);
        if (outcome == Outcome.REJECTED) {
          b.rejectReason(reason);
        } else {
          b.latencyNanos(latency)
              .queueWaitNanos(task.startNanos - ex.queuedAtNanos())
              .errorType(error == null ? null : error.getClass().getName());
          errorDetails(b, lane.variant, error);
        }
        if (payloads != null) {
          b.input(payloads[0]).output(payloads[1]);
        }
        emit(b.build());
      } catch (Throwable t) {
        internalFailure(t);
      }
    }
  }

  private Comparison compare(ShadowLane<I, O> lane, Exchange<I, O> ex, Throwable error, O out) {
    if (error != null || ex.error != null) {
      return Comparison.notCompared();
    }
    try {
      Comparison c = lane.comparator.compare(ex.output, out);
      if (c == null) {
        throw new NullPointerException("comparator returned null");
      }
      return c;
    } catch (Throwable t) {
      lane.counters.comparatorErrors.increment();
      lane.counters.comparatorFailures.log(t);
      return Comparison.notCompared();
    }
  }

  /** Feeds a shadow test's statistics; a failure there never touches the copy's accounting. */
  private void observe(ShadowLane<I, O> lane, Exchange<I, O> ex, Outcome outcome, long runNanos,
      long queueWaitNanos, long routerNanos, Comparison comparison, O out) {
    TestRun<I, O> test = lane.test;
    if (test != null) {
      try {
        test.observe(ex, lane.replaysProduction, outcome, runNanos, queueWaitNanos, routerNanos,
            comparison, out);
      } catch (Throwable t) {
        internalFailure(t);
      }
    }
  }

  @Override
  public boolean abandon(ShadowTask<?, ?> task) {
    return task.lane.counters.tryAbandon(task.lane.maxAbandonedThreads);
  }

  @Override
  public void abandonedReturned(ShadowTask<?, ?> task) {
    task.lane.counters.abandonedReturned(task.lane.maxAbandonedThreads);
  }

  @Override
  public void housekeeping() {
    long now = System.nanoTime();
    boolean states = false;
    for (VariantCounters c : counterList) {
      states |= c.housekeep(now, STATE_QUIET_NANOS);
      if (c.rejectionsPending) {
        c.rejectionsPending = false;
        lastRejectionNanos = now;
        long[] delta = c.unrecordedRejections();
        if (channels.length == 0) {
          continue;
        }
        for (RejectReason reason : RejectReason.values()) {
          long n = delta[reason.ordinal()];
          if (n > 0) {
            emit(ShadowRecord.builder()
                .endpoint(name).variant(c.name).role(Role.SHADOW)
                .outcome(Outcome.REJECTED).rejectReason(reason).count(n)
                .timestamp(instantOf(System.nanoTime()))
                .build());
          }
        }
        c.rejectionsRecorded();
      }
    }
    statesOn = states;
  }

  @Override
  public boolean housekeepingPending() {
    // Stay awake a little after rejections so a saturated variant costs its callers one wake-up
    // per linger period, not one per rejection; and while a state is on, to log its end.
    return statesOn || System.nanoTime() - lastRejectionNanos < REJECTION_LINGER_NANOS;
  }

  @Override
  public void internalFailure(Throwable failure) {
    internalFailures.log(failure);
  }

  /** Production's side of a sampled request, recorded once, off the caller's thread when possible. */
  private void recordProduction(Exchange<?, ?> ex) {
    if (!ex.claimProductionRecord()) {
      return;
    }
    ProductionLane<?, ?> lane = ex.production;
    lane.counters.sampled.increment();
    lane.counters.recordLatency(ex.latencyNanos);
    if (channels.length > 0) {
      Outcome outcome = ex.error == null ? Outcome.SUCCESS : Outcome.ERROR;
      ShadowRecord.Builder b = base(ex, lane.name, Role.PRODUCTION, outcome, ex.startNanos)
          .latencyNanos(ex.latencyNanos)
          .errorType(ex.error == null ? null : ex.error.getClass().getName());
      errorDetails(b, lane.variant, ex.error);
      if (lane.variant.capturePayloads()) {
        payloads(b, ex.routing.redactor, lane.counters, ex.input, ex.output);
      }
      emit(b.build());
    }
  }

  /** The message and stack trace, for variants that opted in (they may hold payloads). */
  private static void errorDetails(ShadowRecord.Builder b, Variant<?, ?> variant, Throwable error) {
    if (error != null && variant.captureErrorDetails()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      error.printStackTrace(new java.io.PrintWriter(trace));
      b.errorDetails(error.getMessage(), trace.toString());
    }
  }

  private ShadowRecord.Builder base(Exchange<?, ?> ex, String variant, Role role, Outcome outcome,
      long atNanos) {
    ShadowRecord.Builder b = ShadowRecord.builder()
        .endpoint(name)
        .requestId(ex.requestId(ids))
        .variant(variant)
        .role(role)
        .outcome(outcome)
        .productionVariant(ex.production.name)
        .timestamp(instantOf(atNanos));
    if (ex.contexts != null) {
      Map<ContextPropagator<?>, Object> ctx = new IdentityHashMap<>();
      ContextPropagator<?>[] ps = ex.routing.propagators;
      for (int i = 0; i < ps.length; i++) {
        if (ex.contexts[i] != null) {
          ctx.put(ps[i], ex.contexts[i]);
        }
      }
      b.capturedContexts(ctx);
    }
    return b;
  }

  private static void payloads(ShadowRecord.Builder b, Redactor redactor, VariantCounters c,
      Object input, Object output) {
    Object[] p = payloads(redactor, c, input, output);
    b.input(p[0]).output(p[1]);
  }

  /** The redacted input and output; a redactor that throws drops the payload. */
  private static Object[] payloads(Redactor redactor, VariantCounters c, Object input,
      Object output) {
    return new Object[] {redact(redactor, c, Redactor.Field.INPUT, input),
        redact(redactor, c, Redactor.Field.OUTPUT, output)};
  }

  private static Object redact(Redactor redactor, VariantCounters c, Redactor.Field field,
      Object value) {
    if (value == null) {
      return null;
    }
    try {
      return redactor.redact(field, value);
    } catch (Throwable t) {
      c.redactorFailures.log(t);
      return null; // a failing redactor must never let the raw payload through
    }
  }

  private Instant instantOf(long nanoTime) {
    return Instant.ofEpochSecond(0, wallAnchorEpochNanos + (nanoTime - nanoAnchor));
  }

  private void emit(ShadowRecord record) {
    for (SinkChannel c : channels) {
      c.offer(record);
    }
  }

  @SuppressWarnings("unchecked")
  private void restore(Exchange<I, O> ex) {
    if (ex.contexts == null) {
      return;
    }
    ContextPropagator<?>[] ps = ex.routing.propagators;
    for (int i = 0; i < ex.routing.restorable; i++) {
      try {
        ((ContextPropagator<Object>) ps[i]).restore(ex.contexts[i]);
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
  }

  private void clear(Exchange<I, O> ex) {
    if (ex.contexts == null) {
      return;
    }
    ContextPropagator<?>[] ps = ex.routing.propagators;
    for (int i = 0; i < ex.routing.restorable; i++) {
      try {
        ps[i].clear();
      } catch (Throwable t) {
        propagatorFailures.log(t);
      }
    }
  }

  // ---- configuration ---------------------------------------------------------------------------

  @Override
  public void update(EndpointConfig<I, O> next) {
    synchronized (updateLock) {
      EndpointConfig<I, O> current = routing.config;
      List<String> changed = new ArrayList<>();
      check(changed, "name", current.name(), next.name());
      check(changed, "workerThreads", current.workerThreads(), next.workerThreads());
      check(changed, "queueCapacity", current.queueCapacity(), next.queueCapacity());
      check(changed, "sinkBufferCapacity", current.sinkBufferCapacity(),
          next.sinkBufferCapacity());
      check(changed, "closeTimeout", current.closeTimeout(), next.closeTimeout());
      if (!sameSinks(current.sinks(), next.sinks())) {
        changed.add("sinks cannot change on a running router");
      }
      if (!changed.isEmpty()) {
        throw new IllegalArgumentException("update of endpoint '" + name + "' is invalid: "
            + String.join("; ", changed) + " (create a new router for these)");
      }
      routing = compile(withTests(next));
    }
  }

  /**
   * {@code next} with the lanes of the running tests: a test owns its candidate (and A/A copy)
   * until it ends, so an update that leaves them out keeps them, and one that changes them is
   * refused. Must hold updateLock.
   */
  private EndpointConfig<I, O> withTests(EndpointConfig<I, O> next) {
    if (testLanes.isEmpty()) {
      return next;
    }
    List<String> problems = new ArrayList<>();
    for (Variant<I, O> v : next.productionVariants()) {
      if (testLanes.containsKey(v.name())) {
        problems.add("'" + v.name() + "' cannot be a production variant: it belongs to a running"
            + " shadow test (promote it through the test)");
      }
    }
    List<Variant<I, O>> shadows = new ArrayList<>();
    for (Variant<I, O> v : next.shadowVariants()) {
      TestRun<I, O> t = testLanes.get(v.name());
      if (t == null) {
        shadows.add(v);
      } else if (!v.equals(v.name().equals(t.candidateName()) ? t.candidateVariant()
          : t.noiseVariant())) {
        problems.add("shadow variant '" + v.name() + "' belongs to a running shadow test: change"
            + " it through the test (samplingRate) or stop the test first");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("update of endpoint '" + name + "' is invalid: "
          + String.join("; ", problems));
    }
    for (TestRun<I, O> t : running) {
      addLanes(shadows, t);
    }
    return next.toBuilder().shadowVariants(shadows).build();
  }

  /** The candidate, then its A/A copy (which follows the candidate's sampling). */
  private static <I, O> void addLanes(List<Variant<I, O>> shadows, TestRun<I, O> t) {
    shadows.add(t.candidateVariant());
    if (t.noiseVariant() != null) {
      shadows.add(t.noiseVariant());
    }
  }

  /** The shadow variants of {@code config} without the lanes of {@code t}. */
  private static <I, O> List<Variant<I, O>> without(EndpointConfig<I, O> config, TestRun<I, O> t) {
    List<Variant<I, O>> shadows = new ArrayList<>();
    for (Variant<I, O> v : config.shadowVariants()) {
      if (!v.name().equals(t.candidateName()) && !v.name().equals(t.noiseName())) {
        shadows.add(v);
      }
    }
    return shadows;
  }

  // ---- shadow tests ----------------------------------------------------------------------------

  @Override
  public ShadowTest startTest(ShadowTestSpec<I, O> spec) {
    if (spec == null) {
      throw new NullPointerException("spec must not be null");
    }
    TestRun<I, O> test;
    synchronized (updateLock) {
      if (closed) {
        throw new IllegalStateException("endpoint '" + name
            + "' is closed: cannot start a shadow test");
      }
      EndpointConfig<I, O> current = routing.config;
      List<String> production = names(current.productionVariants());
      List<String> shadows = names(current.shadowVariants());
      String candidate = spec.candidate().name();
      String noise = spec.noiseBaseline() ? candidate + ShadowTestSpec.NOISE_SUFFIX : null;
      for (String n : noise == null ? List.of(candidate) : List.of(candidate, noise)) {
        if (production.contains(n) || shadows.contains(n)) {
          throw new IllegalArgumentException("cannot start a shadow test of '" + candidate
              + "': the name '" + n + "' is already a variant of endpoint '" + name
              + "' (production " + production + ", shadows " + shadows + ")");
        }
      }
      test = new TestRun<>(this, spec, expectedPairs(spec), production);
      testLanes.put(candidate, test);
      if (noise != null) {
        testLanes.put(noise, test);
      }
      Routing<I, O> compiled;
      try {
        List<Variant<I, O>> next = new ArrayList<>(current.shadowVariants());
        addLanes(next, test);
        compiled = compile(current.toBuilder().shadowVariants(next).build());
      } catch (RuntimeException e) {
        testLanes.remove(candidate);
        testLanes.remove(noise);
        throw e;
      }
      // before the lanes are published, so no rejection of the candidate predates its baseline
      test.attach(counters.get(candidate), noise == null ? null : counters.get(noise));
      routing = compiled;
      tests.add(test);
      forgetOldTests();
      runningChanged();
    }
    supervisor.wake();
    return test;
  }

  private static List<String> names(List<? extends Variant<?, ?>> variants) {
    return variants.stream().map(Variant::name).toList();
  }

  /**
   * The number of pairs the latency check is tuned for: the spec's, else the budget, else the
   * endpoint's production rate so far times the sampling rate and the duration (past traffic
   * only, so the choice cannot depend on the test's own data), else a default.
   */
  private long expectedPairs(ShadowTestSpec<I, O> spec) {
    if (spec.expectedPairs() > 0) {
      return spec.expectedPairs();
    }
    if (spec.maxRequests() > 0) {
      return spec.maxRequests();
    }
    long calls = 0;
    for (ProductionLane<I, O> lane : routing.production) {
      calls += lane.counters.calls();
    }
    double uptimeSeconds = (System.nanoTime() - nanoAnchor) / 1e9;
    long fallback = Math.max(10 * spec.minSamples(), 10_000);
    if (calls < 100 || uptimeSeconds < 1) {
      return fallback;
    }
    double expected = calls / uptimeSeconds * spec.samplingRate() * spec.duration().toSeconds();
    return (long) Math.max(spec.minSamples(), Math.min(1e12, expected));
  }

  /** Keeps at most MAX_TESTS_KEPT tests, dropping the oldest ended ones. Must hold updateLock. */
  private void forgetOldTests() {
    for (int i = 0; i < tests.size() && tests.size() > MAX_TESTS_KEPT; ) {
      if (tests.get(i).isRunning()) {
        i++;
      } else {
        tests.remove(i);
      }
    }
    labelledTests = tests.stream().filter(TestRun::hasGroundTruth).toList();
  }

  private void runningChanged() {
    running = List.copyOf(new java.util.LinkedHashSet<>(testLanes.values()));
  }

  /** Removes the lanes of a test that ended. */
  void removeTest(TestRun<I, O> t) {
    synchronized (updateLock) {
      testLanes.remove(t.candidateName());
      if (t.noiseName() != null) {
        testLanes.remove(t.noiseName());
      }
      runningChanged();
      EndpointConfig<I, O> current = routing.config;
      routing = compile(current.toBuilder().shadowVariants(without(current, t)).build());
    }
  }

  void changeSamplingRate(TestRun<I, O> t, double rate) {
    synchronized (updateLock) {
      if (testLanes.get(t.candidateName()) != t) {
        throw new IllegalStateException("shadow test of '" + t.candidateName()
            + "' has ended: its sampling rate can no longer change");
      }
      Variant<I, O> candidate = t.candidateVariant().toBuilder().samplingRate(rate).build();
      Variant<I, O> noise = t.noiseVariant() == null ? null
          : t.noiseVariant().toBuilder().samplingRate(rate).build();
      EndpointConfig<I, O> current = routing.config;
      List<Variant<I, O>> shadows = new ArrayList<>();
      for (Variant<I, O> v : current.shadowVariants()) {
        shadows.add(v.name().equals(t.candidateName()) ? candidate
            : v.name().equals(t.noiseName()) ? noise : v);
      }
      Routing<I, O> compiled = compile(current.toBuilder().shadowVariants(shadows).build());
      t.samplingRateChanged(candidate, noise);
      routing = compiled;
    }
  }

  /** Makes an ended test's candidate the only production variant; the names it replaced. */
  List<String> promoteCandidate(TestRun<I, O> t) {
    synchronized (updateLock) {
      if (closed) {
        throw new IllegalStateException("endpoint '" + name + "' is closed: cannot promote '"
            + t.candidateName() + "'");
      }
      EndpointConfig<I, O> current = routing.config;
      List<String> replaced = names(current.productionVariants());
      routing = compile(current.toBuilder()
          .productionVariants(List.of(t.candidateVariant().toBuilder().weight(1.0).build()))
          .shadowVariants(without(current, t))
          .build());
      return replaced;
    }
  }

  @Override
  public void recordOutcome(String requestId, Object actual) {
    if (requestId == null || actual == null) {
      throw new NullPointerException((requestId == null ? "requestId" : "actual")
          + " must not be null");
    }
    boolean joined = false;
    for (TestRun<I, O> t : labelledTests) {
      joined |= t.join(requestId, actual);
    }
    if (!joined) {
      unmatchedLabels.increment();
    }
  }

  long unmatchedLabels() {
    return unmatchedLabels.sum();
  }

  RequestIds ids() {
    return ids;
  }

  @Override
  public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!idle()) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      LockSupport.parkNanos(this, TEST_MODE_BACKOFF_NANOS);
    }
    return true;
  }

  private boolean copiesEnded() {
    for (VariantCounters c : counterList) {
      if (c.inFlight.get() != 0) {
        return false;
      }
    }
    return true;
  }

  private boolean idle() {
    if (executor.queueDepth() != 0 || !copiesEnded()) {
      return false;
    }
    for (VariantCounters c : counterList) {
      if (channels.length > 0 && !c.rejectionsAllRecorded()) {
        return false;
      }
    }
    for (SinkChannel c : channels) {
      if (!c.idle()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public List<ShadowTest> tests() {
    synchronized (updateLock) {
      return List.copyOf(tests);
    }
  }

  private static void check(List<String> changed, String field, Object was, Object now) {
    if (!was.equals(now)) {
      changed.add(field + " cannot change on a running router (was " + was + ", now " + now + ")");
    }
  }

  private static boolean sameSinks(List<ShadowSink> a, List<ShadowSink> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void promote(String shadowVariant) {
    synchronized (updateLock) {
      EndpointConfig<I, O> current = routing.config;
      Variant<I, O> promoted = null;
      List<Variant<I, O>> remaining = new ArrayList<>();
      for (Variant<I, O> v : current.shadowVariants()) {
        if (v.name().equals(shadowVariant)) {
          promoted = v;
        } else {
          remaining.add(v);
        }
      }
      if (testLanes.containsKey(shadowVariant)) {
        throw new IllegalStateException("cannot promote '" + shadowVariant + "': it belongs to a"
            + " running shadow test; use that test's promote(), which ends the test first");
      }
      if (promoted == null) {
        List<String> names = current.shadowVariants().stream().map(Variant::name).toList();
        boolean wasTested = tests.stream().anyMatch(t -> t.candidateName().equals(shadowVariant));
        throw new IllegalArgumentException("cannot promote '" + shadowVariant
            + "': it is not a shadow variant of endpoint '" + name + "'; shadow variants are "
            + names + (wasTested ? " ('" + shadowVariant + "' was the candidate of a shadow test"
                + " that ended: promote it through that test, see tests())" : ""));
      }
      update(current.toBuilder()
          .productionVariants(List.of(promoted.toBuilder().weight(1.0).build()))
          .shadowVariants(remaining)
          .build());
    }
  }

  @Override
  public EndpointConfig<I, O> config() {
    return routing.config;
  }

  @Override
  public RouterSnapshot snapshot() {
    List<RouterSnapshot.VariantStats> variants = new ArrayList<>();
    for (VariantCounters c : counterList) {
      if (!c.retired()) {
        variants.add(c.snapshot());
      }
    }
    List<RouterSnapshot.SinkStats> sinks = new ArrayList<>();
    for (SinkChannel c : channels) {
      sinks.add(c.snapshot());
    }
    return RouterSnapshot.builder(name)
        .variants(variants)
        .sinks(sinks)
        .queue(executor.queueDepth(), executor.queueCapacity())
        .threads(executor.liveThreads(), executor.abandonedThreads())
        .build();
  }

  /**
   * Closes in order: tests stop, intake stops, the pool drains until the deadline and claims what
   * is left, the sinks deliver and flush until the same deadline and drop what is left. An
   * interrupt of the calling thread does not cut this short (it is restored on return), and close
   * never waits for the thread it runs on (close from inside a shadow call or a sink).
   */
  @Override
  public void close() {
    synchronized (updateLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    boolean interrupted = Thread.interrupted();
    for (TestRun<I, O> t : running) {
      t.end(ShadowTest.Status.STOPPED, "endpoint closed");
    }
    supervisor.stop();
    long timeout = routing.config.closeTimeout().toNanos();
    long deadline = System.nanoTime() + timeout;
    // The pool stops a little before the deadline so the records its shutdown writes (timeouts,
    // rejections) still reach the sinks within it.
    executor.shutdown(deadline - Math.min(timeout / 4, SINK_RESERVE_NANOS));
    // Every copy is claimed now; a worker that claimed one just before the shutdown may still be
    // counting it (no user code runs there): wait for that, briefly, so the counts are final.
    long countedBy = System.nanoTime() + COUNTING_GRACE_NANOS;
    while (!copiesEnded() && System.nanoTime() - countedBy < 0) {
      LockSupport.parkNanos(TEST_MODE_BACKOFF_NANOS);
    }
    interrupted |= Thread.interrupted();
    try {
      housekeeping(); // the last aggregated rejections, while the sinks still take records
    } catch (Throwable t) {
      internalFailure(t);
    }
    for (SinkChannel c : channels) {
      interrupted |= c.stop(deadline);
    }
    for (SinkChannel c : channels) {
      try {
        c.sink().onDetach(name);
      } catch (Throwable t) {
        c.failures().log(t);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShadowRouter[" + name + (closed ? ", closed" : "") + ']';
  }
}
