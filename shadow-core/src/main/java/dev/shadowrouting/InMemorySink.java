package dev.shadowrouting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A sink that keeps records in memory, for tests and demos, with helpers that wait for records
 * without sleeping. Bounded: beyond its capacity records are counted in {@link #overflowed()} and
 * not kept.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class InMemorySink implements ShadowSink {

  static final int DEFAULT_CAPACITY = 100_000;

  private final int capacity;
  private final List<ShadowRecord> records = new ArrayList<>();
  private long overflowed;

  InMemorySink(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be in [1, " + Integer.MAX_VALUE
          + "] but was " + capacity);
    }
    this.capacity = capacity;
  }

  @Override
  public synchronized void accept(ShadowRecord record) {
    if (records.size() >= capacity) {
      overflowed++;
      return;
    }
    records.add(record);
    notifyAll();
  }

  @Override
  public String name() {
    return "in-memory";
  }

  /** A copy of the records received so far, in delivery order. */
  public synchronized List<ShadowRecord> records() {
    return List.copyOf(records);
  }

  /** A copy of the records that match {@code filter}. */
  public synchronized List<ShadowRecord> records(Predicate<? super ShadowRecord> filter) {
    List<ShadowRecord> out = new ArrayList<>();
    for (ShadowRecord r : records) {
      if (filter.test(r)) {
        out.add(r);
      }
    }
    return out;
  }

  /** The records of one variant. */
  public List<ShadowRecord> records(String variant) {
    return records(r -> r.variant().equals(variant));
  }

  public synchronized int size() {
    return records.size();
  }

  /** Records not kept because the sink was full. */
  public synchronized long overflowed() {
    return overflowed;
  }

  public synchronized void clear() {
    records.clear();
    overflowed = 0;
  }

  /**
   * Waits until at least {@code count} records arrived and returns them all.
   *
   * @throws IllegalStateException if they did not arrive within {@code timeout}
   */
  public List<ShadowRecord> awaitRecords(int count, Duration timeout) {
    return await(r -> true, count, timeout);
  }

  /**
   * Waits until at least {@code count} records match {@code filter} and returns the matching ones.
   *
   * @throws IllegalStateException if they did not arrive within {@code timeout}
   */
  public synchronized List<ShadowRecord> await(
      Predicate<? super ShadowRecord> filter, int count, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<ShadowRecord> matching = records(filter);
      if (matching.size() >= count) {
        return matching;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + count
            + " matching records; have " + matching.size() + " of " + records.size());
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for records", e);
      }
    }
  }
}
