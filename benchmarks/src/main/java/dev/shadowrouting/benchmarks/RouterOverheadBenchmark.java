package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
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
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Issue 3: what the router adds to the caller's thread over a direct call of the same trivial
 * predictor, measured in the same run: no shadow, one shadow at 0%, 1% and 100% sampling, and one
 * shadow that hangs (production latency must not change).
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar RouterOverheadBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterOverheadBenchmark {

  /** {@code none}: no shadow; a number: one shadow at that sampling rate; {@code hung}: 100% to a hung shadow. */
  @Param({"none", "0.0", "0.01", "1.0", "hung"})
  public String shadow;

  // Identity on a pre-boxed input: the benchmark itself allocates nothing, so -prof gc shows what
  // the router allocates.
  private final Predictor<Long, Long> model = x -> x;
  private final CountDownLatch release = new CountDownLatch(1);
  private ShadowRouter<Long, Long> router;
  private Long input = 42L;

  @Setup(Level.Trial)
  public void setUp() {
    EndpointConfig.Builder<Long, Long> b = EndpointConfig.<Long, Long>builder("bench")
        .production(Variant.builder("prod", model).build());
    if (shadow.equals("hung")) {
      b.shadow(Variant.<Long, Long>builder("candidate", x -> {
        release.await(); // hangs until the trial ends
        return x;
      }).timeout(Duration.ofHours(1)).maxConcurrency(2).build());
    } else if (!shadow.equals("none")) {
      b.shadow(Variant.builder("candidate", model)
          .samplingRate(Double.parseDouble(shadow)).maxConcurrency(4096).build());
    }
    router = ShadowRouter.create(b.queueCapacity(4096).build());
  }

  @TearDown(Level.Trial)
  public void tearDown(BenchmarkParams params) {
    release.countDown();
    RouterSnapshot s = router.snapshot();
    router.close();
    if (!shadow.equals("none") && params.getBenchmark().endsWith(".router")) {
      RouterSnapshot.VariantStats c = s.variant("candidate");
      // Make visible how much of a cheap caller cost comes from dropping copies.
      System.out.printf("%n[shadow=%s] sampled=%d executed=%d rejected=%d %s%n", shadow,
          c.sampled(), c.invocations(), c.rejected(), c.rejections());
    }
  }

  @Benchmark
  public long direct() throws Exception {
    return model.predict(input);
  }

  @Benchmark
  public long router() throws Exception {
    return router.predict(input);
  }
}
