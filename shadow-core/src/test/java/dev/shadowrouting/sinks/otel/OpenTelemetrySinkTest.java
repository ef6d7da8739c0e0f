package dev.shadowrouting.sinks.otel;

import static dev.shadowrouting.sinks.SinkFixtures.ENDPOINT;
import static dev.shadowrouting.sinks.SinkFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.sinks.SinkFixtures;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenTelemetrySinkTest {
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
      .build();
  private final OpenTelemetrySink sink = OpenTelemetrySink.create(sdk);

  @AfterEach
  void closeSdk() {
    sdk.close();
  }

  @Test
  void makesOneInternalRootSpanPerShadowCallWithTheRecordsTimes() {
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("shadow candidate");
    assertThat(span.getKind()).isEqualTo(SpanKind.INTERNAL);
    assertThat(span.getParentSpanContext().isValid()).isFalse();
    assertThat(span.getLinks()).isEmpty();
    long start = TimeUnit.SECONDS.toNanos(T0.getEpochSecond()) + T0.getNano();
    assertThat(span.getStartEpochNanos()).isEqualTo(start);
    assertThat(span.getEndEpochNanos()).isEqualTo(start + 2_500_000);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().asMap()).containsExactlyInAnyOrderEntriesOf(Map.of(
        OpenTelemetrySink.ENDPOINT_KEY, ENDPOINT,
        OpenTelemetrySink.VARIANT_KEY, "candidate",
        OpenTelemetrySink.OUTCOME_KEY, "success",
        OpenTelemetrySink.COMPARISON_KEY, "match"));
  }

  @Test
  void marksErrorsAndTimeoutsWithErrorType() {
    sink.accept(SinkFixtures.shadow(Outcome.ERROR).errorType("java.io.IOException").build());
    sink.accept(SinkFixtures.shadow(Outcome.TIMEOUT).build());

    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).hasSize(2);
    assertThat(finished).allSatisfy(
        s -> assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
    assertThat(finished).extracting(s -> s.getAttributes().get(OpenTelemetrySink.ERROR_TYPE_KEY))
        .containsExactly("java.io.IOException", "timeout");
    assertThat(finished).extracting(s -> s.getAttributes().get(OpenTelemetrySink.OUTCOME_KEY))
        .containsExactly("error", "timeout");
  }

  @Test
  void rejectedCopiesGetAZeroLengthSpanAndARejectionCount() {
    sink.accept(SinkFixtures.rejected(RejectReason.QUEUE_FULL));

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(OpenTelemetrySink.REJECT_REASON_KEY))
        .isEqualTo("queue_full");
    assertThat(span.getEndEpochNanos()).isEqualTo(span.getStartEpochNanos());
    Map<String, MetricData> byName = metricsByName();
    assertThat(byName).doesNotContainKey(OpenTelemetrySink.DURATION);
    LongPointData point = byName.get(OpenTelemetrySink.REJECTED).getLongSumData().getPoints()
        .iterator().next();
    assertThat(point.getValue()).isEqualTo(1);
    assertThat(point.getAttributes().get(OpenTelemetrySink.REJECT_REASON_KEY))
        .isEqualTo("queue_full");
  }

  @Test
  void productionRecordsAreMeasuredButMakeNoSpan() {
    sink.accept(SinkFixtures.production());

    assertThat(spans.getFinishedSpanItems()).isEmpty();
    HistogramPointData point = histogramPoints().iterator().next();
    assertThat(point.getAttributes().get(AttributeKey.stringKey(OpenTelemetrySink.ROLE)))
        .isEqualTo("production");
    assertThat(metricsByName()).doesNotContainKey(OpenTelemetrySink.COMPARISONS);
  }

  @Test
  void recordsDurationsInSecondsAndCountsComparisons() {
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).latencyNanos(500_000).build());

    Map<String, MetricData> byName = metricsByName();
    assertThat(byName.get(OpenTelemetrySink.DURATION).getUnit()).isEqualTo("s");
    HistogramPointData h = histogramPoints().iterator().next();
    assertThat(h.getCount()).isEqualTo(2);
    assertThat(h.getSum()).isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-12));
    LongPointData compared = byName.get(OpenTelemetrySink.COMPARISONS).getLongSumData()
        .getPoints().iterator().next();
    assertThat(compared.getValue()).isEqualTo(2);
    assertThat(compared.getAttributes().get(OpenTelemetrySink.COMPARISON_KEY)).isEqualTo("match");
  }

  @Test
  void propagatorCapturesOnlyAValidCurrentSpanAndNeverRestores() {
    @SuppressWarnings("unchecked")
    ContextPropagator<SpanContext> propagator =
        (ContextPropagator<SpanContext>) sink.contextPropagators().get(0);
    assertThat(propagator.capture()).isNull();

    Span production = sdk.getTracer("test").spanBuilder("request").startSpan();
    try (Scope ignored = production.makeCurrent()) {
      assertThat(propagator.capture()).isEqualTo(production.getSpanContext());
      propagator.clear(); // capture-only: must not touch the current context
      assertThat(Span.current()).isSameAs(production);
    } finally {
      production.end();
    }
  }

  @Test
  void linksToTheCapturedProductionSpan() {
    Span production = sdk.getTracer("test").spanBuilder("request").startSpan();
    production.end();
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS)
        .capturedContexts(Map.of(sink.contextPropagators().get(0), production.getSpanContext()))
        .build());

    SpanData shadow = spans.getFinishedSpanItems().get(1);
    assertThat(shadow.getLinks()).singleElement()
        .satisfies(l -> assertThat(l.getSpanContext()).isEqualTo(production.getSpanContext()));
  }

  @Test
  void isSafeAndSilentWithoutAnSdk() {
    OpenTelemetrySink noop = OpenTelemetrySink.create(OpenTelemetry.noop());
    ShadowRecord record = SinkFixtures.shadow(Outcome.SUCCESS).build();
    assertThatCode(() -> {
      noop.accept(record);
      noop.accept(SinkFixtures.production());
      noop.accept(SinkFixtures.rejected(RejectReason.CLOSED));
    }).doesNotThrowAnyException();
    assertThat(spans.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void endToEndTheShadowSpanLinksToTheProductionSpan() throws Exception {
    Span request = sdk.getTracer("test").spanBuilder("request").startSpan();
    try (ShadowRouter<Integer, Integer> router = SinkFixtures.router(sink, x -> 3 * x)) {
      try (Scope ignored = request.makeCurrent()) {
        assertThat(router.predict(21)).isEqualTo(42);
      } finally {
        request.end();
      }
    }

    SpanData shadow = spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("shadow candidate")).findFirst().orElseThrow();
    assertThat(shadow.getTraceId()).isNotEqualTo(request.getSpanContext().getTraceId());
    assertThat(shadow.getLinks()).singleElement()
        .satisfies(l -> assertThat(l.getSpanContext()).isEqualTo(request.getSpanContext()));
    assertThat(shadow.getAttributes().get(OpenTelemetrySink.COMPARISON_KEY))
        .isEqualTo("mismatch");
    assertThat(spans.getFinishedSpanItems()).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("request", "shadow candidate");
  }

  private SpanData onlySpan() {
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    return spans.getFinishedSpanItems().get(0);
  }

  private Map<String, MetricData> metricsByName() {
    Map<String, MetricData> byName = new java.util.HashMap<>();
    for (MetricData m : metrics.collectAllMetrics()) {
      byName.put(m.getName(), m);
    }
    return byName;
  }

  private Collection<HistogramPointData> histogramPoints() {
    return metricsByName().get(OpenTelemetrySink.DURATION).getHistogramData().getPoints();
  }
}
