package dev.shadowrouting.internal.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Creates named daemon threads {@code shadow-<endpoint>-<role>-<n>}. Thread-safe. */
public final class NamedThreads implements ThreadFactory {
  private final String prefix;
  private final AtomicInteger counter = new AtomicInteger();

  public NamedThreads(String endpoint, String role) {
    this.prefix = "shadow-" + endpoint + "-" + role + "-";
  }

  @Override
  public Thread newThread(Runnable r) {
    Thread t = new Thread(r, prefix + counter.incrementAndGet());
    t.setDaemon(true);
    return t;
  }
}
