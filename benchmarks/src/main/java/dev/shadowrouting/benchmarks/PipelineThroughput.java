package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
 * The whole shadow pipeline at full speed: requests with a 100%-sampled trivial shadow, compared
 * and recorded to a counting sink. The score is requests per second on the caller; the trial's
 * end prints copies handled per second, records delivered per second and the drop rate, i.e.
 * how much shadow traffic the pool and the sink sustain before they shed load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PipelineThroughput {

  @Param({"1", "2"})
  public int workerThreads;

  private ShadowRouter<Integer, Integer> router;
  private final LongAdder delivered = new LongAdder();
  private long startNanos;
  private int input;

  @Setup(Level.Trial)
  public void setUp() {
    router = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("pipeline")
        .production(Variant.<Integer, Integer>builder("prod", in -> in + 1).build())
        .shadow(Variant.<Integer, Integer>builder("shadow", in -> in + 1)
            .maxConcurrency(Variant.MAX_CONCURRENCY_LIMIT).build())
        .workerThreads(workerThreads)
        .sink(record -> delivered.increment())
        .build());
    startNanos = System.nanoTime();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    RouterSnapshot.VariantStats shadow = router.snapshot().variant("shadow");
    RouterSnapshot.SinkStats sink = router.snapshot().sinks().get(0);
    System.out.println();
    System.out.printf("[pipeline] workers=%d copies handled/s=%.0f records delivered/s=%.0f"
            + " copies dropped=%.1f%% records dropped=%.1f%%%n",
        workerThreads, shadow.invocations() / seconds, delivered.sum() / seconds,
        100.0 * shadow.rejected() / Math.max(1, shadow.sampled()),
        100.0 * sink.dropped() / Math.max(1, sink.emitted()));
  }

  @Benchmark
  public int request() throws Exception {
    return router.predict(input++);
  }
}
