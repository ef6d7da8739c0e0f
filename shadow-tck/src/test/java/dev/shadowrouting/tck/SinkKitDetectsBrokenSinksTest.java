package dev.shadowrouting.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The sink kit must fail a sink that breaks its contract, each break caught by the check meant for
 * it, and pass a correct one (the built-in sinks' tests show that). Each broken sink is otherwise
 * correct: a synchronized list it can read back.
 */
class SinkKitDetectsBrokenSinksTest {

  @Test
  void aCorrectSinkPassesEveryCheck() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Correct.class);
    assertThat(checks).hasSize(16);
    assertThat(checks.values()).allSatisfy(c -> assertThat(c.passed()).as(c.toString()).isTrue());
  }

  @Test
  void lostUpdatesUnderConcurrencyFailTheThreadSafetyChecks() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Racy.class);
    assertFailed(checks, "concurrentAccept", "lost");
    assertFailed(checks, "concurrentAcceptAndFlush", "lost");
    assertThat(checks.get("flushIsIdempotent").passed()).isTrue(); // one thread: no race
  }

  @Test
  void aFlushThatRedeliversFailsTheFlushChecks() {
    Map<String, KitRunner.Check> checks = KitRunner.run(Duplicating.class);
    assertFailed(checks, "flushIsIdempotent", "duplicated");
    assertFailed(checks, "acceptAfterFlush", "duplicated");
  }

  @Test
  void aSinkThatPrintsPayloadsFailsThePayloadCheck() {
    assertFailed(KitRunner.run(PayloadPrinting.class), "noPayloadsInToStringOrName",
        "toString() of the sink");
  }

  @Test
  void aSinkThatClearsTheInterruptStatusFailsTheInterruptCheck() {
    assertFailed(KitRunner.run(InterruptClearing.class), "interruptedCaller",
        "interrupt status");
  }

  @Test
  void aSinkThatBlocksOnAnInterruptedThreadFailsWithinTheTimeout() {
    assertFailed(KitRunner.run(HangingWhenInterrupted.class), "interruptedCaller",
        "did not return within");
  }

  @Test
  void aSinkThatThrowsAfterCloseFailsTheCloseChecks() {
    Map<String, KitRunner.Check> checks = KitRunner.run(ThrowingAfterClose.class);
    assertFailed(checks, "closeIsIdempotent", "already closed");
    assertFailed(checks, "acceptAfterClose", "UncheckedIOException");
  }

  @Test
  void aBlankNameFailsTheNameCheck() {
    assertFailed(KitRunner.run(BlankName.class), "nameIsNotBlank", "name()");
  }

  @Test
  void aSinkThatDropsRecordsOfAnotherEndpointFailsTheAttachmentCheck() {
    Map<String, KitRunner.Check> checks = KitRunner.run(OneEndpointOnly.class);
    assertFailed(checks, "acceptAcrossAttachments", "lost");
    assertThat(checks.get("worksInsideARouter").passed()).isTrue(); // a router attaches once
  }

  @Test
  void aCountingSinkThatIgnoresAggregatedCountsFailsTheEveryKindCheck() {
    Map<String, KitRunner.Check> checks = KitRunner.run(IgnoresCount.class);
    assertFailed(checks, "acceptsEveryKindOfRecord", "copies, the sink counts");
    assertThat(checks.get("concurrentAccept").passed()).isTrue(); // every other record counts 1
  }

  @Test
  void misusingTheRoutersContextFailsTheAttachChecks() {
    Map<String, KitRunner.Check> checks = KitRunner.run(MisusesContext.class);
    assertFailed(checks, "attachDetachWithoutRecords", "Context.failed");
    assertFailed(checks, "concurrentLifecycle", "Context.failed");
  }

  static void assertFailed(Map<String, KitRunner.Check> checks, String check, String message) {
    assertThat(checks).containsKey(check);
    KitRunner.Check c = checks.get(check);
    assertThat(c.failed()).as("%s must fail, but %s", check, c.status()).isTrue();
    assertThat(c.message()).as("%s's failure message", check).contains(message);
  }

  // ---------------------------------------------------------------- the sinks under the kit

  /** Correct: synchronized, read back in full. */
  static class ListSink implements ShadowSink {
    final List<ShadowRecord> records = new ArrayList<>();

    @Override
    public synchronized void accept(ShadowRecord record) {
      records.add(record);
    }

    synchronized List<ShadowRecord> seen() {
      return List.copyOf(records);
    }
  }

  /** Run through {@link KitRunner} only; the tag keeps Surefire from running them directly. */
  @Tag("kit-fixture")
  abstract static class ListSinkKit<S extends ListSink> extends ShadowSinkCompatibilityKit<S> {
    @Override
    protected Optional<List<ShadowRecord>> recordsSeen(S sink) {
      return Optional.of(sink.seen());
    }

    @Override
    protected Duration timeout() {
      return Duration.ofSeconds(10);
    }
  }

  /** Correct, and AutoCloseable so that the close checks run too. */
  static class Correct extends ListSinkKit<Correct.Sink> {
    static final class Sink extends ListSink implements AutoCloseable {
      private boolean closed;

      @Override
      public synchronized void accept(ShadowRecord record) {
        if (!closed) {
          super.accept(record);
        }
      }

      @Override
      public synchronized void close() {
        closed = true;
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  /** Counts with a read-modify-write and a yield in the middle: concurrent accepts lose updates. */
  static class Racy extends ListSinkKit<Racy.Sink> {
    static final class Sink extends ListSink {
      private final ShadowRecord[] slots = new ShadowRecord[1 << 16];
      private volatile int size;

      @Override
      public void accept(ShadowRecord record) {
        int n = size;
        Thread.yield();
        slots[n] = record;
        size = n + 1;
      }

      @Override
      synchronized List<ShadowRecord> seen() {
        return List.copyOf(java.util.Arrays.asList(slots).subList(0, size));
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  /** flush() writes the buffer but forgets to clear it. */
  static class Duplicating extends ListSinkKit<Duplicating.Sink> {
    static final class Sink extends ListSink {
      private final List<ShadowRecord> buffer = new ArrayList<>();

      @Override
      public synchronized void accept(ShadowRecord record) {
        buffer.add(record);
      }

      @Override
      public synchronized void flush() {
        records.addAll(buffer);
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  static class PayloadPrinting extends ListSinkKit<PayloadPrinting.Sink> {
    static final class Sink extends ListSink {
      @Override
      public synchronized String toString() {
        return "last: " + (records.isEmpty() ? "-" : records.get(records.size() - 1).output());
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  static class InterruptClearing extends ListSinkKit<InterruptClearing.Sink> {
    static final class Sink extends ListSink {
      @Override
      public synchronized void accept(ShadowRecord record) {
        Thread.interrupted(); // "handles" the interrupt by forgetting it
        super.accept(record);
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  static class HangingWhenInterrupted extends ListSinkKit<HangingWhenInterrupted.Sink> {
    @Override
    protected Duration timeout() {
      return Duration.ofSeconds(2); // it fails in 2 s, not 10
    }

    static final class Sink extends ListSink {
      @Override
      public void accept(ShadowRecord record) {
        if (Thread.interrupted()) {
          Object never = new Object();
          synchronized (never) {
            try {
              never.wait(); // until the kit gives up and interrupts it again
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }
        super.accept(record);
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  static class ThrowingAfterClose extends ListSinkKit<ThrowingAfterClose.Sink> {
    static final class Sink extends ListSink implements AutoCloseable {
      private final AtomicBoolean closed = new AtomicBoolean();

      @Override
      public synchronized void accept(ShadowRecord record) {
        if (closed.get()) {
          throw new UncheckedIOException(new java.io.IOException("stream closed"));
        }
        super.accept(record);
      }

      @Override
      public void close() {
        if (!closed.compareAndSet(false, true)) {
          throw new IllegalStateException("already closed");
        }
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }

    @Override
    protected void release(Sink sink) {
      // not close(): the kit's own close checks are what this fixture is about
    }
  }

  static class BlankName extends ListSinkKit<BlankName.Sink> {
    static final class Sink extends ListSink {
      @Override
      public String name() {
        return " ";
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  /** A metrics-like sink that counts records, not the copies they stand for. */
  @Tag("kit-fixture")
  static class IgnoresCount extends ShadowSinkCompatibilityKit<IgnoresCount.Sink> {
    static final class Sink implements ShadowSink {
      final java.util.concurrent.atomic.LongAdder seen = new java.util.concurrent.atomic.LongAdder();

      @Override
      public void accept(ShadowRecord record) {
        seen.increment(); // should be seen.add(record.count())
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }

    @Override
    protected java.util.OptionalLong recordCount(Sink sink) {
      return java.util.OptionalLong.of(sink.seen.sum());
    }
  }

  /** Reports a failure without a cause. */
  static class MisusesContext extends ListSinkKit<MisusesContext.Sink> {
    static final class Sink extends ListSink {
      @Override
      public void onAttach(ShadowSink.Context context) {
        context.failed(null, -1);
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }

  /** Keeps only the records of the first endpoint it was attached to. */
  static class OneEndpointOnly extends ListSinkKit<OneEndpointOnly.Sink> {
    static final class Sink extends ListSink {
      private String endpoint;

      @Override
      public synchronized void onAttach(String endpoint,
          java.util.function.Supplier<dev.shadowrouting.RouterSnapshot> snapshot) {
        if (this.endpoint == null) {
          this.endpoint = endpoint;
        }
      }

      @Override
      public synchronized void accept(ShadowRecord record) {
        if (endpoint != null && !endpoint.equals(record.endpoint())) {
          return;
        }
        super.accept(record);
      }

      @Override
      public synchronized void onDetach(String endpoint) {
        this.endpoint = "detached";
      }
    }

    @Override
    protected Sink createSink() {
      return new Sink();
    }
  }
}
