package dev.shadowrouting.internal;

import dev.shadowrouting.RejectReason;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Timeouts: one watchdog thread scans the workers' current calls every {@link #WATCHDOG_TICK_NANOS}
 * (so timeouts are enforced to about a millisecond). Scanning a handful of workers costs nothing on
 * the workers' path, where scheduling a timer task per call would cost a lock, an allocation and
 * often a wake-up of the timer thread.
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

  static final long WATCHDOG_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final Handler handler;
  private final int workerThreads;
  private final BoundedQueue<ShadowTask<?, ?>> queue;
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final NamedThreads workerFactory;
  private final Thread watchdog;
  private volatile boolean closing;
  private volatile boolean stopping;
  private volatile boolean drained;

  ShadowExecutor(String endpoint, int workerThreads, int queueCapacity, Handler handler) {
    this.handler = handler;
    this.workerThreads = workerThreads;
    this.queue = new BoundedQueue<>(queueCapacity);
    this.workerFactory = new NamedThreads(endpoint, "worker");
    for (int i = 0; i < workerThreads; i++) {
      startWorker();
    }
    this.watchdog = new NamedThreads(endpoint, "timer").newThread(this::watch);
    watchdog.start();
  }

  private void watch() {
    while (!stopping) {
      long now = System.nanoTime();
      for (Worker w : workers) {
        ShadowTask<?, ?> t = w.current;
        // Not only while the predictor runs: a comparator, redactor or sink offer that blocks
        // after the call returned would otherwise hold this worker forever.
        if (t != null && !w.abandoned && now - t.startNanos >= t.lane.timeoutNanos) {
          guarded(() -> onTimeout(w, t)); // e.g. no thread could be started: keep watching
        }
      }
      LockSupport.parkNanos(this, WATCHDOG_TICK_NANOS);
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
    LockSupport.unpark(watchdog); // it sees `stopping` and exits
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
    if (task.finish(ShadowTask.RUNNING)) { // else the call returned in time: its record is written
      guarded(() -> handler.timedOut(task));
    }
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
      task.startNanos = System.nanoTime(); // before `current` publishes the task to the watchdog
      task.start();
      current = task;
      guarded(() -> handler.execute(task));
      synchronized (this) {
        current = null;
        Thread.interrupted(); // an interrupt meant for this task must not hit the next one
      }
    }

    /** Called by the watchdog after it timed {@code task} out. */
    synchronized boolean abandonIfRunning(ShadowTask<?, ?> task) {
      if (current != task || abandoned) {
        return false; // the worker finished in the meantime, or was abandoned already
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
