package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Fault injection: one misbehaving shadow variant, comparator or sink at a time, under 8 caller
 * threads. Whatever the fault, production answers exactly as without shadows, no caller waits for
 * the fault (the callers finish while the fault is still in place, see {@link Gate}), the healthy
 * shadow keeps running, every sampled copy ends in exactly one record, and {@code close()} leaves
 * no thread behind.
 */
class FaultInjectionTest {

  private static final int CALLERS = 8;
  private static final int CALLS_PER_CALLER = 500;
  private static final int TOTAL = CALLERS * CALLS_PER_CALLER;
  private static final int WORKERS = 2;
  /** Below WORKERS: a fault that holds its slots forever still leaves the healthy shadow a thread. */
  private static final int FAULTY_MAX_CONCURRENCY = 2;
  /**
   * Short for the faults that block a worker, so the watchdog abandons them quickly, yet far above
   * what the trivial shadow call takes even on a loaded machine...
   */
  private static final Duration BLOCKING_TIMEOUT = Duration.ofMillis(250);
  /** ...and long for the others, whose outcome must not depend on how loaded the machine is. */
  private static final Duration GENEROUS_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  /** Production fails on every 10th input with this very instance: callers must get it unchanged. */
  private static final IllegalStateException PRODUCTION_FAILURE =
      new IllegalStateException("production failed");

  /**
   * Where a blocking fault waits: it counts {@code entered} down when it starts blocking and
   * blocks, ignoring interrupts, until {@code release} opens. The test asserts that everything
   * the callers must see happened while {@code release} was still closed.
   */
  record Gate(CountDownLatch entered, CountDownLatch release) {
    void block() {
      try {
        Fixtures.<Object, Object>hangIgnoringInterrupts(entered, release, null).predict(null);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  enum Fault {
    SHADOW_HANGS_IGNORING_INTERRUPTS(Outcome.TIMEOUT, null, true),
    SHADOW_THROWS_RUNTIME_EXCEPTION(Outcome.ERROR, IllegalArgumentException.class, false),
    SHADOW_THROWS_CHECKED_EXCEPTION(Outcome.ERROR, IOException.class, false),
    SHADOW_OVERFLOWS_ITS_STACK(Outcome.ERROR, StackOverflowError.class, false),
    SHADOW_THROWS_OUT_OF_MEMORY_ERROR(Outcome.ERROR, OutOfMemoryError.class, false),
    SHADOW_RETURNS_NULL(Outcome.SUCCESS, null, false),
    SHADOW_HAS_RANDOM_LATENCY(Outcome.SUCCESS, null, false),
    SHADOW_ALLOCATES_HEAVILY(Outcome.SUCCESS, null, false),
    COMPARATOR_THROWS(Outcome.SUCCESS, null, false),
    COMPARATOR_IS_SLOW(Outcome.SUCCESS, null, false),
    // the comparison runs under the copy's timeout: a comparator that hangs times the copy out
    COMPARATOR_BLOCKS_FOREVER(Outcome.TIMEOUT, null, true),
    SINK_THROWS(Outcome.SUCCESS, null, false),
    SINK_BLOCKS_FOREVER(Outcome.SUCCESS, null, true),
    SINK_IS_SLOW(Outcome.SUCCESS, null, false);

    /** The outcome of every faulty copy that ran. */
    final Outcome outcome;
    /** The error type of those copies, when they fail. */
    final Class<? extends Throwable> error;
    /** Whether the fault blocks until its {@link Gate} opens. */
    final boolean blocks;

    Fault(Outcome outcome, Class<? extends Throwable> error, boolean blocks) {
      this.outcome = outcome;
      this.error = error;
      this.blocks = blocks;
    }

    /** Whether the fault holds a shadow worker (the sink's own thread is not one). */
    boolean blocksWorker() {
      return blocks && this != SINK_BLOCKS_FOREVER;
    }

    Predictor<Integer, Integer> shadow(Gate gate) {
      return switch (this) {
        case SHADOW_HANGS_IGNORING_INTERRUPTS ->
            Fixtures.hangIgnoringInterrupts(gate.entered(), gate.release(), 0);
        case SHADOW_THROWS_RUNTIME_EXCEPTION -> in -> {
          throw new IllegalArgumentException("shadow failed on " + in);
        };
        case SHADOW_THROWS_CHECKED_EXCEPTION -> in -> {
          throw new IOException("shadow failed on " + in);
        };
        case SHADOW_OVERFLOWS_ITS_STACK -> in -> recurseForever(in);
        case SHADOW_THROWS_OUT_OF_MEMORY_ERROR -> in -> {
          throw new OutOfMemoryError("thrown by user code, not by the JVM");
        };
        case SHADOW_RETURNS_NULL -> in -> null;
        case SHADOW_HAS_RANDOM_LATENCY -> in -> {
          LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
          return in * 2;
        };
        case SHADOW_ALLOCATES_HEAVILY -> in -> {
          long[] garbage = new long[32 * 1024]; // 256 KiB per call, ~1 GB over the run
          garbage[in & 0x7FFF] = in;
          return (int) garbage[in & 0x7FFF] * 2;
        };
        default -> in -> in * 2;
      };
    }

    OutputComparator<Integer> comparator(Gate gate) {
      return switch (this) {
        case COMPARATOR_BLOCKS_FOREVER -> (p, s) -> {
          gate.block();
          return Comparison.match();
        };
        case COMPARATOR_THROWS -> (p, s) -> {
          throw new IllegalStateException("comparator failed");
        };
        case COMPARATOR_IS_SLOW -> (p, s) -> {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
          return Comparison.of(p.equals(s));
        };
        default -> null;
      };
    }

    /** A second sink next to the in-memory one, or {@code null}. */
    ShadowSink sink(Gate gate) {
      return switch (this) {
        case SINK_THROWS -> record -> {
          throw new IllegalStateException("sink failed");
        };
        case SINK_BLOCKS_FOREVER -> record -> gate.block();
        case SINK_IS_SLOW -> record -> LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        default -> null;
      };
    }

    private static int recurseForever(int n) {
      return recurseForever(n + 1) + 1;
    }
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void productionIsUntouchedAndEveryCopyIsAccountedFor(Fault fault) throws Exception {
    String endpoint = "fault-" + fault.name().toLowerCase().replace('_', '-');
    Gate gate = new Gate(new CountDownLatch(1), new CountDownLatch(1));
    InMemorySink sink = ShadowSink.inMemory();
    EndpointConfig.Builder<Integer, Integer> config = EndpointConfig.<Integer, Integer>builder(endpoint)
        .production(Variant.<Integer, Integer>builder("prod", in -> {
          if (in % 10 == 0) {
            throw PRODUCTION_FAILURE;
          }
          return in * 2;
        }).build())
        .shadow(Variant.builder("faulty", fault.shadow(gate))
            .comparator(fault.comparator(gate))
            .timeout(fault.blocksWorker() ? BLOCKING_TIMEOUT : GENEROUS_TIMEOUT)
            .maxConcurrency(FAULTY_MAX_CONCURRENCY)
            .build())
        .shadow(Variant.<Integer, Integer>builder("healthy", in -> in * 2)
            .timeout(GENEROUS_TIMEOUT)
            .maxConcurrency(Variant.MAX_CONCURRENCY_LIMIT)
            .build())
        .workerThreads(WORKERS)
        .queueCapacity(2 * TOTAL) // never full: every rejection below is the faulty variant's limit
        .sinkBufferCapacity(4 * TOTAL) // the in-memory sink never drops: records match counters
        .closeTimeout(CLOSE_TIMEOUT)
        .sink(sink);
    ShadowSink faultySink = fault.sink(gate);
    if (faultySink != null) {
      config.sink(faultySink);
    }
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(config.build());
    try {
      FaultSupport.runCallers(CALLERS, caller -> {
        for (int i = 0; i < CALLS_PER_CALLER; i++) {
          int in = caller * CALLS_PER_CALLER + i;
          try {
            assertThat(router.predict(in)).isEqualTo(in * 2);
            assertThat(in % 10).isNotZero();
          } catch (IllegalStateException e) {
            assertThat(e).isSameAs(PRODUCTION_FAILURE);
          }
        }
      });
      assertThat(gate.release().getCount())
          .as("every caller finished while the fault was still blocking").isEqualTo(1);
      if (fault.blocks) {
        assertThat(gate.entered().await(Fixtures.WAIT.toMillis(), TimeUnit.MILLISECONDS))
            .as("the fault really blocked").isTrue();
      }
      // The healthy shadow ran every copy while the fault was still in place.
      await().atMost(Fixtures.WAIT)
          .until(() -> router.snapshot().variant("healthy").successes() == TOTAL);
      RouterSnapshot during = router.snapshot();
      assertThat(during.liveThreads())
          .as("threads bounded by workers + the faulty variant's maxAbandonedThreads")
          .isBetween(WORKERS, WORKERS + Variant.DEFAULT_MAX_ABANDONED_THREADS);
    } finally {
      gate.release().countDown();
    }
    Fixtures.awaitQuiescent(router);
    long start = System.nanoTime();
    router.close();
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .as("close() returns within its deadline")
        .isLessThan(CLOSE_TIMEOUT.plusSeconds(2));
    FaultSupport.awaitNoRouterThreads(endpoint);

    RouterSnapshot s = router.snapshot();
    Fixtures.assertAccounting(s);
    assertThat(s.variant("prod").invocations()).isEqualTo(TOTAL);
    assertThat(s.variant("prod").errors()).isEqualTo(TOTAL / 10);
    assertThat(s.variant("healthy").sampled()).isEqualTo(TOTAL);
    assertThat(s.variant("healthy").successes()).isEqualTo(TOTAL);
    RouterSnapshot.VariantStats faulty = s.variant("faulty");
    assertThat(faulty.sampled()).isEqualTo(TOTAL);
    assertThat(faulty.rejected()).isEqualTo(faulty.rejected(RejectReason.CONCURRENCY_LIMIT)
        + faulty.rejected(RejectReason.QUARANTINED));
    assertThat(faulty.invocations()).isPositive();
    if (fault == Fault.COMPARATOR_BLOCKS_FOREVER) {
      // copies whose production call failed are not compared, so they succeed
      assertThat(faulty.timeouts()).isPositive();
      assertThat(faulty.timeouts() + faulty.successes()).isEqualTo(faulty.invocations());
    } else {
      assertThat(faulty.count(fault.outcome)).isEqualTo(faulty.invocations());
    }
    assertRecordsMatchCounters(s, sink, fault);
  }

  /** Every sampled copy, and production's side of every sampled request, is exactly one record. */
  private static void assertRecordsMatchCounters(RouterSnapshot s, InMemorySink sink, Fault fault) {
    assertThat(s.sinks().get(0).dropped()).as("the in-memory sink kept up").isZero();
    for (String variant : new String[] {"prod", "healthy", "faulty"}) {
      assertThat(Fixtures.copies(sink.records(variant))).as("records of %s", variant)
          .isEqualTo(s.variant(variant).sampled());
    }
    for (Outcome o : Outcome.values()) {
      assertThat(Fixtures.copies(sink.records(r -> r.variant().equals("faulty")
              && r.outcome() == o)))
          .as("faulty records with outcome %s", o)
          .isEqualTo(s.variant("faulty").count(o));
    }
    if (fault.error != null) {
      assertThat(sink.records(r -> r.variant().equals("faulty") && r.outcome() == Outcome.ERROR))
          .allSatisfy(r -> assertThat(r.errorType()).isEqualTo(fault.error.getName()));
    }
    if (fault == Fault.COMPARATOR_THROWS) {
      Set<String> productionFailed = sink.records(r -> r.role() == Role.PRODUCTION
              && r.outcome() == Outcome.ERROR).stream()
          .map(ShadowRecord::requestId).collect(Collectors.toSet());
      long bothSucceeded = sink.records(r -> r.variant().equals("faulty")
          && r.outcome() == Outcome.SUCCESS && !productionFailed.contains(r.requestId())).size();
      assertThat(s.variant("faulty").comparatorErrors())
          .as("every copy where both sides succeeded reached the throwing comparator")
          .isPositive()
          .isEqualTo(bothSucceeded);
    }
    if (s.sinks().size() > 1) {
      RouterSnapshot.SinkStats second = s.sinks().get(1);
      assertThat(second.emitted()).isEqualTo(s.sinks().get(0).emitted());
      if (fault == Fault.SINK_THROWS) {
        assertThat(second.failed()).isEqualTo(second.emitted());
      }
    }
  }
}
