package dev.shadowrouting.internal;

import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers records to one sink: a bounded buffer and a dedicated daemon thread
 * ({@code shadow-<endpoint>-sink-<name>-1}). Producers (shadow workers, rarely the caller when it
 * rejects a copy) only offer to the buffer: a full buffer drops and counts, so a slow or blocked
 * sink never applies back-pressure. A sink that throws is counted and logged (warn once, then
 * debug). Accounting: {@code emitted = delivered + dropped + pending}. Thread-safe.
 */
final class SinkChannel implements Runnable {
  private final ShadowSink sink;
  private final String name;
  private final BoundedQueue<ShadowRecord> buffer;
  private final LongAdder emitted = new LongAdder();
  private final LongAdder delivered = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final WarnThenDebugLogger failures;
  private final Thread thread;
  private volatile boolean stopping;
  /** Set when close() returned while this sink was still busy: it gets no further records. */
  private volatile boolean gaveUp;
  private volatile boolean terminated;

  SinkChannel(String endpoint, ShadowSink sink, String name, int capacity) {
    this.sink = sink;
    this.name = name;
    this.buffer = new BoundedQueue<>(capacity);
    this.failures = new WarnThenDebugLogger(System.getLogger("dev.shadowrouting"),
        "sink '" + name + "' of endpoint '" + endpoint + "' threw");
    this.thread = new NamedThreads(endpoint, "sink-" + name).newThread(this);
  }

  void start() {
    thread.start();
  }

  void offer(ShadowRecord record) {
    emitted.increment();
    if (stopping || !buffer.offer(record)) {
      dropped.increment();
      return;
    }
    if (terminated) { // the delivery thread is gone: nobody will take it
      dropPending();
    }
  }

  @Override
  public void run() {
    Backoff backoff = new Backoff();
    try {
      while (true) {
        ShadowRecord r = buffer.poll();
        if (r != null) {
          if (gaveUp) {
            dropped.increment(); // close() is over: drop the backlog instead of delivering late
            break;
          }
          backoff.reset();
          deliver(r);
        } else if (stopping) {
          break;
        } else {
          backoff.idle();
        }
      }
      try {
        sink.flush();
      } catch (Throwable t) {
        failures.log(t);
      }
    } finally {
      terminated = true;
      dropPending();
    }
  }

  private void deliver(ShadowRecord r) {
    try {
      sink.accept(r);
      delivered.increment();
    } catch (Throwable t) {
      failed.increment();
      dropped.increment();
      failures.log(t);
    }
  }

  private void dropPending() {
    while (buffer.poll() != null) {
      dropped.increment();
    }
  }

  /** Asks the thread to deliver what is buffered, flush the sink and stop; waits until the deadline. */
  void stop(long deadlineNanos) {
    stopping = true;
    long left = deadlineNanos - System.nanoTime();
    try {
      thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gaveUp = true;
  }

  /** True when every record emitted so far was delivered or dropped (none buffered or in accept). */
  boolean idle() {
    long e = emitted.sum();
    return buffer.size() == 0 && delivered.sum() + dropped.sum() >= e;
  }

  ShadowSink sink() {
    return sink;
  }

  WarnThenDebugLogger failures() {
    return failures;
  }

  RouterSnapshot.SinkStats snapshot() {
    return new RouterSnapshot.SinkStats(name, emitted.sum(), delivered.sum(), dropped.sum(),
        failed.sum(), buffer.size());
  }
}
