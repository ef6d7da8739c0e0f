package dev.shadowrouting.benchmarks;

import dev.shadowrouting.AsyncPredictor;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.util.concurrent.CompletableFuture;
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
 * Issue 18: what {@code predictAsync} costs the caller next to {@code predict}, in the same run,
 * for an async production variant whose stage is already complete (the same pre-built future on
 * every call, so the benchmark itself allocates nothing): {@code predict} waits on it through the
 * blocking view, {@code predictAsync} returns a future that its completion completed. With no
 * shadow, one at 0% and one at 100%.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar PredictAsyncBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PredictAsyncBenchmark {

  /** {@code none}: no shadow; a number: one shadow at that sampling rate. */
  @Param({"none", "0.0", "1.0"})
  public String shadow;

  private static final Long INPUT = 42L;
  private static final CompletableFuture<Long> DONE = CompletableFuture.completedFuture(INPUT);
  private final AsyncPredictor<Long, Long> model = x -> DONE;
  private ShadowRouter<Long, Long> router;

  @Setup(Level.Trial)
  public void setUp() {
    EndpointConfig.Builder<Long, Long> b = EndpointConfig.<Long, Long>builder("bench-async")
        .production(Variant.async("prod", model));
    if (!shadow.equals("none")) {
      b.shadow(Variant.<Long, Long>builder("candidate", x -> x)
          .samplingRate(Double.parseDouble(shadow)).maxConcurrency(4096).build());
    }
    router = ShadowRouter.create(b.queueCapacity(4096).build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
  }

  @Benchmark
  public Long predict() throws Exception {
    return router.predict(INPUT);
  }

  @Benchmark
  public CompletableFuture<Long> predictAsync() {
    return router.predictAsync(INPUT);
  }
}
