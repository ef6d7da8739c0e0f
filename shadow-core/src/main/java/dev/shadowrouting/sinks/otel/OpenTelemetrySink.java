package dev.shadowrouting.sinks.otel;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.util.LowerCaseNames;
import dev.shadowrouting.internal.util.PerVariantCache;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Objects;

/**
 * Publishes {@link ShadowRecord}s through the OpenTelemetry API: a span per shadow copy and metrics
 * through the OTel {@link Meter}. It needs only {@code opentelemetry-api}; with no SDK installed
 * ({@link OpenTelemetry#noop()}) every call is a no-op and the sink costs next to nothing.
 *
 * <p><b>Spans.</b> One INTERNAL span named {@code shadow <variant>} per shadow copy that was queued
 * (copies rejected from the queue, e.g. at close, too, with zero duration), with the record's own
 * start and end time. Copies refused on the caller's thread have no span: the router records them
 * in aggregate (one record for many requests, see {@link ShadowRecord#count()}), which no single
 * production span could be linked to; they are counted by {@value #REJECTED}. It is a root span
 * <em>linked</em> to the production span that was current on the caller's thread when the request
 * was sampled: the sink asks the router to capture it through {@link #contextPropagators()}, so no
 * shadow work is ever parented under (and billed to) the production trace. Attributes:
 * {@value #ENDPOINT}, {@value #VARIANT}, {@value #OUTCOME}, {@value #COMPARISON},
 * {@value #REJECT_REASON} (rejections), {@code error.type} (errors, timeouts); errors and timeouts
 * set the status to ERROR. Production records make no span: production already has its own.
 *
 * <p><b>Metrics.</b> {@value #DURATION} histogram (seconds; endpoint, variant, role, outcome) for
 * every shadow call that ran and production's calls on the requests that had a copy queued (the
 * requests production is compared on; every production call is counted in the router's
 * snapshot); {@value #COMPARISONS} counter (endpoint, variant,
 * comparison) for shadow copies that ran; {@value #REJECTED} counter (endpoint, variant,
 * reject_reason).
 *
 * <p>Thread-safe: one sink may serve several routers.
 */
public final class OpenTelemetrySink implements ShadowSink {

  /** Instrumentation scope name of the tracer and meter. */
  public static final String SCOPE = "dev.shadowrouting";
  public static final String DURATION = "shadow.invocation.duration";
  public static final String COMPARISONS = "shadow.comparisons";
  public static final String REJECTED = "shadow.rejected";

  public static final String ENDPOINT = "shadow.endpoint";
  public static final String VARIANT = "shadow.variant";
  public static final String ROLE = "shadow.role";
  public static final String OUTCOME = "shadow.outcome";
  public static final String COMPARISON = "shadow.comparison";
  public static final String REJECT_REASON = "shadow.reject_reason";

  static final AttributeKey<String> ENDPOINT_KEY = AttributeKey.stringKey(ENDPOINT);
  static final AttributeKey<String> VARIANT_KEY = AttributeKey.stringKey(VARIANT);
  static final AttributeKey<String> ROLE_KEY = AttributeKey.stringKey(ROLE);
  static final AttributeKey<String> OUTCOME_KEY = AttributeKey.stringKey(OUTCOME);
  static final AttributeKey<String> COMPARISON_KEY = AttributeKey.stringKey(COMPARISON);
  static final AttributeKey<String> REJECT_REASON_KEY = AttributeKey.stringKey(REJECT_REASON);
  /** Semantic-conventions key for the class of error. */
  static final AttributeKey<String> ERROR_TYPE_KEY = AttributeKey.stringKey("error.type");

  private static final double NANOS_PER_SECOND = 1e9;
  private static final int OUTCOMES = Outcome.values().length;

  private final Tracer tracer;
  private final DoubleHistogram duration;
  private final LongCounter comparisons;
  private final LongCounter rejected;
  private final SpanContextPropagator propagator = new SpanContextPropagator();
  private final PerVariantCache<VariantAttributes> attributes =
      new PerVariantCache<>(VariantAttributes::new);

  private OpenTelemetrySink(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    Meter meter = openTelemetry.getMeter(SCOPE);
    this.duration = meter.histogramBuilder(DURATION)
        .setDescription("Duration of variant calls")
        .setUnit("s")
        .build();
    this.comparisons = meter.counterBuilder(COMPARISONS)
        .setDescription("Shadow outputs compared with production's, by result")
        .setUnit("{comparison}")
        .build();
    this.rejected = meter.counterBuilder(REJECTED)
        .setDescription("Sampled shadow copies dropped instead of run, by reason")
        .setUnit("{copy}")
        .build();
  }

  /** A sink publishing through {@code openTelemetry} (e.g. {@code GlobalOpenTelemetry.get()}). */
  public static OpenTelemetrySink create(OpenTelemetry openTelemetry) {
    return new OpenTelemetrySink(Objects.requireNonNull(openTelemetry, "openTelemetry"));
  }

  @Override
  public void accept(ShadowRecord record) {
    VariantAttributes a = attributes.get(record.endpoint(), record.variant());
    if (record.outcome() == Outcome.REJECTED) {
      rejected.add(record.count(), a.rejected(record.rejectReason()));
    } else {
      duration.record(Math.max(0, record.latencyNanos()) / NANOS_PER_SECOND,
          a.call(record.role(), record.outcome()));
      if (record.role() == Role.SHADOW) {
        comparisons.add(1, a.compared(record.comparison().result()));
      }
    }
    // Copies refused on the caller's thread arrive as one aggregated record (no request id, a
    // count): they belong to many requests, so no span can link to "the" production span; the
    // shadow.rejected counter carries them.
    if (record.role() == Role.SHADOW && record.requestId() != null) {
      span(record, a);
    }
  }

  private void span(ShadowRecord record, VariantAttributes a) {
    SpanBuilder builder = tracer.spanBuilder(a.spanName)
        .setNoParent()
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(record.timestamp())
        .setAllAttributes(a.base)
        .setAttribute(OUTCOME_KEY, lower(record.outcome()))
        .setAttribute(COMPARISON_KEY, lower(record.comparison().result()));
    SpanContext production = record.capturedContext(propagator);
    if (production != null) {
      builder.addLink(production);
    }
    if (record.rejectReason() != null) {
      builder.setAttribute(REJECT_REASON_KEY, lower(record.rejectReason()));
    }
    Span span = builder.startSpan();
    String errorType = record.outcome() == Outcome.TIMEOUT && record.errorType() == null
        ? "timeout" : record.errorType();
    if (errorType != null) {
      span.setAttribute(ERROR_TYPE_KEY, errorType);
      span.setStatus(StatusCode.ERROR);
    }
    span.end(record.latencyNanos() > 0
        ? record.timestamp().plusNanos(record.latencyNanos()) : record.timestamp());
  }

  @Override
  public String name() {
    return "opentelemetry";
  }

  /** Captures the production span current on the caller's thread, to link shadow spans to it. */
  @Override
  public List<ContextPropagator<?>> contextPropagators() {
    return List.of(propagator);
  }

  private static String lower(Enum<?> e) {
    return LowerCaseNames.of(e);
  }

  /** The attribute sets of one (endpoint, variant), built once. */
  private static final class VariantAttributes {
    final String spanName;
    final Attributes base;
    private final Attributes[] calls;
    private final Attributes[] compared;
    private final Attributes[] rejected;

    VariantAttributes(String endpoint, String variant) {
      this.spanName = "shadow " + variant;
      this.base = Attributes.of(ENDPOINT_KEY, endpoint, VARIANT_KEY, variant);
      this.calls = new Attributes[Role.values().length * OUTCOMES];
      for (Role r : Role.values()) {
        for (Outcome o : Outcome.values()) {
          calls[r.ordinal() * OUTCOMES + o.ordinal()] = base.toBuilder()
              .put(ROLE_KEY, lower(r)).put(OUTCOME_KEY, lower(o)).build();
        }
      }
      this.compared = derive(base, COMPARISON_KEY, Comparison.Result.values());
      this.rejected = derive(base, REJECT_REASON_KEY, RejectReason.values());
    }

    private static Attributes[] derive(Attributes base, AttributeKey<String> key, Enum<?>[] values) {
      Attributes[] all = new Attributes[values.length];
      for (Enum<?> v : values) {
        all[v.ordinal()] = base.toBuilder().put(key, lower(v)).build();
      }
      return all;
    }

    Attributes call(Role role, Outcome outcome) {
      return calls[role.ordinal() * OUTCOMES + outcome.ordinal()];
    }

    Attributes compared(Comparison.Result result) {
      return compared[result.ordinal()];
    }

    Attributes rejected(RejectReason reason) {
      return rejected[(reason == null ? RejectReason.CLOSED : reason).ordinal()];
    }
  }
}
