package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code predictAsync}: the caller's thread never waits for an async production variant; the
 * future completes with its answer or its very exception; shadows are sampled, timed, compared,
 * counted and recorded as {@code predict} does, with exactly one outcome per copy however many
 * calls are in flight; a blocking production variant runs on the caller's thread.
 */
class PredictAsyncTest {

  /** Production answers with stages the test completes; each call's stage by its input. */
  private static final class Pending implements AsyncPredictor<Integer, Integer> {
    final Map<Integer, CompletableFuture<Integer>> stages = new ConcurrentHashMap<>();
    final AtomicReference<Thread> calledOn = new AtomicReference<>();
    volatile long calledAtNanos;

    @Override
    public CompletableFuture<Integer> predictAsync(Integer input) {
      calledAtNanos = System.nanoTime();
      calledOn.set(Thread.currentThread());
      return stages.computeIfAbsent(input, k -> new CompletableFuture<>());
    }

    CompletableFuture<Integer> stage(int input) {
      return stages.computeIfAbsent(input, k -> new CompletableFuture<>());
    }
  }

  private static ShadowRouter<Integer, Integer> router(String name,
      AsyncPredictor<Integer, Integer> production, InMemorySink sink,
      OutputComparator<Integer> comparator) {
    return ShadowRouter.create(EndpointConfig.<Integer, Integer>builder(name)
        .production(Variant.async("v1", production))
        .shadow("v2", in -> in + 1)
        .comparator(comparator)
        .sink(sink)
        .build());
  }

  @Test
  void returnsAtOnceAndCompletesWithProductionsAnswerThenTheCopiesRun() throws Exception {
    Pending production = new Pending();
    InMemorySink sink = ShadowSink.inMemory();
    List<Integer> comparedWith = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (ShadowRouter<Integer, Integer> router = router("async-answer", production, sink,
        (p, s) -> {
          comparedWith.add(p);
          return Comparison.of(s == p + 1);
        })) {
      CompletableFuture<Integer> answer = router.predictAsync(7);
      assertThat(answer).isNotDone(); // the caller did not wait
      assertThat(production.calledOn.get()).isSameAs(Thread.currentThread());
      // Production takes at least 20 ms from the moment it was called.
      while (System.nanoTime() - production.calledAtNanos < TimeUnit.MILLISECONDS.toNanos(20)) {
        Thread.onSpinWait();
      }
      production.stage(7).complete(70);
      assertThat(answer).isCompletedWithValue(70);
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();

      assertThat(comparedWith).containsExactly(70); // the copy ran after production answered
      RouterSnapshot s = router.snapshot();
      assertThat(s.variant("v1").invocations()).isEqualTo(1);
      assertThat(s.variant("v2").sampled()).isEqualTo(1);
      assertThat(s.variant("v2").successes()).isEqualTo(1);
      Fixtures.assertAccounting(s);
      ShadowRecord prod = sink.records("v1").get(0);
      assertThat(prod.role()).isEqualTo(Role.PRODUCTION);
      assertThat(prod.latencyNanos()).as("from the call to the stage's completion")
          .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(20));
      assertThat(sink.records("v2").get(0).productionVariant()).isEqualTo("v1");
    }
  }

  @Test
  void aFailingProductionFailsTheFutureWithTheInstancePredictThrows() throws Exception {
    IllegalStateException direct = new IllegalStateException("model server down");
    IllegalStateException viaDependent = new IllegalStateException("decode failed");
    IllegalStateException onStart = new IllegalStateException("no connection");
    AsyncPredictor<Integer, Integer> production = in -> switch (in) {
      case 1 -> CompletableFuture.failedFuture(direct);
      case 2 -> CompletableFuture.completedFuture(in).thenApply(x -> {
        throw viaDependent; // fails the dependent stage with a CompletionException around it
      });
      case 3 -> throw onStart;
      case 4 -> null;
      default -> CompletableFuture.completedFuture(in);
    };
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = router("async-failures", production, sink,
        OutputComparator.equality())) {
      for (int in = 1; in <= 4; in++) {
        int input = in;
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
            () -> router.predict(input));
        CompletableFuture<Integer> future = router.predictAsync(input);
        assertThat(future).isCompletedExceptionally();
        Throwable failed = org.assertj.core.api.Assertions.catchThrowable(future::get);
        assertThat(failed).isInstanceOf(ExecutionException.class);
        if (input == 4) { // a null stage: each call makes its own NullPointerException
          assertThat(failed.getCause()).isInstanceOf(NullPointerException.class)
              .hasMessage(thrown.getMessage());
        } else {
          assertThat(failed.getCause()).isSameAs(thrown);
          assertThatThrownBy(future::join).isInstanceOf(CompletionException.class)
              .cause().isSameAs(thrown);
        }
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      RouterSnapshot s = router.snapshot();
      assertThat(s.variant("v1").errors()).isEqualTo(8); // predict's four and predictAsync's
      assertThat(s.variant("v2").sampled()).isEqualTo(8);
      Fixtures.assertAccounting(s);
      assertThat(sink.records("v1")).hasSize(8)
          .extracting(ShadowRecord::errorType).containsOnly(
              IllegalStateException.class.getName(), NullPointerException.class.getName());
    }
  }

  @Test
  void aBlockingProductionRunsOnTheCallersThreadAndTheFutureIsComplete() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    ArithmeticException failure = new ArithmeticException("/ by zero");
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("async-blocking")
            .production("v1", in -> {
              ranOn.set(Thread.currentThread());
              if (in < 0) {
                throw failure;
              }
              return in * 2;
            })
            .shadow("v2", in -> in * 2)
            .build())) {
      assertThat(router.predictAsync(21)).isCompletedWithValue(42);
      assertThat(ranOn.get()).isSameAs(Thread.currentThread());
      CompletableFuture<Integer> failed = router.predictAsync(-1, Request.none());
      assertThat(failed).isCompletedExceptionally();
      assertThatThrownBy(failed::get).cause().isSameAs(failure);
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      assertThat(router.snapshot().variant("v2").sampled()).isEqualTo(2);
    }
  }

  @Test
  void anUnknownTargetVariantIsRefusedBeforeProductionIsCalled() {
    Pending production = new Pending();
    try (ShadowRouter<Integer, Integer> router = router("async-target", production,
        ShadowSink.inMemory(), OutputComparator.equality())) {
      assertThatThrownBy(() -> router.predictAsync(1,
          Request.builder().targetVariant("v9").build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("v9");
      assertThat(production.calledOn.get()).isNull();
      CompletableFuture<Integer> targeted =
          router.predictAsync(2, Request.builder().targetVariant("v1").build());
      production.stage(2).complete(20);
      assertThat(targeted).isCompletedWithValue(20);
    }
  }

  @Test
  void anUnsampledRequestIsCountedWhenItsStageCompletes() throws Exception {
    Pending production = new Pending();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("async-unsampled")
            .production(Variant.async("v1", production))
            .shadow("v2", in -> in, v -> v.samplingRate(0))
            .build())) {
      CompletableFuture<Integer> ok = router.predictAsync(1);
      CompletableFuture<Integer> failed = router.predictAsync(2);
      assertThat(ok).isNotDone();
      assertThat(router.snapshot().variant("v1").invocations()).isZero();
      production.stage(1).complete(10);
      RuntimeException boom = new RuntimeException("boom");
      production.stage(2).completeExceptionally(boom);
      assertThat(ok).isCompletedWithValue(10);
      assertThatThrownBy(failed::get).cause().isSameAs(boom);
      RouterSnapshot.VariantStats v1 = router.snapshot().variant("v1");
      assertThat(v1.invocations()).isEqualTo(2);
      assertThat(v1.errors()).isEqualTo(1);
      assertThat(router.snapshot().variant("v2").sampled()).isZero();
    }
  }

  /**
   * The same requests (by sampling key) through predict and predictAsync: the same counts, the
   * same records, the same pairs in a shadow test.
   */
  @Test
  void predictAsyncAccountsRecordsAndTestsAsPredictDoes() throws Exception {
    Map<String, Long> viaPredict = traffic("parity-sync", false);
    Map<String, Long> viaAsync = traffic("parity-async", true);
    assertThat(viaAsync).isEqualTo(viaPredict);
    assertThat(viaAsync.get("v1 invocations")).isEqualTo(400);
    assertThat(viaAsync.get("v2 sampled")).isBetween(100L, 300L); // half, by key
    assertThat(viaAsync.get("test pairs")).isEqualTo(viaAsync.get("cand sampled"));
  }

  private static Map<String, Long> traffic(String name, boolean async) throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    AsyncPredictor<Integer, Integer> production = in -> in % 10 == 3
        ? CompletableFuture.failedFuture(new IllegalStateException("odd"))
        : CompletableFuture.completedFuture(in * 2);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder(name)
            .production(Variant.async("v1", production))
            .shadow("v2", in -> in % 7 == 0 ? in : in * 2, v -> v.samplingRate(0.5))
            .sink(sink)
            .testMode(true) // copies wait for room instead of being refused: deterministic
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
              Variant.<Integer, Integer>builder("cand", in -> in * 2).build())
          .samplingRate(0.3).duration(Duration.ofHours(1)).build());
      for (int i = 0; i < 400; i++) {
        Request request = Request.withSamplingKey("key-" + i);
        if (async) {
          router.predictAsync(i, request).handle((out, failure) -> out).join();
        } else {
          try {
            router.predict(i, request);
          } catch (IllegalStateException expected) {
            // production's own failure, counted below
          }
        }
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      RouterSnapshot s = router.snapshot();
      Fixtures.assertAccounting(s);
      Map<String, Long> counts = new java.util.TreeMap<>();
      for (RouterSnapshot.VariantStats v : s.variants()) {
        counts.put(v.name() + " invocations", v.invocations());
        counts.put(v.name() + " errors", v.errors());
        counts.put(v.name() + " sampled", v.sampled());
        counts.put(v.name() + " mismatches", v.mismatches());
      }
      counts.put("test pairs", test.report().calls());
      sink.records().stream()
          .collect(Collectors.groupingBy(r -> "records " + r.variant() + " " + r.outcome(),
              Collectors.counting()))
          .forEach(counts::put);
      return counts;
    }
  }

  /**
   * Many calls in flight at once from several callers, their production stages completed on
   * other threads in any order, some failing, with a shadow whose slots run out while production
   * is pending: every future gets its own answer, and every sampled copy ends in exactly one
   * outcome, recorded once.
   */
  @Test
  void manyInFlightCallsEachGetTheirAnswerAndEveryCopyOneOutcome() throws Exception {
    int callers = 4;
    int perCaller = 500;
    Pending production = new Pending();
    InMemorySink sink = ShadowSink.inMemory();
    ExecutorService completers = Executors.newFixedThreadPool(3);
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("async-flight")
            .production(Variant.async("v1", production))
            .shadow("v2", in -> in * 3, v -> v.maxConcurrency(Variant.MAX_CONCURRENCY_LIMIT))
            .shadow("narrow", in -> in * 3, v -> v.maxConcurrency(8))
            .shadowAsync("remote", in -> CompletableFuture.supplyAsync(() -> in * 3, completers))
            .sink(sink)
            .queueCapacity(1 << 16)
            .sinkBufferCapacity(1 << 16)
            .build())) {
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < callers * perCaller; i++) {
        answers.add(null);
      }
      CountDownLatch issued = new CountDownLatch(callers);
      FaultSupport.runCallers(callers, caller -> {
        for (int i = 0; i < perCaller; i++) {
          int input = caller * perCaller + i;
          answers.set(input, router.predictAsync(input));
        }
        issued.countDown();
      });
      assertThat(issued.await(Fixtures.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      // Completed from other threads, in an order unrelated to the calls'.
      List<Integer> order = new ArrayList<>(production.stages.keySet());
      java.util.Collections.shuffle(order, new java.util.Random(18));
      List<CompletableFuture<?>> completions = new ArrayList<>();
      for (int input : order) {
        completions.add(CompletableFuture.runAsync(() -> {
          if (input % 13 == 0) {
            production.stage(input).completeExceptionally(new IllegalStateException("x" + input));
          } else {
            production.stage(input).complete(input * 3);
          }
        }, completers));
      }
      CompletableFuture.allOf(completions.toArray(CompletableFuture[]::new))
          .get(Fixtures.WAIT.toSeconds(), TimeUnit.SECONDS);

      for (int input = 0; input < answers.size(); input++) {
        CompletableFuture<Integer> answer = answers.get(input);
        if (input % 13 == 0) {
          int in = input;
          assertThatThrownBy(answer::join).cause().hasMessage("x" + in);
        } else {
          assertThat(answer.join()).isEqualTo(input * 3);
        }
      }
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
      RouterSnapshot s = router.snapshot();
      Fixtures.assertAccounting(s);
      int total = callers * perCaller;
      assertThat(s.variant("v1").invocations()).isEqualTo(total);
      assertThat(s.variant("v1").errors()).isEqualTo((total + 12) / 13);
      for (String shadow : List.of("v2", "narrow", "remote")) {
        RouterSnapshot.VariantStats v = s.variant(shadow);
        assertThat(v.sampled()).as(shadow).isEqualTo(total);
        assertThat(v.inFlight()).as(shadow).isZero();
      }
      // Pending productions held the narrow shadow's 8 slots: most of its copies were refused.
      assertThat(s.variant("narrow").rejected(RejectReason.CONCURRENCY_LIMIT)).isPositive();
      assertThat(s.variant("v2").successes()).isEqualTo(total); // room for all: every copy ran
      Map<String, Long> copiesRecorded = sink.records().stream()
          .filter(r -> r.role() == Role.SHADOW)
          .collect(Collectors.groupingBy(ShadowRecord::variant,
              Collectors.summingLong(ShadowRecord::count)));
      assertThat(copiesRecorded).containsEntry("v2", (long) total)
          .containsEntry("narrow", (long) total).containsEntry("remote", (long) total);
      assertThat(sink.records("v1")).hasSize(total); // one production record per request
    } finally {
      completers.shutdownNow();
    }
  }
}
