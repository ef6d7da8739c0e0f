package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Sinks: off the caller's thread, bounded, guarded, warned once; payloads only on opt-in. */
class SinkDeliveryTest {

  private static final String SECRET = "SECRET-4111-1111-1111-1111";
  @RegisterExtension
  final LogCapture logs = LogCapture.of("dev.shadowrouting");

  @Test
  void sinksAreCalledOffTheCallersThread() throws Exception {
    AtomicReference<Thread> deliveredOn = new AtomicReference<>();
    CountDownLatch delivered = new CountDownLatch(2);
    try (ShadowRouter<Integer, Integer> router = router("off", record -> {
      deliveredOn.set(Thread.currentThread());
      delivered.countDown();
    })) {
      router.predict(1);
      assertThat(delivered.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(deliveredOn.get()).isNotSameAs(Thread.currentThread());
    assertThat(deliveredOn.get().getName()).startsWith("shadow-off-sink-");
  }

  @Test
  void aThrowingSinkIsCountedAndWarnedOnceThenLoggedAtDebug() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ShadowRouter<Integer, Integer> router = router("throwing", record -> {
      calls.incrementAndGet();
      throw new IllegalStateException("sink bug " + SECRET);
    });
    try (router) {
      for (int i = 0; i < 20; i++) {
        assertThat(router.predict(i)).isEqualTo(i);
      }
    }
    RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
    assertThat(stats.emitted()).isEqualTo(40);
    assertThat(stats.failed()).isEqualTo(40);
    assertThat(stats.dropped()).isEqualTo(40);
    assertThat(stats.delivered()).isZero();
    assertThat(calls.get()).isEqualTo(40); // it keeps receiving records
    assertThat(logs.records(Level.WARNING, "endpoint 'throwing'")).hasSize(1);
    assertThat(logs.records(Level.FINE, "endpoint 'throwing'")).hasSize(39);
    assertThat(logs.lines()).noneMatch(line -> line.contains(SECRET));
  }

  @Test
  void aBlockedSinkDropsAndCountsAndNeverBlocksTheCaller() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("blocked")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> in).maxConcurrency(4096).build())
            .queueCapacity(4096)
            .sinkBufferCapacity(10)
            .sink(record -> {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
            .build());
    try (router) {
      for (int i = 0; i < 1_000; i++) {
        router.predict(i);
      }
      Fixtures.awaitQuiescentShadows(router);
      RouterSnapshot.SinkStats s = router.snapshot().sinks().get(0);
      assertThat(s.emitted()).isEqualTo(2_000);
      assertThat(s.pending()).isLessThanOrEqualTo(10);
      assertThat(s.dropped()).isGreaterThanOrEqualTo(2_000 - 11);
      release.countDown();
    }
    Fixtures.assertAccounting(router.snapshot());
  }

  @Test
  void payloadsAreNeverCapturedUnlessTheVariantOptsIn() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<String, String> router = ShadowRouter.create(
        EndpointConfig.<String, String>builder("private")
            .production(Variant.<String, String>builder("p", in -> "answer " + in).build())
            .shadow(Variant.<String, String>builder("s", in -> "answer " + in).build())
            .sink(sink).sink(ShadowSink.logging())
            .build())) {
      router.predict(SECRET);
      sink.awaitRecords(2, Fixtures.WAIT);
    }
    assertThat(sink.records()).allSatisfy(r -> {
      assertThat(r.input()).isNull();
      assertThat(r.output()).isNull();
      assertThat(r.toString()).doesNotContain(SECRET);
    });
  }

  @Test
  void optedInPayloadsPassThroughTheRedactor() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<String, String> router = ShadowRouter.create(
        EndpointConfig.<String, String>builder("redacted")
            .production(Variant.<String, String>builder("p", in -> "answer " + in).build())
            .shadow(Variant.<String, String>builder("s", in -> "answer " + in)
                .capturePayloads(true).build())
            .redactor((field, payload) ->
                field == Redactor.Field.INPUT ? "***" : payload.toString().replace(SECRET, "***"))
            .sink(sink)
            .build())) {
      router.predict(SECRET);
      sink.awaitRecords(2, Fixtures.WAIT);
    }
    ShadowRecord shadow = sink.records("s").get(0);
    assertThat(shadow.input()).isEqualTo("***");
    assertThat(shadow.output()).isEqualTo("answer ***");
    assertThat(shadow.toString()).doesNotContain("***").contains("payloads=<captured>");
    ShadowRecord production = sink.records("p").get(0);
    assertThat(production.input()).as("production did not opt in").isNull();
  }

  @Test
  void aThrowingRedactorDropsThePayloadInsteadOfLeakingIt() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<String, String> router = ShadowRouter.create(
        EndpointConfig.<String, String>builder("bad-redactor")
            .production(Variant.<String, String>builder("p", in -> in).build())
            .shadow(Variant.<String, String>builder("s", in -> in).capturePayloads(true).build())
            .redactor((field, payload) -> {
              throw new IllegalStateException("redactor bug");
            })
            .sink(sink)
            .build())) {
      router.predict(SECRET);
      sink.awaitRecords(2, Fixtures.WAIT);
    }
    assertThat(sink.records("s").get(0).input()).isNull();
    assertThat(sink.records("s").get(0).output()).isNull();
  }

  @Test
  void compositeDeliversToAllEvenWhenOneThrows() throws Exception {
    InMemorySink a = ShadowSink.inMemory();
    InMemorySink b = ShadowSink.inMemory();
    ShadowSink failing = record -> {
      throw new IllegalStateException("x");
    };
    try (ShadowRouter<Integer, Integer> router = router("composite",
        ShadowSink.composite(a, failing, b))) {
      router.predict(1);
      a.awaitRecords(2, Fixtures.WAIT);
      b.awaitRecords(2, Fixtures.WAIT);
      Fixtures.awaitQuiescent(router);
      RouterSnapshot.SinkStats s = router.snapshot().sinks().get(0);
      assertThat(s.name()).isEqualTo("composite(in-memory," + failing.name() + ",in-memory)");
      assertThat(s.failed()).isEqualTo(2);
    }
  }

  @Test
  void theLoggingSinkWritesOneLinePerRecord() throws Exception {
    List<LogRecord> lines;
    try (LogCapture records = LogCapture.of("dev.shadowrouting.records");
        ShadowRouter<Integer, Integer> router = router("logged", ShadowSink.logging())) {
      router.predict(5);
      org.awaitility.Awaitility.await().atMost(Fixtures.WAIT)
          .until(() -> records.records().size() == 2);
      lines = records.records();
    }
    assertThat(lines).extracting(LogRecord::getMessage)
        .anyMatch(m -> m.contains("variant=s") && m.contains("outcome=SUCCESS"))
        .anyMatch(m -> m.contains("variant=p") && m.contains("role=PRODUCTION"));
  }

  @Test
  void sinksAreAttachedFlushedAndDetached() throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    ShadowSink lifecycle = new ShadowSink() {
      @Override
      public void accept(ShadowRecord record) {
        events.add("accept");
      }

      @Override
      public void flush() {
        events.add("flush");
      }

      @Override
      public void onAttach(String endpoint, java.util.function.Supplier<RouterSnapshot> s) {
        events.add("attach " + endpoint + " " + s.get().endpoint());
      }

      @Override
      public void onDetach(String endpoint) {
        events.add("detach " + endpoint);
      }
    };
    try (ShadowRouter<Integer, Integer> router = router("life", lifecycle)) {
      router.predict(1);
    }
    assertThat(events).containsExactly(
        "attach life life", "accept", "accept", "flush", "detach life");
  }

  /** Room for every copy: these tests count records exactly. */
  private static ShadowRouter<Integer, Integer> router(String name, ShadowSink sink) {
    return ShadowRouter.create(EndpointConfig.<Integer, Integer>builder(name)
        .production(Variant.<Integer, Integer>builder("p", in -> in).build())
        .shadow(Variant.<Integer, Integer>builder("s", in -> in).maxConcurrency(4096).build())
        .queueCapacity(4096)
        .sink(sink)
        .build());
  }

  /**
   * A record stuck in a sink's accept when close gives up is claimed as dropped and failed, once:
   * the accept that then fails (here: it honours the interrupt by throwing) counts nothing more.
   */
  @Test
  void anAcceptThatFailsAfterCloseClaimedItsRecordCountsAsFailed() throws Exception {
    CountDownLatch inAccept = new CountDownLatch(1);
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("claimed")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .sink(record -> {
              inAccept.countDown();
              try {
                new CountDownLatch(1).await(); // stuck until close interrupts it
              } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted while writing");
              }
            })
            .closeTimeout(java.time.Duration.ofMillis(200))
            .build());
    router.predict(1);
    assertThat(inAccept.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    router.close();
    org.awaitility.Awaitility.await().atMost(Fixtures.WAIT)
        .until(() -> router.snapshot().sinks().get(0).failed() == 1);
    RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
    assertThat(stats.delivered()).isZero();
    assertThat(stats.dropped()).isEqualTo(stats.emitted()); // claimed once, not twice
    assertThat(stats.failed()).isEqualTo(1);
  }

  /**
   * Which records carry {@code production_variant} (the schema table says so): every record of
   * one request, and not the aggregated rejections, which stand for many requests.
   */
  @Test
  void everyRecordOfOneRequestNamesItsProductionVariantAndAggregatedRejectionsDoNot()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("production-variant")
            .production("v1", in -> in)
            .shadow("v2", in -> in)
            .shadow("stuck", in -> {
              release.await(); // holds its one slot: the next copies are refused
              return in;
            }, v -> v.maxConcurrency(1))
            .sink(sink)
            .build())) {
      for (int i = 0; i < 20; i++) {
        router.predict(i);
      }
      release.countDown();
      assertThat(router.awaitIdle(Fixtures.WAIT)).isTrue();
    }
    List<ShadowRecord> records = sink.records();
    List<ShadowRecord> aggregated = records.stream()
        .filter(r -> r.outcome() == Outcome.REJECTED && r.requestId() == null).toList();
    assertThat(aggregated).isNotEmpty(); // the stuck variant's refused copies
    assertThat(aggregated).allSatisfy(r -> assertThat(r.productionVariant()).isNull());
    List<ShadowRecord> perRequest = records.stream().filter(r -> !aggregated.contains(r)).toList();
    assertThat(perRequest).hasSizeGreaterThanOrEqualTo(40); // production's and v2's, at least
    assertThat(perRequest).allSatisfy(r -> assertThat(r.productionVariant()).isEqualTo("v1"));
  }

  /**
   * A queued copy that close rejects (CLOSED) is a copy of one request: its record names the
   * production variant and the request, unlike an aggregated rejection (the schema table says so).
   */
  @Test
  void aQueuedCopyRejectedByCloseNamesItsProductionVariant() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("closed-in-queue")
            .production("v1", in -> in)
            .shadow("busy", in -> {
              entered.countDown();
              new CountDownLatch(1).await(); // holds the one worker until close interrupts it
              return in;
            })
            .shadow("queued", in -> in)
            .workerThreads(1)
            .sink(sink)
            .closeTimeout(java.time.Duration.ofMillis(300))
            .build());
    router.invoke(1, Request.builder().requestId("req-7").build());
    assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    router.close();
    ShadowRecord closed = sink.records("queued").get(0);
    assertThat(closed.outcome()).isEqualTo(Outcome.REJECTED);
    assertThat(closed.rejectReason()).isEqualTo(RejectReason.CLOSED);
    assertThat(closed.count()).isEqualTo(1);
    assertThat(closed.requestId()).isEqualTo("req-7");
    assertThat(closed.productionVariant()).isEqualTo("v1");
  }

  /**
   * Close races a sink whose accept fails when interrupted (as a write to a closed channel does):
   * close gives up on the record at its deadline and interrupts the sink. That record is counted
   * in {@code failed}, not only in {@code dropped}, by the time close returns: before the fix close
   * claimed it as dropped and returned while the sink thread was still about to count the
   * failure, so a snapshot right after close showed failed 0 of 1 within a few rounds.
   */
  @Test
  void underACloseRaceAFailingAcceptIsCountedAsFailedWhenCloseReturns() throws Exception {
    for (int round = 0; round < 60; round++) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch inAccept = new CountDownLatch(1);
      ShadowRouter<Integer, Integer> router = ShadowRouter.create(
          EndpointConfig.<Integer, Integer>builder("close-race-failed-" + round)
              .production("v1", in -> in)
              .shadow("v2", in -> in)
              .sink(record -> {
                calls.incrementAndGet();
                inAccept.countDown();
                try {
                  new CountDownLatch(1).await(); // a write that hangs until close interrupts it
                } catch (InterruptedException e) {
                  throw new IllegalStateException("interrupted while writing");
                }
              })
              .closeTimeout(java.time.Duration.ofMillis(50))
              .build());
      router.predict(1);
      assertThat(inAccept.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      router.close();
      RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
      assertThat(stats.failed()).as("round %d: %s", round, stats).isEqualTo(calls.get());
      assertThat(stats.delivered()).isZero();
      assertThat(stats.dropped()).isEqualTo(stats.emitted());
      assertThat(stats.pending()).isZero();
    }
  }

  /**
   * Close during traffic against a slow sink that fails every accept: the deadline falls while the
   * sink works through its backlog. When close returns, every accept that ran has been counted as
   * failed (and dropped), and the sink is given no record after close returned.
   */
  @Test
  void closeDuringTrafficCountsEveryFailedAcceptBeforeItReturns() throws Exception {
    for (int round = 0; round < 20; round++) {
      String name = "close-traffic-failed-" + round;
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch busy = new CountDownLatch(50);
      ShadowRouter<Integer, Integer> router = ShadowRouter.create(
          EndpointConfig.<Integer, Integer>builder(name)
              .production("v1", in -> in)
              .shadow("v2", in -> in)
              .sink(record -> {
                calls.incrementAndGet();
                busy.countDown();
                long until = System.nanoTime() + 20_000; // a slow write, then it fails
                while (System.nanoTime() - until < 0) {
                  Thread.onSpinWait();
                }
                throw new IllegalStateException("disk full");
              })
              .closeTimeout(java.time.Duration.ofMillis(20))
              .build());
      java.util.concurrent.atomic.AtomicBoolean closed =
          new java.util.concurrent.atomic.AtomicBoolean();
      Thread caller = new Thread(() -> {
        for (int i = 0; !closed.get(); i++) {
          try {
            router.predict(i);
          } catch (Exception e) {
            throw new AssertionError(e);
          }
        }
      });
      caller.start();
      assertThat(busy.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      router.close();
      RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
      int acceptsBeforeCloseReturned = calls.get();
      closed.set(true);
      caller.join();
      FaultSupport.awaitNoRouterThreads(name);
      // The record close claimed at its deadline was handed to accept before close returned, but
      // the sink's own counter may not have moved yet (the thread was between the hand-off and
      // the counter's increment): it is counted failed by close, and its accept ends later.
      // Beyond that one, no accept may start after close returned.
      assertThat(stats.failed()).as("round %d: %s", round, stats).isEqualTo(calls.get());
      assertThat(calls.get()).as("accepts after close returned")
          .isBetween(acceptsBeforeCloseReturned, acceptsBeforeCloseReturned + 1);
      // Records emitted after close returned (the rejections of the calls that kept coming) are
      // dropped at the sink's door: counted, never accepted, never failed.
      RouterSnapshot.SinkStats after = router.snapshot().sinks().get(0);
      assertThat(after.failed()).isEqualTo(stats.failed());
      assertThat(after.delivered()).isZero();
      assertThat(after.dropped()).isEqualTo(after.emitted());
    }
  }

  /** A sink that confirms delivery later: what it accepted waits in a list to be confirmed. */
  private static final class ConfirmingSink implements ShadowSink {
    final List<ShadowRecord> unconfirmed = new CopyOnWriteArrayList<>();
    final AtomicReference<Context> context = new AtomicReference<>();
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void accept(ShadowRecord record) {
      if (calls.incrementAndGet() == 3) {
        throw new IllegalStateException("serialiser bug"); // never in flight at the sink
      }
      unconfirmed.add(record);
    }

    @Override
    public boolean confirmsDelivery() {
      return true;
    }

    @Override
    public void onAttach(Context context) {
      this.context.set(context);
    }

    /** Confirms (or fails) the first {@code n} unconfirmed records, from another thread. */
    void resolve(int n, boolean ok) throws InterruptedException {
      Thread t = new Thread(() -> {
        for (int i = 0; i < n; i++) {
          unconfirmed.remove(0);
        }
        if (ok) {
          context.get().delivered(n);
        } else {
          context.get().failed(new java.io.IOException("broker said no"), n);
        }
      });
      t.start();
      t.join();
    }
  }

  /**
   * A sink that confirms delivery: a record counts as delivered only once confirmed, a failure as
   * failed and dropped, the router is idle only when nothing is in flight, and what is still in
   * flight when the router closes is dropped, once, however late its confirmation comes.
   */
  @Test
  void aConfirmingSinkCountsDeliveredOnlyOnConfirmation() throws Exception {
    ConfirmingSink sink = new ConfirmingSink();
    ShadowRouter<Integer, Integer> router = router("confirming", sink);
    for (int i = 0; i < 5; i++) {
      router.predict(i); // 10 records: production's and the shadow's
    }
    org.awaitility.Awaitility.await().atMost(Fixtures.WAIT)
        .until(() -> sink.calls.get() == 10);
    RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
    assertThat(stats.delivered()).isZero();
    assertThat(stats.failed()).isEqualTo(1); // the accept that threw
    assertThat(stats.dropped()).isEqualTo(1);
    assertThat(stats.pending()).isEqualTo(9); // in flight
    assertThat(router.awaitIdle(java.time.Duration.ofMillis(50))).isFalse();

    sink.resolve(6, true);
    sink.resolve(1, false);
    stats = router.snapshot().sinks().get(0);
    assertThat(stats.delivered()).isEqualTo(6);
    assertThat(stats.failed()).isEqualTo(2);
    assertThat(stats.dropped()).isEqualTo(2);
    assertThat(stats.pending()).isEqualTo(2);
    assertThat(logs.records(Level.WARNING, "endpoint 'confirming'")).hasSize(2); // each kind once

    router.close(); // two never confirmed
    sink.resolve(2, true); // too late: counted as nothing
    stats = router.snapshot().sinks().get(0);
    assertThat(stats.delivered()).isEqualTo(6);
    assertThat(stats.dropped()).isEqualTo(4);
    assertThat(stats.pending()).isZero();
    assertThat(stats.delivered() + stats.dropped()).isEqualTo(stats.emitted());
  }
}
