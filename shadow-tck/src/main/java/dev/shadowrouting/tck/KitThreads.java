package dev.shadowrouting.tck;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Runs the code under test on threads the kit owns, with a deadline, so that a call that hangs
 * fails the check instead of the build. Threads are daemons: one stuck in a call that never returns
 * is abandoned (and named in the failure with its stack), never waited for. Stateless and
 * thread-safe.
 */
final class KitThreads {
  private static final AtomicInteger IDS = new AtomicInteger();
  /** Failures listed in full in one assertion message; the rest are counted and suppressed. */
  private static final int MAX_LISTED = 5;

  private KitThreads() {}

  /** Work of one racing thread; {@code thread} is its index in {@code [0, threads)}. */
  @FunctionalInterface
  interface Task {
    void run(int thread) throws Throwable;
  }

  /** One call whose result the kit inspects. */
  @FunctionalInterface
  interface Call<T extends @Nullable Object> {
    T call() throws Throwable;
  }

  /**
   * What one call on a kit thread did: its value or what it threw, and whether the thread's
   * interrupt status was set when it returned.
   */
  record Result<T extends @Nullable Object>(T value, Throwable thrown, boolean interruptedAfter) {}

  /**
   * Starts {@code threads} threads that wait on one latch, releases them at once (so the calls
   * really overlap) and waits for all of them until {@code timeout}.
   *
   * @throws AssertionError if a thread threw (each throwable is attached) or did not finish in time
   */
  static void race(String what, int threads, Duration timeout, Task task) {
    CountDownLatch ready = new CountDownLatch(threads);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(threads);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread thread = newThread("race-" + t, () -> {
        try {
          ready.countDown();
          go.await();
          task.run(id);
        } catch (Throwable e) {
          failures.add(e);
        } finally {
          done.countDown();
        }
      });
      started.add(thread);
      thread.start();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!await(ready, deadline)) {
      throw new AssertionError(what + ": the kit's " + threads + " threads did not start within "
          + timeout);
    }
    go.countDown();
    if (!await(done, deadline)) {
      StringBuilder stuck = new StringBuilder();
      for (Thread thread : started) {
        if (thread.isAlive()) {
          stuck.append('\n').append(stackOf(thread));
          thread.interrupt();
        }
      }
      throw new AssertionError(what + ": not finished within " + timeout
          + " (a call hung or deadlocked); threads still running:" + stuck);
    }
    if (!failures.isEmpty()) {
      throw failure(what, failures);
    }
  }

  /**
   * Runs {@code call} on a new kit thread, first setting that thread's interrupt status if {@code
   * interrupted}, and waits for it until {@code timeout}.
   *
   * @throws AssertionError if it did not return (or throw) within {@code timeout}
   */
  static <T> Result<T> call(String what, Duration timeout, boolean interrupted, Call<T> call) {
    AtomicReference<Result<T>> result = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread thread = newThread("call", () -> {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      T value = null;
      Throwable thrown = null;
      try {
        value = call.call();
      } catch (Throwable e) {
        thrown = e;
      }
      result.set(new Result<>(value, thrown, Thread.currentThread().isInterrupted()));
      done.countDown();
    });
    thread.start();
    if (!await(done, System.nanoTime() + timeout.toNanos())) {
      String stack = stackOf(thread);
      thread.interrupt();
      throw new AssertionError(what + " did not return within " + timeout
          + (interrupted ? " on a thread whose interrupt status was set" : "") + "; it is at:\n"
          + stack);
    }
    return result.get();
  }

  /** Like {@link #call}, on a thread that is not interrupted, failing if the call threw. */
  static <T> T callOrFail(String what, Duration timeout, Call<T> call) {
    Result<T> r = call(what, timeout, false, call);
    if (r.thrown() != null) {
      throw failure(what, List.of(r.thrown()));
    }
    return r.value();
  }

  static AssertionError failure(String what, List<Throwable> failures) {
    StringBuilder message = new StringBuilder(what).append(": ").append(failures.size())
        .append(failures.size() == 1 ? " call threw" : " calls threw");
    for (int i = 0; i < Math.min(MAX_LISTED, failures.size()); i++) {
      message.append("\n  ").append(failures.get(i));
    }
    if (failures.size() > MAX_LISTED) {
      message.append("\n  ... and ").append(failures.size() - MAX_LISTED).append(" more");
    }
    AssertionError error = new AssertionError(message.toString(), failures.get(0));
    for (int i = 1; i < Math.min(MAX_LISTED, failures.size()); i++) {
      error.addSuppressed(failures.get(i));
    }
    return error;
  }

  private static boolean await(CountDownLatch latch, long deadlineNanos) {
    try {
      return latch.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("the test thread was interrupted while waiting", e);
    }
  }

  private static Thread newThread(String role, Runnable body) {
    Thread thread = new Thread(body, "shadow-tck-" + role + "-" + IDS.incrementAndGet());
    thread.setDaemon(true); // a call that never returns must not keep the test JVM alive
    return thread;
  }

  private static String stackOf(Thread thread) {
    StringBuilder sb = new StringBuilder("  \"").append(thread.getName()).append("\" ")
        .append(thread.getState());
    for (StackTraceElement e : thread.getStackTrace()) {
      sb.append("\n    at ").append(e);
    }
    return sb.toString();
  }
}
