package dev.shadowrouting.benchmarks;

import com.github.rawls238.scientist4j.Experiment;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import io.dropwizard.metrics5.MetricRegistry;
import io.github.rabobank.shadow_tool.ShadowFlow;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntUnaryOperator;

/**
 * One implementation under test, named by a spec {@code <impl>[:<sampling percent>]}, calling a
 * production function and copying sampled calls to a shadow function. The same production and
 * shadow work for all, so only what each implementation adds differs. It counts the calls and the
 * shadow copies that actually ran, so every scenario can report the share of copies executed.
 *
 * <ul>
 *   <li>{@code direct}: production only, the baseline.
 *   <li>{@code router-none}: our router without a shadow variant.
 *   <li>{@code router:<p>}: our router, one shadow variant at p%, defaults (workers: half the cores,
 *       queue 1024, maxConcurrency 64, no sink).
 *   <li>{@code scientist4j:<p>}: {@code Experiment.run(control, candidate)} as its README shows;
 *       sampling through its {@code runIf()} hook. Runs the candidate on the caller's thread.
 *   <li>{@code scientist4j-async:<p>}: {@code runAsync} with a bounded executor (2 threads, queue
 *       1024, caller-runs when full: a discard policy would leave its control future unfinished).
 *   <li>{@code shadow-tool:<p>}: {@code ShadowFlow.compare(current, new)} with its default
 *       executor (an unbounded cached thread pool) and its own percentage sampling.
 *   <li>{@code shadow-tool-bounded:<p>}: the same with a bounded executor (2 threads, queue 1024,
 *       excess copies discarded and counted), the closest to our router's pool.
 * </ul>
 */
final class Subject implements AutoCloseable {

  /** Pool sizes for the bounded peer configurations: the same as the router's defaults. */
  private static final int THREADS = EndpointConfig.DEFAULT_WORKER_THREADS;
  private static final int QUEUE = EndpointConfig.DEFAULT_QUEUE_CAPACITY;

  interface Call {
    int call(int input) throws Exception;
  }

  final String spec;
  final int percent;
  final LongAdder calls = new LongAdder();
  final LongAdder shadowRan = new LongAdder();
  final LongAdder discarded = new LongAdder();
  private final Call call;
  private ShadowRouter<Integer, Integer> router;
  private long[] base = new long[4];
  private ExecutorService pool;

  Subject(String spec, IntUnaryOperator production, IntUnaryOperator shadow) {
    this.spec = spec;
    String[] parts = spec.split(":");
    String impl = parts[0];
    this.percent = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
    IntUnaryOperator counted = in -> {
      shadowRan.increment();
      return shadow.applyAsInt(in);
    };
    this.call = switch (impl) {
      case "direct" -> direct(production);
      case "router-none" -> router(production, null);
      case "router" -> router(production, counted);
      case "scientist4j" -> scientist(production, counted, null);
      case "scientist4j-async" -> scientist(production, counted, boundedPool(false));
      case "shadow-tool" -> shadowTool(production, counted, null);
      case "shadow-tool-bounded" -> shadowTool(production, counted, boundedPool(true));
      default -> throw new IllegalArgumentException("unknown implementation '" + impl + "'");
    };
  }

  int call(int input) throws Exception {
    calls.increment();
    return call.call(input);
  }

  /**
   * Through a boxed {@link Predictor}, exactly like the router's production variant, so the
   * baseline pays the same boxing of input and output and the difference is the router's alone.
   */
  private static Call direct(IntUnaryOperator production) {
    Predictor<Integer, Integer> predictor = production::applyAsInt;
    return predictor::predict;
  }

  private Call router(IntUnaryOperator production, IntUnaryOperator shadow) {
    EndpointConfig.Builder<Integer, Integer> config = EndpointConfig.<Integer, Integer>builder("bench")
        .production(Variant.<Integer, Integer>builder("prod", production::applyAsInt).build());
    if (shadow != null) {
      config.shadow(Variant.<Integer, Integer>builder("shadow", shadow::applyAsInt)
          .samplingRate(percent / 100.0)
          .timeout(Duration.ofSeconds(10))
          .build());
    }
    router = ShadowRouter.create(config.closeTimeout(Duration.ofSeconds(10)).build());
    return router::predict;
  }

  private Call scientist(IntUnaryOperator production, IntUnaryOperator shadow,
      ExecutorService executor) {
    // runIf() is Scientist's hook for "run the candidate for this call?": sampling.
    Experiment<Integer> experiment = executor == null
        ? new Experiment<>("bench") {
            @Override
            protected boolean runIf() {
              return sampled();
            }
          }
        : new Experiment<>("bench", new HashMap<>(), false, new MetricRegistry(), Object::equals,
            executor) {
            @Override
            protected boolean runIf() {
              return sampled();
            }
          };
    if (executor == null) {
      return in -> experiment.run(() -> production.applyAsInt(in), () -> shadow.applyAsInt(in));
    }
    return in -> experiment.runAsync(
        () -> production.applyAsInt(in), () -> shadow.applyAsInt(in));
  }

  private boolean sampled() {
    return ThreadLocalRandom.current().nextInt(100) < percent;
  }

  private Call shadowTool(IntUnaryOperator production, IntUnaryOperator shadow,
      ExecutorService executor) {
    ShadowFlow.ShadowFlowBuilder<Integer> builder =
        new ShadowFlow.ShadowFlowBuilder<Integer>(percent).withInstanceName("bench");
    if (executor != null) {
      builder.withExecutorService(executor);
    }
    ShadowFlow<Integer> flow = builder.build();
    return in -> flow.compare(() -> production.applyAsInt(in), () -> shadow.applyAsInt(in));
  }

  private ExecutorService boundedPool(boolean discard) {
    pool = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(QUEUE),
        discard ? (task, executor) -> discarded.increment() : new ThreadPoolExecutor.CallerRunsPolicy());
    return pool;
  }

  /** Counts from now on: the counts so far become the baseline that {@link #copies} subtracts. */
  void startCounting() {
    base = counts();
  }

  /** calls, sampled, dropped, ran so far. */
  private long[] counts() {
    long sampled;
    long dropped;
    RouterSnapshot.VariantStats s = router == null ? null : router.snapshot().variants().stream()
        .filter(v -> v.name().equals("shadow")).findFirst().orElse(null);
    if (router != null) {
      sampled = s == null ? 0 : s.sampled();
      dropped = s == null ? 0 : s.rejected();
    } else {
      sampled = Math.round(calls.sum() * percent / 100.0); // the peers do not count their samples
      dropped = discarded.sum();
    }
    return new long[] {calls.sum(), sampled, dropped, shadowRan.sum()};
  }

  /** Copies sampled, ran and dropped since {@link #startCounting}, once background work is done. */
  String copies() {
    if (router != null) {
      router.close(); // waits for queued copies, so "ran" is final
    }
    if (pool != null) {
      pool.shutdown();
      try {
        pool.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    long[] now = counts();
    long calls = now[0] - base[0];
    long sampled = now[1] - base[1];
    long dropped = now[2] - base[2];
    long ran = now[3] - base[3];
    return String.format("%s: calls=%d sampled=%s ran=%d dropped=%d executed-share=%.1f%%"
            + " (measurement iterations)",
        spec, calls, router != null ? sampled : "~" + sampled, ran, dropped,
        sampled == 0 ? 100.0 : 100.0 * ran / sampled);
  }

  @Override
  public void close() {
    System.out.println();
    System.out.println("[copies] " + copies());
  }
}
