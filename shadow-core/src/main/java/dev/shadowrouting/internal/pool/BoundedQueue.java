package dev.shadowrouting.internal.pool;

import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.MpmcArrayQueue;

/**
 * A lock-free, allocation-free bounded queue with an exact capacity. JCTools' ring buffer rounds
 * its size up to a power of two (and needs at least 2); the separate counter keeps the configured
 * bound exact, which is what users read in the configuration and what the memory bound is computed
 * from. {@link #offer} never blocks and never wakes a thread: consumers poll (see {@link Backoff}),
 * because waking a parked thread costs the producer microseconds, the queue offer nanoseconds.
 * Thread-safe for any number of producers and consumers.
 */
public final class BoundedQueue<T> {
  private final MpmcArrayQueue<T> ring;
  private final AtomicInteger size = new AtomicInteger();
  private final int capacity;

  public BoundedQueue(int capacity) {
    this.capacity = capacity;
    this.ring = new MpmcArrayQueue<>(Math.max(2, capacity));
  }

  /** Adds {@code item} unless the queue holds {@code capacity} items already. */
  public boolean offer(T item) {
    if (size.incrementAndGet() > capacity) {
      size.decrementAndGet();
      return false;
    }
    if (!ring.offer(item)) { // cannot happen while size <= capacity <= ring size; stay safe
      size.decrementAndGet();
      return false;
    }
    return true;
  }

  public T poll() {
    T item = ring.poll();
    if (item != null) {
      size.decrementAndGet();
    }
    return item;
  }

  public int size() {
    return Math.max(0, Math.min(capacity, size.get()));
  }

  public int capacity() {
    return capacity;
  }
}
