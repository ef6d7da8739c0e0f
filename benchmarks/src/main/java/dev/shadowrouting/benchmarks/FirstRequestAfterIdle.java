package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What an idle router's sleep costs the first caller after it: each invocation comes after
 * 200 ms without traffic (the pool, the sink thread and the watchdog asleep) and calls
 * {@code predict} once with a 100%-sampled shadow, so the caller pays the one wake-up of a worker
 * (with the code compiled: see {@link #idle()}).
 * {@code direct} is the same call without the router, after the same pause.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 20)
@Measurement(iterations = 60)
@Fork(1)
public class FirstRequestAfterIdle {

  private final Predictor<Integer, Integer> model = in -> in + 1;
  private ShadowRouter<Integer, Integer> router;

  @Setup(Level.Trial)
  public void setUp() {
    router = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("after-idle")
        .production("v1", model)
        .shadow("v2", model)
        .sink(ShadowSink.noop())
        .build());
  }

  /**
   * Before each measured call: 20,000 calls keep the code compiled (a single-shot benchmark would
   * otherwise measure the interpreter), then 200 ms without traffic put every thread to sleep.
   */
  @Setup(Level.Iteration)
  public void idle() throws Exception {
    for (int i = 0; i < 20_000; i++) {
      router.predict(i);
      model.predict(i);
    }
    router.awaitIdle(Duration.ofSeconds(10));
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200)); // everything asleep by now
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
  }

  @Benchmark
  public Integer direct() throws Exception {
    return model.predict(1);
  }

  @Benchmark
  public Integer router() throws Exception {
    return router.predict(1);
  }
}
