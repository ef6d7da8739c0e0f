package dev.shadowrouting.internal.lanes;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Generates request ids for requests that came without one: a random per-router prefix and a
 * counter ({@code 3f9a1c07-1k}). Unique per router and very likely across routers; cheap (no
 * UUID, no SecureRandom). Only generated where something needs one. Thread-safe.
 */
public final class RequestIds {
  private final String prefix;
  private final AtomicLong counter = new AtomicLong();

  public RequestIds() {
    this.prefix = String.format("%08x-", ThreadLocalRandom.current().nextInt());
  }

  public String next() {
    return prefix + Long.toString(counter.incrementAndGet(), 36);
  }
}
