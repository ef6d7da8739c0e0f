package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.sinks.otel.OpenTelemetrySink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link OpenTelemetrySink} on the OpenTelemetry SDK with in-memory exporters. Every record is
 * either measured in {@code shadow.invocation.duration} (the calls that ran) or counted in {@code
 * shadow.rejected}: their sum is the number of records the sink saw.
 */
class OpenTelemetrySinkCompatibilityTest extends ShadowSinkCompatibilityKit<OpenTelemetrySink> {
  private final Map<OpenTelemetrySink, Sdk> sdks =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private record Sdk(OpenTelemetrySdk sdk, InMemoryMetricReader metrics) {}

  @Override
  protected OpenTelemetrySink createSink() {
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create())).build())
        .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
        .build();
    OpenTelemetrySink sink = OpenTelemetrySink.create(sdk);
    sdks.put(sink, new Sdk(sdk, metrics));
    return sink;
  }

  @Override
  protected OptionalLong recordCount(OpenTelemetrySink sink) {
    long count = 0;
    for (MetricData metric : sdks.get(sink).metrics().collectAllMetrics()) {
      if (metric.getName().equals(OpenTelemetrySink.DURATION)) {
        count += metric.getHistogramData().getPoints().stream()
            .mapToLong(HistogramPointData::getCount).sum();
      } else if (metric.getName().equals(OpenTelemetrySink.REJECTED)) {
        count += metric.getLongSumData().getPoints().stream()
            .mapToLong(LongPointData::getValue).sum();
      }
    }
    return OptionalLong.of(count);
  }

  @Override
  protected void release(OpenTelemetrySink sink) {
    Sdk sdk = sdks.remove(sink);
    if (sdk != null) {
      sdk.sdk().close();
    }
  }
}
