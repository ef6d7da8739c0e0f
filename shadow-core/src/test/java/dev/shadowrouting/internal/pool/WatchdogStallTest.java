package dev.shadowrouting.internal.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.RejectReason;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A process that stands still (a GC pause, a starved machine) must not cost a well-behaved
 * worker its thread: a call interrupted at its timeout cannot return while nothing runs, so a
 * stall after the interrupt gives it a fresh grace instead of abandoning it at the watchdog's next
 * look. The stall is made deterministic: the watchdog's own housekeeping stands still for 100 ms
 * (five graces) while the interrupted call is held, and lets the call go only at the housekeeping
 * after the next scan, the scan that used to abandon it.
 */
class WatchdogStallTest {

  /** A task with a 2 ms timeout; ended once, by the worker or by the timeout. */
  static final class Task implements PoolTask {
    private final AtomicInteger state = new AtomicInteger(); // 0 queued, 1 running, 2 ended
    private volatile long startNanos;

    @Override
    public boolean start() {
      startNanos = System.nanoTime();
      return state.compareAndSet(0, 1);
    }

    boolean end() {
      return state.compareAndSet(1, 2);
    }

    @Override
    public long startNanos() {
      return startNanos;
    }

    @Override
    public long timeoutNanos() {
      return TimeUnit.MILLISECONDS.toNanos(2);
    }

    @Override
    public boolean isRunning() {
      return state.get() == 1;
    }

    @Override
    public boolean isQueued() {
      return state.get() == 0;
    }

    @Override
    public Future<?> future() {
      return null;
    }
  }

  /** The call: sleeps until interrupted, then is held until the stall is over. */
  static class StallingHandler implements ShadowExecutor.Handler {
    final CountDownLatch interrupted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch returned = new CountDownLatch(1);
    final AtomicInteger abandonCalls = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int stall; // watchdog thread only: 0 before, 1 stalled, 2 released

    @Override
    public void execute(PoolTask task) {
      try {
        Thread.sleep(60_000); // the slow call under test; the timeout interrupts it
      } catch (InterruptedException e) {
        interrupted.countDown();
        boolean done = false;
        while (!done) { // a well-behaved call returns as soon as it can run again
          try {
            release.await();
            done = true;
          } catch (InterruptedException again) {
            // the abandonment's interrupt, if it came: the assertion below reports it
          }
        }
      } finally {
        returned.countDown();
      }
    }

    /**
     * The pause under test (not a synchronisation): nothing the watchdog sees moves for {@code
     * millis}; the held call stands for everything that could not run.
     */
    static void standStill(long millis) {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      while (System.nanoTime() - end < 0) {
        LockSupport.parkNanos(end - System.nanoTime());
      }
    }

    @Override
    public void housekeeping() {
      if (interrupted.getCount() > 0) {
        return;
      }
      if (stall == 0) {
        stall = 1;
        standStill(100); // five times the grace
      } else if (stall == 1) {
        stall = 2; // one scan has passed since the pause: the one that used to abandon
        release.countDown();
      }
    }

    @Override
    public boolean timeOut(PoolTask task) {
      return ((Task) task).end();
    }

    @Override
    public boolean abandon(PoolTask task) {
      abandonCalls.incrementAndGet();
      return true;
    }

    @Override
    public void abandonedReturned(PoolTask task) {}

    @Override
    public void completeAsync(PoolTask task) {}

    @Override
    public void reject(PoolTask task, RejectReason reason) {}

    @Override
    public boolean housekeepingPending() {
      return false;
    }

    @Override
    public void internalFailure(Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  @Test
  void aStallAfterTheInterruptGivesTheCallAFreshGrace() throws Exception {
    StallingHandler handler = new StallingHandler();
    ShadowExecutor pool = new ShadowExecutor("stall", 1, 4, handler);
    try {
      assertThat(pool.submit(new Task())).isNull();
      assertThat(handler.returned.await(30, TimeUnit.SECONDS)).as("the call returned").isTrue();
      assertThat(handler.abandonCalls).as("abandon asked for").hasValue(0);
      assertThat(pool.abandonedThreads()).isZero();
      assertThat(pool.liveThreads()).as("workers").isEqualTo(1);
      assertThat(handler.failure).hasValue(null);
    } finally {
      pool.shutdown(System.nanoTime() + Duration.ofSeconds(5).toNanos());
    }
  }

  /** A process that keeps stalling still loses a call that never returns, after the cap. */
  static final class EndlessStalls extends StallingHandler {
    @Override
    public void housekeeping() {
      if (interrupted.getCount() == 0 && release.getCount() > 0) {
        standStill(15); // every look is a stall: the grace alone would restart forever
      }
    }
  }

  @Test
  void aCallStillBusyAtTheCapIsAbandonedHoweverOftenTheProcessStalls() throws Exception {
    EndlessStalls handler = new EndlessStalls();
    ShadowExecutor pool = new ShadowExecutor("stalls", 1, 4, handler);
    try {
      assertThat(pool.submit(new Task())).isNull();
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(handler.abandonCalls).hasValue(1));
      assertThat(pool.abandonedThreads()).isEqualTo(1);
    } finally {
      handler.release.countDown();
      pool.shutdown(System.nanoTime() + Duration.ofSeconds(5).toNanos());
    }
  }
}
