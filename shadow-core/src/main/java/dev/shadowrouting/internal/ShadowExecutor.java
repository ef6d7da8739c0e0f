package dev.shadowrouting.internal;

import dev.shadowrouting.RejectReason;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded shadow pool: a fixed number of worker threads polling one bounded lock-free queue,
 * and a watchdog thread that enforces per-call timeouts.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its {@code execute} wakes an idle worker, which costs the
 * submitting (caller's) thread a futex call of several microseconds; here the caller only offers to
 * the queue and workers find work by polling with a bounded back-off ({@link Backoff}).
 *
 * <p>Hung shadows: when a call exceeds its timeout the watchdog ends the copy as a timeout, interrupts
 * the worker, and if the call keeps running the worker is <em>abandoned</em>: a replacement worker
 * starts so the other variants keep their threads, and the abandoned one exits when its call
 * returns. Each variant holds at most {@code maxConcurrency} copies, so threads are bounded by
 * {@code workerThreads + sum(maxConcurrency)} whatever the shadows do.
 *
 * <p>Thread-safe. User code never runs while a lock of this class is held: the only monitor (per
 * worker) guards the hand-over of the interrupt between a worker and the watchdog.
 */
final class ShadowExecutor {

  /** What the router does with a copy; every method must not throw. */
  interface Handler {
    /** Runs the copy on the current worker thread (the call, the comparison, the record). */
    void execute(ShadowTask<?, ?> task);

    /** The copy, still running, exceeded its timeout; its record must say so. */
    void timedOut(ShadowTask<?, ?> task);

    /** The copy will never run. */
    void rejected(ShadowTask<?, ?> task, RejectReason reason);

    /** An unexpected failure inside the router's own code. */
    void internalFailure(Throwable failure);
  }

  private final Handler handler;
  private final int workerThreads;
  private final BoundedQueue<ShadowTask<?, ?>> queue;
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final NamedThreads workerFactory;
  private final ScheduledThreadPoolExecutor watchdog;
  private volatile boolean closing;
  private volatile boolean stopping;
  private volatile boolean drained;

  ShadowExecutor(String endpoint, int workerThreads, int queueCapacity, Handler handler) {
    this.handler = handler;
    this.workerThreads = workerThreads;
    this.queue = new BoundedQueue<>(queueCapacity);
    this.workerFactory = new NamedThreads(endpoint, "worker");
    this.watchdog = new ScheduledThreadPoolExecutor(1, new NamedThreads(endpoint, "timer"));
    watchdog.setRemoveOnCancelPolicy(true); // cancelled timeouts must not pile up in its queue
    watchdog.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    for (int i = 0; i < workerThreads; i++) {
      startWorker();
    }
  }

  /** Hands a copy to the pool without blocking; {@code null} if accepted, else why not. */
  RejectReason submit(ShadowTask<?, ?> task) {
    if (closing) {
      return RejectReason.CLOSED;
    }
    if (!queue.offer(task)) {
      return RejectReason.QUEUE_FULL;
    }
    if (drained) { // close() drained the queue while we offered: nobody else will take it
      drainAsClosed();
    }
    return null;
  }

  int queueDepth() {
    return queue.size();
  }

  int queueCapacity() {
    return queue.capacity();
  }

  int liveThreads() {
    return workers.size();
  }

  int abandonedThreads() {
    return abandoned.get();
  }

  /**
   * Stops intake, lets the workers finish what is queued until {@code deadlineNanos}, then rejects
   * what is still queued, times out what is still running, and stops the threads.
   */
  void shutdown(long deadlineNanos) {
    closing = true;
    while (System.nanoTime() < deadlineNanos && (queue.size() > 0 || anyRunning())) {
      LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(200));
    }
    stopping = true;
    drained = true;
    drainAsClosed();
    for (Worker w : workers) {
      ShadowTask<?, ?> t = w.current;
      if (t != null && t.finish(ShadowTask.RUNNING)) {
        guarded(() -> handler.timedOut(t));
        w.interruptIfRunning(t);
      }
    }
    watchdog.shutdownNow();
    for (Worker w : workers) {
      if (!w.abandoned) {
        long left = deadlineNanos - System.nanoTime();
        try {
          w.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private boolean anyRunning() {
    for (Worker w : workers) {
      ShadowTask<?, ?> t = w.current;
      if (t != null && t.isRunning()) {
        return true;
      }
    }
    return false;
  }

  private void drainAsClosed() {
    ShadowTask<?, ?> t;
    while ((t = queue.poll()) != null) {
      ShadowTask<?, ?> task = t;
      guarded(() -> handler.rejected(task, RejectReason.CLOSED));
    }
  }

  private void startWorker() {
    Worker w = new Worker();
    w.thread = workerFactory.newThread(w);
    workers.add(w);
    w.thread.start();
  }

  private void onTimeout(Worker worker, ShadowTask<?, ?> task) {
    if (task.finish(ShadowTask.RUNNING)) {
      guarded(() -> handler.timedOut(task));
    }
    // Also when the call itself returned in time: a comparator, redactor or sink offer that is
    // still running on the worker past the timeout would otherwise hold it forever.
    if (worker.abandonIfRunning(task)) {
      abandoned.incrementAndGet();
      if (!stopping) {
        startWorker(); // keep workerThreads available to the other variants
      }
    }
  }

  private void guarded(Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      try {
        handler.internalFailure(t);
      } catch (Throwable ignored) {
        // the failure handler itself failed: nothing sensible is left to do
      }
    }
  }

  private final class Worker implements Runnable {
    Thread thread;
    volatile ShadowTask<?, ?> current;
    volatile boolean abandoned;

    @Override
    public void run() {
      Backoff backoff = new Backoff();
      try {
        while (true) {
          ShadowTask<?, ?> task = queue.poll();
          if (task == null) {
            if (stopping) {
              return;
            }
            backoff.idle();
            continue;
          }
          backoff.reset();
          if (drained) {
            guarded(() -> handler.rejected(task, RejectReason.CLOSED));
            continue;
          }
          runTask(task);
          if (abandoned) {
            ShadowExecutor.this.abandoned.decrementAndGet();
            return; // a replacement took this worker's place
          }
        }
      } finally {
        workers.remove(this);
      }
    }

    private void runTask(ShadowTask<?, ?> task) {
      current = task;
      task.startNanos = System.nanoTime();
      task.start();
      ScheduledFuture<?> timeout = null;
      try {
        timeout = watchdog.schedule(
            () -> onTimeout(this, task), task.lane.timeoutNanos, TimeUnit.NANOSECONDS);
      } catch (RuntimeException rejectedAfterShutdown) {
        // closing: shutdown() times out whatever is still running
      }
      guarded(() -> handler.execute(task));
      if (timeout != null) {
        timeout.cancel(false);
      }
      synchronized (this) {
        current = null;
        Thread.interrupted(); // an interrupt meant for this task must not hit the next one
      }
    }

    /** Called by the watchdog after it timed {@code task} out. */
    synchronized boolean abandonIfRunning(ShadowTask<?, ?> task) {
      if (current != task) {
        return false; // the call returned in the meantime
      }
      abandoned = true;
      thread.interrupt();
      return true;
    }

    synchronized void interruptIfRunning(ShadowTask<?, ?> task) {
      if (current == task) {
        thread.interrupt();
      }
    }
  }
}
