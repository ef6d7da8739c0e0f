package dev.shadowrouting.benchmarks;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A remote shadow with 5 ms of latency and ONE pool worker: shadow copies completed per second
 * (the score, ops/s = copies/s), for an {@code AsyncPredictor} (a {@code CompletableFuture}
 * completed by a scheduler, as a non-blocking HTTP client would) and for a blocking predictor
 * that waits 5 ms (as a blocking client holds its thread). Each invocation sends a batch of
 * requests in test mode (a copy waits for room instead of being dropped, so every copy runs) and
 * waits until every copy has ended.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class AsyncShadowThroughput {

  static final long REMOTE_MILLIS = 5;
  static final int ASYNC_BATCH = 2_000;
  static final int BLOCKING_BATCH = 100;
  /** Async calls in flight at most (the variant's maxConcurrency): at most 256 / 5 ms = 51,200/s. */
  static final int IN_FLIGHT = 256;

  private ScheduledExecutorService remote;
  private ShadowRouter<Integer, Integer> async;
  private ShadowRouter<Integer, Integer> blocking;

  @Setup(Level.Trial)
  public void setUp() {
    remote = Executors.newSingleThreadScheduledExecutor();
    async = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("async")
        .production("v1", in -> in)
        .shadowAsync("v2", in -> {
          CompletableFuture<Integer> f = new CompletableFuture<>();
          remote.schedule(() -> f.complete(in), REMOTE_MILLIS, TimeUnit.MILLISECONDS);
          return f;
        }, v -> v.maxConcurrency(IN_FLIGHT).timeout(Duration.ofSeconds(5)))
        .workerThreads(1)
        .queueCapacity(4096)
        .testMode(true)
        .build());
    blocking = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("blocking")
        .production("v1", in -> in)
        .shadow("v2", in -> {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(REMOTE_MILLIS));
          return in;
        }, v -> v.maxConcurrency(Variant.MAX_CONCURRENCY_LIMIT).timeout(Duration.ofSeconds(5)))
        .workerThreads(1)
        .queueCapacity(4096)
        .testMode(true)
        .build());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println();
    System.out.println("[async] " + async.snapshot().variant("v2"));
    System.out.println("[blocking] " + blocking.snapshot().variant("v2"));
    async.close();
    blocking.close();
    remote.shutdownNow();
  }

  @Benchmark
  @OperationsPerInvocation(ASYNC_BATCH)
  public boolean asyncPredictor() throws Exception {
    for (int i = 0; i < ASYNC_BATCH; i++) {
      async.predict(i);
    }
    return async.awaitIdle(Duration.ofMinutes(1));
  }

  @Benchmark
  @OperationsPerInvocation(BLOCKING_BATCH)
  public boolean blockingPredictor() throws Exception {
    for (int i = 0; i < BLOCKING_BATCH; i++) {
      blocking.predict(i);
    }
    return blocking.awaitIdle(Duration.ofMinutes(1));
  }
}
