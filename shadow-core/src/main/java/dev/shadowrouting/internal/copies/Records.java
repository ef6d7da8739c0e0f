package dev.shadowrouting.internal.copies;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Redactor;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.ProductionLane;
import dev.shadowrouting.internal.lanes.RequestIds;
import dev.shadowrouting.internal.lanes.ShadowLane;
import dev.shadowrouting.internal.ledger.VariantLedger;
import dev.shadowrouting.internal.sinks.SinkChannel;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The record factory and the sinks' channels: builds one {@link ShadowRecord} per call (records,
 * payloads through the redactor, error details, captured contexts, timestamps) and offers it to
 * every sink's {@link SinkChannel}. It builds nothing when no sink listens. Payloads and error
 * details appear only for variants that opted in, and a redactor that throws drops the payload,
 * never lets the raw value through. Thread-safe: records are built on the thread that ends a
 * copy and handed to the channels' own threads.
 */
public final class Records {
  private final String endpoint;
  private final RequestIds ids;
  private final long wallAnchorEpochNanos;
  private final long nanoAnchor;
  private final SinkChannel[] channels;

  public Records(String endpoint, List<ShadowSink> sinks, int bufferCapacity, RequestIds ids) {
    this.endpoint = endpoint;
    this.ids = ids;
    Instant now = Instant.now();
    this.nanoAnchor = System.nanoTime();
    this.wallAnchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    this.channels = new SinkChannel[sinks.size()];
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < channels.length; i++) {
      ShadowSink sink = sinks.get(i);
      channels[i] = new SinkChannel(endpoint, sink, uniqueName(safeName(sink), seen),
          bufferCapacity);
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

  // ---- the sinks' life -------------------------------------------------------------------------

  /** Attaches every sink (a failing onAttach is logged, the sink still gets records) and starts. */
  public void start(Supplier<RouterSnapshot> snapshots) {
    for (SinkChannel c : channels) {
      try {
        c.sink().onAttach(c.context(snapshots));
      } catch (Throwable t) {
        c.failures().log(t);
      }
      c.start();
    }
  }

  /**
   * Delivers and flushes until {@code deadlineNanos}, drops what is left (a record a sink is still
   * inside then counts as failed too), detaches every sink.
   *
   * @return true if the calling thread was interrupted meanwhile
   */
  public boolean stop(long deadlineNanos) {
    boolean interrupted = false;
    for (SinkChannel c : channels) {
      c.requestStop(); // all at once: the sinks drain side by side within the one deadline
    }
    for (SinkChannel c : channels) {
      interrupted |= c.awaitStopped(deadlineNanos);
    }
    for (SinkChannel c : channels) {
      c.giveUp();
    }
    for (SinkChannel c : channels) {
      try {
        c.sink().onDetach(endpoint);
      } catch (Throwable t) {
        c.failures().log(t);
      }
    }
    return interrupted;
  }

  /** True if some sink listens: only then are records built. */
  public boolean enabled() {
    return channels.length > 0;
  }

  /** True if every channel delivered what it was given. */
  public boolean idle() {
    for (SinkChannel c : channels) {
      if (!c.idle()) {
        return false;
      }
    }
    return true;
  }

  public List<RouterSnapshot.SinkStats> snapshots() {
    List<RouterSnapshot.SinkStats> sinks = new ArrayList<>(channels.length);
    for (SinkChannel c : channels) {
      sinks.add(c.snapshot());
    }
    return sinks;
  }

  // ---- records ---------------------------------------------------------------------------------

  /** The request id, generated once by whichever thread first needs it. */
  public String requestId(Exchange<?, ?> ex) {
    return ex.requestId(ids);
  }

  /** Production's side of a sampled request. */
  public void production(Exchange<?, ?> ex) {
    ProductionLane<?, ?> lane = ex.production;
    Outcome outcome = ex.error == null ? Outcome.SUCCESS : Outcome.ERROR;
    ShadowRecord.Builder b = base(ex, lane.name, Role.PRODUCTION, outcome, ex.startNanos)
        .latencyNanos(ex.latencyNanos)
        .errorType(ex.error == null ? null : ex.error.getClass().getName());
    errorDetails(b, lane.variant, ex.error);
    if (lane.variant.capturePayloads()) {
      Object[] p = payloads(ex.routing.redactor, lane.ledger, ex.input, ex.output);
      b.input(p[0]).output(p[1]);
    }
    emit(b.build());
  }

  /** A shadow copy's end, as its task noted it: a call (with its times) or a rejection. */
  public void shadow(ShadowTask<?, ?> task) {
    Outcome outcome = task.endOutcome;
    Throwable error = task.endError;
    Object[] payloads = task.endPayloads;
    Exchange<?, ?> ex = task.exchange;
    ShadowLane<?, ?> lane = task.lane;
    boolean rejected = outcome == Outcome.REJECTED;
    ShadowRecord.Builder b = base(ex, lane.name, Role.SHADOW, outcome,
        rejected ? System.nanoTime() : task.startNanos)
        .comparison(task.endComparison);
    if (rejected) {
      b.rejectReason(task.endReason);
    } else {
      b.latencyNanos(task.endLatency)
          .queueWaitNanos(task.startNanos - ex.queuedAtNanos())
          .errorType(error == null ? null : error.getClass().getName());
      errorDetails(b, lane.variant, error);
    }
    if (payloads != null) {
      b.input(payloads[0]).output(payloads[1]);
    }
    emit(b.build());
  }

  /** Caller-side rejections of one variant since the last look, one aggregated record a reason. */
  public void rejections(String variant, long[] perReason) {
    for (RejectReason reason : RejectReason.values()) {
      long n = perReason[reason.ordinal()];
      if (n > 0) {
        emit(ShadowRecord.builder()
            .endpoint(endpoint).variant(variant).role(Role.SHADOW)
            .outcome(Outcome.REJECTED).rejectReason(reason).count(n)
            .timestamp(instantOf(System.nanoTime()))
            .build());
      }
    }
  }

  /** The redacted input and output; a redactor that throws drops the payload. */
  public static Object[] payloads(Redactor redactor, VariantLedger ledger, Object input, Object output) {
    return new Object[] {redact(redactor, ledger, Redactor.Field.INPUT, input),
        redact(redactor, ledger, Redactor.Field.OUTPUT, output)};
  }

  private static Object redact(Redactor redactor, VariantLedger ledger, Redactor.Field field,
      Object value) {
    if (value == null) {
      return null;
    }
    try {
      return redactor.redact(field, value);
    } catch (Throwable t) {
      ledger.redactorFailures.log(t);
      return null; // a failing redactor must never let the raw payload through
    }
  }

  /** The message and stack trace, for variants that opted in (they may hold payloads). */
  private static void errorDetails(ShadowRecord.Builder b, Variant<?, ?> variant,
      Throwable error) {
    if (error != null && variant.captureErrorDetails()) {
      java.io.StringWriter trace = new java.io.StringWriter();
      error.printStackTrace(new java.io.PrintWriter(trace));
      b.errorDetails(error.getMessage(), trace.toString());
    }
  }

  private ShadowRecord.Builder base(Exchange<?, ?> ex, String variant, Role role,
      Outcome outcome, long atNanos) {
    ShadowRecord.Builder b = ShadowRecord.builder()
        .endpoint(endpoint)
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

  private Instant instantOf(long nanoTime) {
    return Instant.ofEpochSecond(0, wallAnchorEpochNanos + (nanoTime - nanoAnchor));
  }

  private void emit(ShadowRecord record) {
    for (SinkChannel c : channels) {
      c.offer(record);
    }
  }
}
