package dev.shadowrouting.internal;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Invocation;
import dev.shadowrouting.Request;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.internal.copies.Admission;
import dev.shadowrouting.internal.copies.CopyPipeline;
import dev.shadowrouting.internal.copies.Records;
import dev.shadowrouting.internal.copies.ShadowTask;
import dev.shadowrouting.internal.lanes.LaneRegistry;
import dev.shadowrouting.internal.lanes.RequestIds;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.pool.ShadowExecutor;
import dev.shadowrouting.internal.tests.ShadowTests;
import dev.shadowrouting.internal.tests.TestRun;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The router: wires the engine's parts and answers the API with them. A request flows one way:
 *
 * <pre>
 *   caller --{@link Admission}--> production + sampled copies --{@link ShadowExecutor}-->
 *   {@link CopyPipeline} (call, compare, redact) --> {@link VariantLedger} (count, free the slot)
 *   --> {@link Records} (sinks) and {@link TestRun} (a shadow test's statistics)
 * </pre>
 *
 * The configuration, the ledgers and the tests' lanes belong to the {@link LaneRegistry}; the
 * tests to {@link ShadowTests}. This class holds no state of its own but the close sequence.
 * Thread-safe.
 */
public final class DefaultShadowRouter<I, O> implements ShadowRouter<I, O> {

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");
  /** How long awaitIdle parks between looks. */
  private static final long IDLE_BACKOFF_NANOS = Admission.TEST_MODE_BACKOFF_NANOS;
  /** How long close waits for workers to finish counting copies they ended (no user code). */
  private static final long COUNTING_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  /** The part of closeTimeout kept for the sinks to take the records close itself writes. */
  private static final long SINK_RESERVE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final String name;
  private final LaneRegistry<I, O> lanes;
  private final Records records;
  private final ShadowTests<I, O> tests;
  private final CopyPipeline<I, O> pipeline;
  private final ShadowExecutor executor;
  private final Admission<I, O> admission;
  /** The endpoint's link to its fleet, or null. */
  private final dev.shadowrouting.Fleet.Connection fleet;

  public DefaultShadowRouter(EndpointConfig<I, O> config) {
    this.name = config.name();
    WarnThenDebugLogger internalFailures =
        new WarnThenDebugLogger(LOG, "endpoint '" + name + "' internal failure");
    WarnThenDebugLogger propagatorFailures =
        new WarnThenDebugLogger(LOG, "context propagator of endpoint '" + name + "' threw");
    RequestIds ids = new RequestIds();
    this.lanes = new LaneRegistry<>(config);
    this.records = new Records(name, config.sinks(), config.sinkBufferCapacity(), ids);
    ShadowExecutor[] pool = new ShadowExecutor[1]; // the tests wake the pool built below
    this.tests = new ShadowTests<>(name, lanes, ids, () -> pool[0].wakeWatchdogNow(),
        config.fleet());
    this.pipeline = new CopyPipeline<>(name, lanes, records, new CopyPipeline.Housekeeping() {
      @Override
      public void tick() {
        tests.tick();
      }

      @Override
      public boolean pending() {
        return tests.pending();
      }
    }, internalFailures, propagatorFailures);
    this.executor = new ShadowExecutor(name, config.workerThreads(), config.queueCapacity(),
        pipeline);
    pool[0] = executor;
    pipeline.attach(executor);
    this.admission = new Admission<>(lanes, executor, ids, internalFailures, propagatorFailures);
    records.start(this::snapshot);
    this.fleet = config.fleet() == null ? null : config.fleet().connect(name, tests.fleet());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public O predict(I input) throws Exception {
    return admission.predict(input);
  }

  @Override
  public O predict(I input, Request request) throws Exception {
    return admission.predict(input, request);
  }

  @Override
  public CompletableFuture<O> predictAsync(I input) {
    return admission.predictAsync(input);
  }

  @Override
  public CompletableFuture<O> predictAsync(I input, Request request) {
    return admission.predictAsync(input, request);
  }

  @Override
  public Invocation<O> invoke(I input, Request request) throws Exception {
    return admission.invoke(input, request);
  }

  @Override
  public void update(EndpointConfig<I, O> next) {
    lanes.update(next);
  }

  @Override
  public void promote(String shadowVariant) {
    lanes.promote(shadowVariant, null);
  }

  @Override
  public void discard(String shadowVariant) {
    lanes.discardShadow(shadowVariant);
  }

  @Override
  public void setSamplingRate(String shadowVariant, double rate) {
    lanes.setShadowSamplingRate(shadowVariant, rate);
  }

  @Override
  public ShadowTest startTest(ShadowTestSpec<I, O> spec) {
    return tests.start(spec);
  }

  @Override
  public void recordOutcome(String requestId, Object actual) {
    tests.recordOutcome(requestId, actual);
  }

  /** What applies start-test, stop, promote and discard commands to this endpoint. */
  public dev.shadowrouting.internal.tests.FleetCommands<I, O> commands() {
    return tests.commands();
  }

  @Override
  public List<ShadowTest> tests() {
    return tests.list();
  }

  @Override
  public EndpointConfig<I, O> config() {
    return lanes.config();
  }

  @Override
  public RouterSnapshot snapshot() {
    List<RouterSnapshot.VariantStats> variants = new ArrayList<>();
    for (VariantLedger c : lanes.ledgers()) {
      if (!c.retired()) {
        variants.add(c.snapshot());
      }
    }
    return new RouterSnapshot(name, Instant.now(), variants, records.snapshots(),
        executor.queueDepth(), executor.queueCapacity(), executor.liveThreads(),
        executor.abandonedThreads());
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
      LockSupport.parkNanos(this, IDLE_BACKOFF_NANOS);
    }
    return true;
  }

  private boolean copiesEnded() {
    return copiesEnded(null);
  }

  /**
   * True if no copy is queued or running, but the one the calling thread runs if it is a shadow
   * call of variant {@code own} (close from inside a shadow call: that copy ends after close
   * returns, so waiting for it would wait for itself).
   */
  private boolean copiesEnded(String own) {
    for (VariantLedger c : lanes.ledgers()) {
      if (c.inFlight() > (c.name.equals(own) ? 1 : 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The variant of the copy the calling thread is running, if close was called from inside it (a
   * shadow call, its comparison or redaction, an async copy's completion), else null: that copy
   * ends after close returns.
   */
  private String ownCopyVariant() {
    return executor.currentTask() instanceof ShadowTask<?, ?> t && t.isRunning()
        ? t.lane.ledger.name : null;
  }

  private boolean idle() {
    if (executor.queueDepth() != 0 || !copiesEnded()) {
      return false;
    }
    if (records.enabled()) {
      for (VariantLedger c : lanes.ledgers()) {
        if (!c.rejectionsAllRecorded()) {
          return false;
        }
      }
    }
    return records.idle();
  }

  /**
   * Closes in order: tests stop, intake stops, the pool drains until the deadline and claims what
   * is left, the sinks deliver and flush until the same deadline and drop what is left. An
   * interrupt of the calling thread does not cut this short (it is restored on return), and close
   * never waits for the thread it runs on (close from inside a shadow call or a sink).
   */
  @Override
  public void close() {
    if (!lanes.close()) {
      return;
    }
    admission.close();
    boolean interrupted = Thread.interrupted();
    tests.closeAll();
    long timeout = lanes.config().closeTimeout().toNanos();
    long deadline = System.nanoTime() + timeout;
    // The pool stops a little before the deadline so the records its shutdown writes (timeouts,
    // rejections) still reach the sinks within it.
    executor.shutdown(deadline - Math.min(timeout / 4, SINK_RESERVE_NANOS));
    // Every copy is claimed now; a worker that claimed one just before the shutdown may still be
    // counting it (no user code runs there): wait for that, briefly, so the counts are final.
    long countedBy = System.nanoTime() + COUNTING_GRACE_NANOS;
    String own = ownCopyVariant();
    while (!copiesEnded(own) && System.nanoTime() - countedBy < 0) {
      LockSupport.parkNanos(IDLE_BACKOFF_NANOS);
    }
    interrupted |= Thread.interrupted();
    try {
      pipeline.housekeeping(); // the last aggregated rejections, while the sinks still take records
    } catch (Throwable t) {
      pipeline.internalFailure(t);
    }
    interrupted |= records.stop(deadline);
    if (fleet != null) {
      try {
        fleet.close(); // after the tests stopped: their final statistics were there to publish
      } catch (Throwable t) {
        pipeline.internalFailure(t);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "ShadowRouter[" + name + (admission.isClosed() ? ", closed" : "") + ']';
  }
}
