package dev.shadowrouting.benchmarks;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.sinks.otel.OpenTelemetrySink;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of {@link OpenTelemetrySink#accept} for one shadow record (a span plus two metric updates)
 * with no SDK ({@code OpenTelemetry.noop()}) and with the SDK (spans recorded but not exported,
 * metrics aggregated by an in-memory reader).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class OtelSinkBenchmark {

  @Param({"noop", "sdk"})
  public String otel;

  private OpenTelemetrySdk sdk;
  private OpenTelemetrySink sink;
  private ShadowRecord record;

  @Setup(Level.Trial)
  public void setUp() {
    OpenTelemetry api = OpenTelemetry.noop();
    if (otel.equals("sdk")) {
      sdk = OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder().build())
          .setMeterProvider(SdkMeterProvider.builder()
              .registerMetricReader(InMemoryMetricReader.create()).build())
          .build();
      api = sdk;
    }
    sink = OpenTelemetrySink.create(api);
    record = ShadowRecord.builder().endpoint("fraud-score").requestId("req-1")
        .variant("model-v2").role(Role.SHADOW).outcome(Outcome.SUCCESS)
        .timestamp(Instant.parse("2026-11-23T10:15:30Z")).latencyNanos(2_500_000)
        .queueWaitNanos(40_000).comparison(Comparison.match()).productionVariant("rules-v1")
        .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (sdk != null) {
      sdk.close();
    }
  }

  @Benchmark
  public void accept() {
    sink.accept(record);
  }
}
