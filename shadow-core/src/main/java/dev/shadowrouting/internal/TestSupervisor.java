package dev.shadowrouting.internal;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Ends shadow tests at their deadline (and trips the rejected-rate guard) even when no request
 * arrives: one daemon thread per router ({@code shadow-<endpoint>-tests-<n>}) that checks the
 * running tests every {@link #TICK_NANOS} and exits as soon as none runs, so a router without a
 * running test has no such thread. Reading a test's status or report also checks it, so a
 * controllable clock needs no wait. Thread-safe.
 */
final class TestSupervisor {
  /** Deadlines are kept to about this; the check itself costs a clock read per test. */
  static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");

  private final NamedThreads threads;
  private final Supplier<List<? extends TestRun<?, ?>>> running;
  private final WarnThenDebugLogger failures;
  private Thread thread; // guarded by this
  private boolean stopped; // guarded by this

  TestSupervisor(String endpoint, Supplier<List<? extends TestRun<?, ?>>> running) {
    this.threads = new NamedThreads(endpoint, "tests");
    this.running = running;
    this.failures = new WarnThenDebugLogger(LOG,
        "shadow test supervisor of endpoint '" + endpoint + "' failed");
  }

  /** Starts the thread if a test runs and none is started. */
  synchronized void wake() {
    if (!stopped && thread == null && !running.get().isEmpty()) {
      thread = threads.newThread(this::run);
      thread.start();
    }
  }

  synchronized void stop() {
    stopped = true;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private void run() {
    while (true) {
      for (TestRun<?, ?> t : running.get()) {
        try {
          t.check();
        } catch (Throwable e) {
          failures.log(e);
        }
      }
      synchronized (this) {
        if (stopped || running.get().isEmpty()) {
          thread = null;
          return;
        }
      }
      LockSupport.parkNanos(this, TICK_NANOS);
    }
  }
}
