package dev.shadowrouting.internal.tests;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.QualityMetric;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.DefaultShadowRouter;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.ProductionLane;
import dev.shadowrouting.internal.lanes.Routing;
import dev.shadowrouting.internal.ledger.VariantLedger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * What a running shadow test adds to each copy on the pool: {@code TestRun.observe}, i.e. every
 * statistic of the verdict (paired latency, paired errors, agreement: one striped update), the
 * latency histograms (production, candidate run time, queue wait) and the budget and guard
 * counters; with {@code groundTruth} also the Caffeine entry kept for a late label. The
 * {@code baseline} method does the same loop without observing, in the same run.
 *
 * <p>This class lives in the engine's package (in the benchmarks jar, on the class path) to reach
 * {@code TestRun}, which is not public API.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TestObservationBenchmark {

  private static final int EXCHANGES = 4096; // a power of two

  @Param({"false", "true"})
  public boolean groundTruth;

  private DefaultShadowRouter<Integer, Integer> router;
  private TestRun<Integer, Integer> test;
  private Exchange<Integer, Integer>[] exchanges;
  private long[] runNanos;
  private Comparison[] comparisons;
  private final AtomicInteger next = new AtomicInteger();

  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setUp() {
    EndpointConfig<Integer, Integer> config = EndpointConfig.<Integer, Integer>builder("bench")
        .production(Variant.<Integer, Integer>builder("v1", in -> in).build())
        .build();
    router = new DefaultShadowRouter<>(config);
    ShadowTestSpec.Builder<Integer, Integer> spec = ShadowTestSpec.builder(
            Variant.<Integer, Integer>builder("v2", in -> in).build())
        .duration(Duration.ofDays(30))
        .stopIfErrorRateAbove(1.0)
        .stopIfTimeoutRateAbove(1.0)
        .continueAfterFail(true); // its 1% mismatches FAIL agreement: it must keep observing
    if (groundTruth) {
      spec.qualityMetric(QualityMetric.accuracy()).groundTruth(100_000, Duration.ofHours(1));
    }
    test = (TestRun<Integer, Integer>) router.startTest(spec.build());
    Routing<Integer, Integer> routing = new Routing<>(config,
        name -> new VariantLedger("bench", name, Role.PRODUCTION), name -> null);
    ProductionLane<Integer, Integer> lane = routing.production[0];
    exchanges = new Exchange[EXCHANGES];
    runNanos = new long[EXCHANGES];
    comparisons = new Comparison[EXCHANGES];
    java.util.SplittableRandom random = new java.util.SplittableRandom(1);
    for (int i = 0; i < EXCHANGES; i++) {
      long production = 200_000 + random.nextInt(100_000);
      Exchange<Integer, Integer> ex = new Exchange<>(routing, lane, i, null, "req-" + i);
      ex.output = i;
      ex.error = random.nextInt(1000) == 0 ? new IllegalStateException() : null;
      ex.latencyNanos = production;
      exchanges[i] = ex;
      runNanos[i] = 220_000 + random.nextInt(100_000);
      comparisons[i] = random.nextInt(100) == 0
          ? Comparison.mismatch(List.of("score")) : Comparison.match();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println();
    System.out.println("[observe] " + test.report().calls() + " observations, verdict "
        + test.report().verdict() + ", " + test.status());
    router.close();
  }

  @Benchmark
  public Object baseline() {
    int i = next.getAndIncrement() & (EXCHANGES - 1);
    return exchanges[i].input == null ? comparisons[i] : exchanges[i];
  }

  @Benchmark
  public Object observe() {
    int i = next.getAndIncrement() & (EXCHANGES - 1);
    Exchange<Integer, Integer> ex = exchanges[i];
    test.observe(ex, false, Outcome.SUCCESS, runNanos[i], 5_000, 2_000, comparisons[i],
        ex.input);
    return ex;
  }
}
