package dev.shadowrouting;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Helpers shared by the fault, flood, security and soak tests (the latch-based predictors and
 * quiescence waits live in {@link Fixtures}): caller threads that start together, and the router's
 * threads found by name.
 */
final class FaultSupport {

  private FaultSupport() {}

  /** One caller thread's loop; {@code caller} is its index. */
  @FunctionalInterface
  interface CallerLoop {
    void run(int caller) throws Exception;
  }

  /**
   * Runs {@code loop} on {@code callers} threads released together and waits for all of them.
   * A failed assertion in a caller is rethrown here; a caller still running after the wait fails
   * the test (that is "a caller waited on a shadow").
   */
  static void runCallers(int callers, CallerLoop loop) throws Exception {
    runCallers(callers, Fixtures.WAIT, loop);
  }

  /** Like {@link #runCallers(int, CallerLoop)}, for loops that are meant to run {@code within} long. */
  static void runCallers(int callers, Duration within, CallerLoop loop) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    try {
      for (int c = 0; c < callers; c++) {
        int caller = c;
        futures.add(pool.submit(() -> {
          start.await();
          loop.run(caller);
          return null;
        }));
      }
      start.countDown();
      long deadline = System.nanoTime() + within.toNanos();
      for (Future<?> f : futures) {
        try {
          f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new AssertionError("a caller did not finish within " + within
              + ": something made it wait", e);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Live threads whose name starts with {@code shadow-<endpoint>-}. */
  static List<String> routerThreads(String endpoint) {
    String prefix = "shadow-" + endpoint + "-";
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
        .map(Thread::getName)
        .sorted()
        .collect(Collectors.toList());
  }

  /** Waits until every thread the router of {@code endpoint} started has exited. */
  static void awaitNoRouterThreads(String endpoint) {
    await().atMost(Fixtures.WAIT).until(() -> routerThreads(endpoint).isEmpty());
  }
}
