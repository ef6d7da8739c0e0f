package dev.shadowrouting.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shadowrouting.ContextPropagator;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Request;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.jspecify.annotations.Nullable;

/**
 * The compatibility kit for a {@link ShadowSink}: extend it in your test sources, implement
 * {@link #createSink()} and, if your sink can tell what it received, one of {@link
 * #recordsSeen}, {@link #requestIdsSeen} or {@link #recordCount}; JUnit runs every check below
 * against your sink.
 *
 * <pre>{@code
 * class KafkaSinkCompatibilityTest extends ShadowSinkCompatibilityKit<KafkaSink> {
 *   protected KafkaSink createSink() { return new KafkaSink(testProducer()); }
 *   protected Optional<List<String>> requestIdsSeen(KafkaSink sink) {
 *     return Optional.of(testProducer().sentKeys());
 *   }
 * }
 * }</pre>
 *
 * <p><b>What the kit demands</b> (one check each). For a sink that implements none of the three
 * read-back hooks the kit still makes every call and demands that none throws or hangs, but cannot
 * check what was seen: then the checks for lost and duplicated records prove much less, so
 * implement a hook if your sink can be read back at all.
 *
 * <ul>
 *   <li>{@code name()} is non-blank, has no line breaks and is the same on every call;
 *       {@code contextPropagators()} is non-null without null elements.
 *   <li>{@code accept} takes every shape of record the router produces (every role, outcome and
 *       reject reason; aggregated rejections with a {@link ShadowRecord#count()} above 1 and no
 *       request id; zero and one-day latencies; payloads of many types, one whose {@code toString}
 *       throws) without throwing, and after {@code flush()} all of them have been seen, except that
 *       a record whose payload cannot be serialised may be dropped.
 *   <li>{@code flush()} with nothing accepted, and repeated, throws nothing and makes nothing up;
 *       flushing twice neither loses nor duplicates; {@code accept} after {@code flush} works.
 *   <li>{@code onAttach(Context)}/{@code onDetach} with nothing accepted, {@code onDetach} repeated
 *       or for an endpoint never attached, throw nothing; records are kept before, between and after
 *       the attachments of several endpoints (a sink may serve several routers). The kit attaches
 *       with a {@link ShadowSink.Context} of its own, as a router would; a sink that reports
 *       failures through {@link ShadowSink.Context#failed} must give a non-null cause and a record
 *       count {@code >= 0}.
 *   <li>If the sink is {@link AutoCloseable}: {@code close()} with nothing accepted, and twice, throws
 *       nothing; {@code accept} and {@code flush} after {@code close} return, or throw {@link
 *       IllegalStateException}, and never hang.
 *   <li><b>Thread-safety</b>: {@link #threads()} threads released together by a latch call
 *       {@code accept} {@link #recordsPerThread()} times each: no call throws or hangs, and no record
 *       is lost or duplicated; the same while another thread calls {@code flush()} in a loop; and
 *       while each thread attaches, feeds and detaches its own endpoint.
 *   <li><b>Interrupts</b>: {@code accept} and {@code flush} on a thread whose interrupt status is
 *       set return within {@link #timeout()}, throw nothing and leave the status set (an interrupt
 *       belongs to the thread's owner: the router's delivery thread, not the sink). The record
 *       accepted on that thread may be dropped, but the sink must keep working: every record accepted
 *       afterwards on an ordinary thread is seen.
 *   <li><b>Payloads</b>: after accepting records whose payloads hold a secret, neither {@code
 *       toString()} nor {@code name()} contains it.
 *   <li><b>Inside a router</b>: as the only sink of a router in test mode, every record the router
 *       emits is delivered (none failed or dropped) and, if it can be read back, seen.
 * </ul>
 *
 * <p>"Seen" means what the read-back hooks report after the kit called {@code flush()}: the
 * contract of {@link ShadowSink#flush()} is that it makes delivered records durable or visible.
 * Every test uses a new sink from {@link #createSink()}; the kit releases it afterwards with {@link
 * #release}. Each check runs its calls on threads the kit owns and fails, naming where they are
 * stuck, if they do not finish within {@link #timeout()}.
 *
 * <p>Each check is a public method, so a subclass can override one, annotated
 * {@code @Test @Disabled("why")}, for a limitation it documents; never to hide a failure silently.
 *
 * <p>Thread-safety: JUnit creates one instance of the subclass per test method and calls it from
 * one thread; the kit calls the sink, and the read-back hooks, from threads of its own, so the hooks
 * must be thread-safe like the sink.
 *
 * @param <S> the type of the sink under test
 */
public abstract class ShadowSinkCompatibilityKit<S extends ShadowSink> {

  private final List<S> created = new ArrayList<>();
  private final List<KitContext> contexts = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final AtomicLong ids = new AtomicLong();

  /** A new sink, as your users would build it. Called at the start of each test (twice in one). */
  protected abstract S createSink() throws Exception;

  /**
   * The records {@code sink} has seen since it was created, in any order, one entry per record
   * (read back from where the sink put them). The kit calls it after {@code flush()}. Default:
   * empty, meaning "this sink cannot tell"; implement it, or {@link #requestIdsSeen} or {@link
   * #recordCount}, to enable the checks for lost and duplicated records. Records returned here are
   * also checked field by field against what was sent (endpoint, request id, variant, role,
   * outcome, reject reason, count, comparison result).
   */
  protected Optional<List<ShadowRecord>> recordsSeen(S sink) throws Exception {
    return Optional.empty();
  }

  /**
   * The request ids of the records {@code sink} has seen since it was created, one entry per
   * record ({@code null} for a record without id). Default: taken from {@link #recordsSeen}.
   */
  protected Optional<List<String>> requestIdsSeen(S sink) throws Exception {
    return recordsSeen(sink).map(records -> records.stream().map(ShadowRecord::requestId).toList());
  }

  /**
   * For sinks that only count (e.g. metrics): how many copies the records {@code sink} has seen
   * since it was created stand for, that is the sum of their {@link ShadowRecord#count()} (1 for
   * every record but aggregated rejections). Used only when neither {@link #recordsSeen} nor {@link
   * #requestIdsSeen} is implemented. Default: empty, "this sink cannot tell".
   */
  protected OptionalLong recordCount(S sink) throws Exception {
    return OptionalLong.empty();
  }

  /**
   * Frees a sink after its test. Default: {@code close()} if it is {@link AutoCloseable}, which
   * must therefore be idempotent.
   */
  protected void release(S sink) throws Exception {
    if (sink instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /** Threads of the concurrency checks. Default 8. */
  protected int threads() {
    return 8;
  }

  /** Records each thread sends in the concurrency checks. Default 500. */
  protected int recordsPerThread() {
    return 500;
  }

  /** How long any one check may take before it counts as hung. Default 30 s. */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /** The sink under test; the kit releases every sink it creates after the test. */
  protected final S newSink() throws Exception {
    S sink = createSink();
    assertThat(sink).as("createSink() must return a sink").isNotNull();
    created.add(sink);
    return sink;
  }

  @AfterEach
  void releaseSinks() throws Exception {
    List<Throwable> failures = new ArrayList<>();
    for (S sink : created) {
      KitThreads.Result<Object> r = KitThreads.call("release(" + sink.name() + ")", timeout(),
          false, () -> {
            release(sink);
            return null;
          });
      if (r.thrown() != null) {
        failures.add(r.thrown());
      }
    }
    created.clear();
    if (!failures.isEmpty()) {
      throw KitThreads.failure("release(sink) after the test", failures);
    }
    List<String> misuses = new ArrayList<>();
    contexts.forEach(c -> misuses.addAll(c.misuses()));
    contexts.clear();
    assertThat(misuses).as("calls of ShadowSink.Context.failed that broke its contract").isEmpty();
  }

  /** A context to attach a sink with, as a router would; kept to check how the sink used it. */
  private KitContext context(String endpoint) throws Exception {
    KitContext context = new KitContext(endpoint);
    contexts.add(context);
    return context;
  }

  // ---------------------------------------------------------------------------------- identity

  @Test
  @DisplayName("name() is non-blank, single-line and stable")
  public void nameIsNotBlank() throws Exception {
    S sink = newSink();
    String name = sink.name();
    assertThat(name).as("name()").isNotNull().isNotBlank();
    assertThat(name.chars().noneMatch(Character::isISOControl))
        .as("name() \"%s\" is used in thread names and log lines: no line breaks or control"
            + " characters", name)
        .isTrue();
    assertThat(sink.name()).as("name() must not change between calls").isEqualTo(name);
  }

  @Test
  @DisplayName("contextPropagators() is non-null without null elements")
  public void contextPropagatorsAreWellFormed() throws Exception {
    S sink = newSink();
    List<ContextPropagator<?>> propagators = sink.contextPropagators();
    assertThat(propagators).as("contextPropagators()").isNotNull().doesNotContainNull();
  }

  // ---------------------------------------------------------------------------- every record

  @Test
  @DisplayName("accept() takes every shape of record the router produces, and all are seen")
  public void acceptsEveryKindOfRecord() throws Exception {
    S sink = newSink();
    String prefix = prefix("every-kind");
    List<ShadowRecord> all = TckRecords.everyKind(prefix);
    List<ShadowRecord> required = new ArrayList<>();
    List<ShadowRecord> optional = new ArrayList<>();
    for (ShadowRecord r : all) {
      KitThreads.callOrFail("accept(" + r + ")", timeout(), () -> {
        sink.accept(r);
        return null;
      });
      (r.input() instanceof TckRecords.Hostile || r.output() instanceof TckRecords.Hostile
          ? optional : required).add(r);
    }
    assertSeen("every kind of record", sink, required, optional);
  }

  // --------------------------------------------------------------------------------- flush

  @Test
  @DisplayName("flush() with nothing accepted throws nothing, can be repeated, makes nothing up")
  public void flushWithNothingAccepted() throws Exception {
    S sink = newSink();
    KitThreads.callOrFail("flush() of a new sink", timeout(), () -> {
      sink.flush();
      sink.flush();
      return null;
    });
    assertSeen("a sink that was only flushed", sink, List.of(), List.of());
  }

  @Test
  @DisplayName("flush() twice neither loses nor duplicates records")
  public void flushIsIdempotent() throws Exception {
    S sink = newSink();
    List<ShadowRecord> sent = TckRecords.records(prefix("flush-twice"), TckRecords.KINDS);
    KitThreads.callOrFail("accept() then flush() twice", timeout(), () -> {
      sent.forEach(sink::accept);
      sink.flush();
      sink.flush();
      return null;
    });
    assertSeen("records flushed twice", sink, sent, List.of());
  }

  @Test
  @DisplayName("accept() after flush() works")
  public void acceptAfterFlush() throws Exception {
    S sink = newSink();
    List<ShadowRecord> first = TckRecords.records(prefix("before-flush"), 3);
    List<ShadowRecord> second = TckRecords.records(prefix("after-flush"), 4);
    KitThreads.callOrFail("accept(), flush()", timeout(), () -> {
      first.forEach(sink::accept);
      sink.flush();
      return null;
    });
    assertSeen("records accepted before the first flush()", sink, first, List.of());
    KitThreads.callOrFail("accept() after flush()", timeout(), () -> {
      second.forEach(sink::accept);
      sink.flush();
      return null;
    });
    List<ShadowRecord> both = new ArrayList<>(first);
    both.addAll(second);
    assertSeen("records accepted before and after flush()", sink, both, List.of());
  }

  // ------------------------------------------------------------------------- attach / detach

  @Test
  @DisplayName("onAttach/onDetach with nothing accepted, onDetach repeated or unknown: no exception")
  public void attachDetachWithoutRecords() throws Exception {
    S sink = newSink();
    String endpoint = prefix("attach");
    KitThreads.callOrFail("onAttach, onDetach, onDetach, onDetach(unknown)", timeout(), () -> {
      sink.onAttach(context(endpoint));
      sink.onDetach(endpoint);
      sink.onDetach(endpoint);
      sink.onDetach(prefix("never-attached"));
      sink.flush();
      return null;
    });
    assertSeen("a sink attached and detached without records", sink, List.of(), List.of());
  }

  @Test
  @DisplayName("records are kept before, between and after attachments of several endpoints")
  public void acceptAcrossAttachments() throws Exception {
    S sink = newSink();
    String a = prefix("endpoint-a");
    String b = prefix("endpoint-b");
    List<ShadowRecord> sent = new ArrayList<>();
    KitThreads.callOrFail("a sink shared by two routers", timeout(), () -> {
      sink.onAttach(context(a));
      send(sink, sent, a, 0, 5);
      sink.onAttach(context(b));
      send(sink, sent, b, 5, 5);
      send(sink, sent, a, 10, 5);
      sink.onDetach(a);
      send(sink, sent, b, 15, 5);
      sink.onDetach(b);
      send(sink, sent, a, 20, 5); // a record that was in flight when its router detached
      sink.flush();
      return null;
    });
    assertSeen("records around onAttach/onDetach of two endpoints", sink, sent, List.of());
  }

  // ---------------------------------------------------------------------------------- close

  @Test
  @DisplayName("close() (if AutoCloseable) with nothing accepted, and twice: no exception")
  public void closeIsIdempotent() throws Exception {
    S sink = newSink();
    assumeTrue(sink instanceof AutoCloseable, "the sink is not AutoCloseable");
    AutoCloseable closeable = (AutoCloseable) sink;
    KitThreads.callOrFail("close() twice", timeout(), () -> {
      closeable.close();
      closeable.close();
      return null;
    });
    S used = newSink();
    KitThreads.callOrFail("accept(), flush(), close() twice", timeout(), () -> {
      TckRecords.records(prefix("closed"), 3).forEach(used::accept);
      used.flush();
      ((AutoCloseable) used).close();
      ((AutoCloseable) used).close();
      return null;
    });
  }

  @Test
  @DisplayName("accept()/flush() after close() return or throw IllegalStateException, never hang")
  public void acceptAfterClose() throws Exception {
    S sink = newSink();
    assumeTrue(sink instanceof AutoCloseable, "the sink is not AutoCloseable");
    KitThreads.callOrFail("close()", timeout(), () -> {
      ((AutoCloseable) sink).close();
      return null;
    });
    ShadowRecord late = TckRecords.record(1, prefix("after-close"));
    KitThreads.Result<Object> accept = KitThreads.call("accept() after close()", timeout(), false,
        () -> {
          sink.accept(late);
          return null;
        });
    assertOnlyIllegalState("accept() after close()", accept.thrown());
    KitThreads.Result<Object> flush = KitThreads.call("flush() after close()", timeout(), false,
        () -> {
          sink.flush();
          return null;
        });
    assertOnlyIllegalState("flush() after close()", flush.thrown());
  }

  // ---------------------------------------------------------------------------- concurrency

  @Test
  @DisplayName("concurrent accept() from N threads loses and duplicates nothing")
  public void concurrentAccept() throws Exception {
    S sink = newSink();
    List<List<ShadowRecord>> perThread = perThread("concurrent");
    KitThreads.race("concurrent accept()", threads(), timeout(),
        t -> perThread.get(t).forEach(sink::accept));
    assertSeen("records accepted by " + threads() + " threads at once", sink, flat(perThread),
        List.of());
  }

  @Test
  @DisplayName("concurrent accept() while another thread calls flush() in a loop")
  public void concurrentAcceptAndFlush() throws Exception {
    S sink = newSink();
    int acceptors = Math.max(1, threads() - 1);
    List<List<ShadowRecord>> perThread = perThread("flushing", acceptors);
    CountDownLatch acceptorsLeft = new CountDownLatch(acceptors);
    AtomicLong flushes = new AtomicLong();
    KitThreads.race("concurrent accept() and flush()", acceptors + 1, timeout(), t -> {
      if (t == acceptors) {
        do {
          sink.flush();
          flushes.incrementAndGet();
        } while (acceptorsLeft.getCount() > 0);
      } else {
        try {
          perThread.get(t).forEach(sink::accept);
        } finally {
          acceptorsLeft.countDown();
        }
      }
    });
    assertThat(flushes.get()).as("flushes that overlapped the accepts").isPositive();
    assertSeen("records accepted while another thread flushed", sink, flat(perThread), List.of());
  }

  @Test
  @DisplayName("concurrent onAttach/accept/onDetach, each thread its own endpoint")
  public void concurrentLifecycle() throws Exception {
    S sink = newSink();
    int perThread = Math.max(1, recordsPerThread() / 10);
    String prefix = prefix("lifecycle");
    List<List<ShadowRecord>> sent = new ArrayList<>();
    List<KitContext> attachments = new ArrayList<>(); // made before the race, which they would slow
    for (int t = 0; t < threads(); t++) {
      List<ShadowRecord> mine = new ArrayList<>();
      String endpoint = prefix + "-endpoint-" + t;
      for (int i = 0; i < perThread; i++) {
        mine.add(TckRecords.record(i, endpoint, endpoint + "-" + i));
      }
      sent.add(mine);
      attachments.add(context(endpoint));
    }
    KitThreads.race("concurrent onAttach/accept/onDetach", threads(), timeout(), t -> {
      KitContext context = attachments.get(t);
      sink.onAttach(context);
      sent.get(t).forEach(sink::accept);
      sink.onDetach(context.endpoint());
    });
    assertSeen("records of endpoints attached and detached concurrently", sink, flat(sent),
        List.of());
  }

  // ----------------------------------------------------------------------------- interrupts

  @Test
  @DisplayName("accept()/flush() on an interrupted thread return, keep the interrupt status;"
      + " the sink keeps working")
  public void interruptedCaller() throws Exception {
    S sink = newSink();
    ShadowRecord interrupted = TckRecords.record(1, prefix("interrupted"));
    KitThreads.Result<Object> accept = KitThreads.call("accept() on an interrupted thread",
        timeout(), true, () -> {
          sink.accept(interrupted);
          return null;
        });
    assertNothingThrown("accept() on an interrupted thread", accept.thrown());
    assertThat(accept.interruptedAfter())
        .as("accept() cleared the calling thread's interrupt status; a sink must leave it set")
        .isTrue();
    KitThreads.Result<Object> flush = KitThreads.call("flush() on an interrupted thread",
        timeout(), true, () -> {
          sink.flush();
          return null;
        });
    assertNothingThrown("flush() on an interrupted thread", flush.thrown());
    assertThat(flush.interruptedAfter())
        .as("flush() cleared the calling thread's interrupt status; a sink must leave it set")
        .isTrue();

    List<ShadowRecord> after = TckRecords.records(prefix("after-interrupt"), TckRecords.KINDS);
    KitThreads.callOrFail("accept() after an interrupted call", timeout(), () -> {
      after.forEach(sink::accept);
      return null;
    });
    assertSeen("records accepted after a call on an interrupted thread (that one record may be"
        + " dropped)", sink, after, List.of(interrupted));
  }

  // ------------------------------------------------------------------------------- payloads

  @Test
  @DisplayName("toString() and name() never show payloads")
  public void noPayloadsInToStringOrName() throws Exception {
    S sink = newSink();
    String secret = secret();
    KitThreads.callOrFail("accept() of records with payloads", timeout(), () -> {
      for (int i = 0; i < TckRecords.KINDS; i++) {
        sink.accept(TckRecords.withSecret(i, prefix("payload") + "-" + i, secret));
      }
      sink.flush();
      return null;
    });
    assertThat(String.valueOf(sink)).as("toString() of the sink").doesNotContain(secret);
    assertThat(sink.name()).as("name() of the sink").doesNotContain(secret);
  }

  // -------------------------------------------------------------------------- inside a router

  @Test
  @DisplayName("as a router's sink, every record the router emits is delivered and seen")
  public void worksInsideARouter() throws Exception {
    S sink = newSink();
    int requests = 200;
    String endpoint = prefix("router");
    ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder(endpoint)
            .production(Variant.builder(TckRecords.PRODUCTION, Predictor.<Integer, Integer>of(
                x -> x * 2)).build())
            .shadow(Variant.builder(TckRecords.SHADOW, Predictor.<Integer, Integer>of(
                x -> x % 7 == 0 ? x : x * 2)).timeout(timeout()).build())
            .sink(sink)
            .sinkBufferCapacity(4 * requests)
            .closeTimeout(timeout())
            .testMode(true)
            .build());
    List<String> ids = new ArrayList<>();
    KitThreads.callOrFail("a router delivering to the sink", timeout().multipliedBy(2), () -> {
      try (router) {
        for (int i = 0; i < requests; i++) {
          String id = endpoint + "-" + i;
          router.predict(i, Request.builder().requestId(id).build());
          ids.add(id); // one production and one shadow record per request
          ids.add(id);
        }
      }
      return null;
    });
    RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
    assertThat(stats.failed()).as("records the sink threw on (%s)", stats).isZero();
    assertThat(stats.dropped()).as("records dropped (%s)", stats).isZero();
    assertThat(stats.delivered()).as("records delivered (%s)", stats).isEqualTo(2L * requests);
    assertIdsSeen("records a router delivered", sink, ids, List.of(), ids.size(), 0);
  }

  // -------------------------------------------------------------------------------- helpers

  /** A string the kit puts in payloads and looks for where payloads must not appear. */
  static String secret() {
    return "tck-secret-4c7e19a2";
  }

  private String prefix(String test) {
    return "tck-" + test + "-" + ids.incrementAndGet();
  }

  private static void send(ShadowSink sink, List<ShadowRecord> sent, String endpoint, int from,
      int count) {
    for (int i = from; i < from + count; i++) {
      ShadowRecord r = TckRecords.record(i, endpoint, endpoint + "-" + i);
      sink.accept(r);
      sent.add(r);
    }
  }

  private List<List<ShadowRecord>> perThread(String test) {
    return perThread(test, threads());
  }

  private List<List<ShadowRecord>> perThread(String test, int threads) {
    String prefix = prefix(test);
    List<List<ShadowRecord>> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      all.add(TckRecords.records(prefix + "-t" + t, recordsPerThread()));
    }
    return all;
  }

  private static List<ShadowRecord> flat(List<List<ShadowRecord>> lists) {
    List<ShadowRecord> all = new ArrayList<>();
    lists.forEach(all::addAll);
    return all;
  }

  private static void assertNothingThrown(String what, Throwable thrown) {
    if (thrown != null) {
      throw new AssertionError(what + " threw " + thrown, thrown);
    }
  }

  private static void assertOnlyIllegalState(String what, Throwable thrown) {
    if (thrown != null && !(thrown instanceof IllegalStateException)) {
      throw new AssertionError(what + " may return or throw IllegalStateException, but threw "
          + thrown, thrown);
    }
  }

  /**
   * Flushes, then compares what the sink reports with what was sent, as precisely as the hooks
   * allow: whole records, request ids or a count. Does nothing for a sink that cannot tell.
   */
  private void assertSeen(String what, S sink, List<ShadowRecord> required,
      List<ShadowRecord> optional) throws Exception {
    List<String> requiredIds = required.stream().map(ShadowRecord::requestId).toList();
    List<String> optionalIds = optional.stream().map(ShadowRecord::requestId).toList();
    Optional<List<ShadowRecord>> records = readBack("recordsSeen", sink, this::recordsSeen);
    if (records.isPresent()) {
      Seen.assertIds(what, records.get().stream().map(ShadowRecord::requestId).toList(),
          requiredIds, optionalIds);
      assertFaithful(what, records.get(), required, optional);
      return;
    }
    assertIdsSeen(what, sink, requiredIds, optionalIds, copies(required), copies(optional));
  }

  private void assertIdsSeen(String what, S sink, List<String> required, List<String> optional,
      long requiredCopies, long optionalCopies) throws Exception {
    Optional<List<String>> ids = readBack("requestIdsSeen", sink, this::requestIdsSeen);
    if (ids.isPresent()) {
      Seen.assertIds(what, ids.get(), required, optional);
      return;
    }
    Optional<Long> count = readBack("recordCount", sink, s -> {
      OptionalLong c = recordCount(s);
      return c.isPresent() ? Optional.of(c.getAsLong()) : Optional.empty();
    });
    if (count.isPresent()) {
      Seen.assertCount(what, count.get(), requiredCopies, optionalCopies);
    }
  }

  private static long copies(List<ShadowRecord> records) {
    return records.stream().mapToLong(ShadowRecord::count).sum();
  }

  @FunctionalInterface
  private interface Hook<S extends @Nullable Object, T extends @Nullable Object> {
    Optional<T> read(S sink) throws Exception;
  }

  private <T> Optional<T> readBack(String hook, S sink, Hook<S, T> read) {
    return KitThreads.callOrFail("flush() then " + hook + "()", timeout(), () -> {
      sink.flush();
      Optional<T> value = read.read(sink);
      assertThat(value).as(hook + "() must not return null; Optional.empty() means unknown")
          .isNotNull();
      return value;
    });
  }

  private static void assertFaithful(String what, List<ShadowRecord> seen,
      List<ShadowRecord> required, List<ShadowRecord> optional) {
    Map<String, ShadowRecord> sent = new HashMap<>();
    required.forEach(r -> sent.put(key(r), r));
    optional.forEach(r -> sent.put(key(r), r));
    for (ShadowRecord got : seen) {
      ShadowRecord want = sent.get(key(got));
      if (want == null) {
        continue; // Seen.assertIds reported it
      }
      assertThat(describe(got)).as("%s: record %s as the sink reports it", what,
          got.requestId()).isEqualTo(describe(want));
    }
  }

  private static String key(ShadowRecord r) {
    return r.requestId() + "|" + r.endpoint() + "|" + r.variant()
        + (r.requestId() == null ? "|" + r.rejectReason() + "|" + r.count() : "");
  }

  private static String describe(ShadowRecord r) {
    return "endpoint=" + r.endpoint() + ", requestId=" + r.requestId() + ", variant="
        + r.variant() + ", role=" + r.role() + ", outcome=" + r.outcome() + ", rejectReason="
        + r.rejectReason() + ", count=" + r.count() + ", comparison=" + r.comparison().result();
  }
}
