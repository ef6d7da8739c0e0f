package dev.shadowrouting.internal.pool;

import dev.shadowrouting.RejectReason;
import dev.shadowrouting.internal.util.Joins;
import dev.shadowrouting.internal.util.NamedThreads;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The bounded shadow pool: a fixed number of worker threads polling one bounded lock-free queue,
 * and a watchdog thread that enforces per-call timeouts and does the router's housekeeping.
 *
 * <p>Why not a {@code ThreadPoolExecutor}: its {@code execute} wakes an idle worker, which costs the
 * submitting (caller's) thread a futex call of several microseconds; here the caller only offers to
 * the queue and workers find work by polling with a bounded back-off ({@link Backoff}). Idle
 * workers end up sleeping in {@link Parking}, and the caller wakes one with a single volatile read
 * when one sleeps, so an idle router costs nothing and a busy one pays no wake-up per copy.
 *
 * <p>Timeouts: the watchdog scans the workers' current copies every {@link #WATCHDOG_TICK_NANOS}
 * while any runs (and sleeps when none does). A copy past its timeout is ended as a timeout by the
 * router (which frees its admission slot at once) and its worker is interrupted. A call that
 * honours the interrupt returns within the grace period ({@link #ABANDON_GRACE_NANOS}; a stall of
 * the whole process restarts it, up to {@link #ABANDON_MAX_GRACE_NANOS}) and its worker carries
 * on; only a worker still busy after it is <em>abandoned</em>: a replacement starts
 * so the other variants keep their threads, the abandoned thread exits when its call returns, and
 * the router counts it against the variant's {@code maxAbandonedThreads} (quarantine).
 *
 * <p>Shutdown claims everything it stops (queued copies, copies a worker polled but has not
 * started, running copies) through the same single end of a copy, interrupts the running ones,
 * and never waits for the thread it runs on. Thread-safe. User code never runs while a lock of
 * this class is held: the only monitor (per worker) guards the hand-over of the interrupt.
 */
public final class ShadowExecutor {

  /** What the router does with a copy; every method must not throw. */
  public interface Handler {
    /** Runs the copy on the current worker thread (the call, the comparison, its end). */
    void execute(PoolTask task);

    /** An async copy's stage completed (its result is in the task): compare and end it. */
    void completeAsync(PoolTask task);

    /** The running copy exceeded its timeout: end it as a timeout; true if this call ended it. */
    boolean timeOut(PoolTask task);

    /** The copy will never run: end it as rejected (if nobody ended it already). */
    void reject(PoolTask task, RejectReason reason);

    /** A worker is stuck in {@code task}'s call: true if it may be abandoned and replaced. */
    boolean abandon(PoolTask task);

    /** The call of an abandoned worker returned; the thread exits. */
    void abandonedReturned(PoolTask task);

    /** Periodic work on the watchdog thread (e.g. aggregated records); must be quick. */
    void housekeeping();

    /** True if {@link #housekeeping} wants to run again soon although no copy runs. */
    boolean housekeepingPending();

    /** An unexpected failure inside the router's own code. */
    void internalFailure(Throwable failure);
  }

  public static final long WATCHDOG_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** The watchdog's tick when no copy runs but housekeeping has something to watch. */
  public static final long HOUSEKEEPING_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /** A timed-out call that returns within this after its interrupt keeps its worker. */
  public static final long ABANDON_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  /**
   * A gap between two of the watchdog's scans longer than this (the busy tick is 1 ms) means the
   * process stood still (a GC pause, a starved machine): nobody ran, the interrupted calls
   * included, so their grace starts again rather than running out unseen.
   */
  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** However often the process stalls, a call busy this long after its interrupt is abandoned. */
  static final long ABANDON_MAX_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Handler handler;
  private final BoundedQueue<PoolTask> queue;
  private final Set<Worker> workers = ConcurrentHashMap.newKeySet();
  /** Async copies whose stage is pending: watched for timeouts, not holding a thread. */
  private final Set<PoolTask> asyncRunning = ConcurrentHashMap.newKeySet();
  /**
   * Async copies whose stage completed, waiting for a worker to compare and end them. Not
   * bounded by a capacity of its own: each entry is an async copy in flight, and those are bounded
   * by their variants' maxConcurrency.
   */
  private final java.util.Queue<PoolTask> completions =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final AtomicInteger abandoned = new AtomicInteger();
  private final NamedThreads workerFactory;
  private final Parking idleWorkers = new Parking();
  private final Parking idleWatchdog = new Parking();
  private final Thread watchdog;
  private volatile boolean closing;
  private volatile boolean stopping;
  private volatile boolean drained;

  public ShadowExecutor(String endpoint, int workerThreads, int queueCapacity, Handler handler) {
    this.handler = handler;
    this.queue = new BoundedQueue<>(queueCapacity);
    this.workerFactory = new NamedThreads(endpoint, "worker");
    for (int i = 0; i < workerThreads; i++) {
      startWorker();
    }
    this.watchdog = new NamedThreads(endpoint, "timer").newThread(this::watch);
    watchdog.start();
  }

  private void watch() {
    long lastScan = System.nanoTime();
    while (!stopping) {
      long now = System.nanoTime();
      boolean stalled = now - lastScan > STALL_NANOS;
      lastScan = now;
      boolean busy = false;
      for (Worker w : workers) {
        PoolTask t = w.current;
        if (t == null || w.abandoned) {
          continue;
        }
        busy = true;
        if (stalled && w.timedOut == t) {
          w.graceFromNanos = now; // it could not return while nothing ran: a fresh grace
        }
        // Not only while the predictor runs: a comparator or redactor that blocks after the call
        // returned would otherwise hold this worker forever.
        if (t.isRunning() && now - t.startNanos() >= t.timeoutNanos()) {
          guarded(() -> onTimeout(w, t, now));
        } else if (w.timedOut == t && (now - w.graceFromNanos >= ABANDON_GRACE_NANOS
            || now - w.timedOutAtNanos >= ABANDON_MAX_GRACE_NANOS)) {
          guarded(() -> abandon(w, t));
        }
      }
      for (PoolTask t : asyncRunning) {
        busy = true;
        if (!t.isRunning()) {
          asyncRunning.remove(t);
        } else if (now - t.startNanos() >= t.timeoutNanos()) {
          guarded(() -> timeOutAsync(t));
        }
      }
      guarded(handler::housekeeping);
      if (busy) {
        LockSupport.parkNanos(this, WATCHDOG_TICK_NANOS);
      } else if (handler.housekeepingPending()) {
        LockSupport.parkNanos(this, HOUSEKEEPING_TICK_NANOS);
      } else {
        idleWatchdog.sleep(this::anyCurrent);
      }
    }
  }

  private boolean anyCurrent() {
    if (stopping || handler.housekeepingPending() || !asyncRunning.isEmpty()) {
      return true;
    }
    for (Worker w : workers) {
      if (w.current != null && !w.abandoned) {
        return true;
      }
    }
    return false;
  }

  /** Wakes the watchdog if it sleeps (e.g. housekeeping has work); one volatile read otherwise. */
  public void wakeWatchdog() {
    idleWatchdog.wakeOne();
  }

  /**
   * Wakes the watchdog whatever it waits for, its idle sleep or its next tick (up to {@link
   * #HOUSEKEEPING_TICK_NANOS}): for rare events that housekeeping should act on at once, such as a
   * shadow test that a pool worker ended (its candidate's lanes go at the next housekeeping). An
   * unpark, microseconds; {@link #wakeWatchdog} is the one for the callers' path.
   */
  public void wakeWatchdogNow() {
    LockSupport.unpark(watchdog);
  }

  /** Hands a copy to the pool without blocking; {@code null} if accepted, else why not. */
  public RejectReason submit(PoolTask task) {
    if (closing) {
      return RejectReason.CLOSED;
    }
    if (!queue.offer(task)) {
      return RejectReason.QUEUE_FULL;
    }
    idleWorkers.wakeOne();
    if (drained) { // close() drained the queue while we offered: nobody else will take it
      drainAsClosed();
    }
    return null;
  }

  public int queueDepth() {
    return queue.size();
  }

  public int queueCapacity() {
    return queue.capacity();
  }

  public int liveThreads() {
    return workers.size();
  }

  public int abandonedThreads() {
    return abandoned.get();
  }

  /** Workers asleep in {@link Parking} (for tests of the idle cost). */
  public int sleepingWorkers() {
    return idleWorkers.sleeping();
  }

  /** An async copy's stage is pending: the watchdog watches its timeout. */
  public void asyncStarted(PoolTask task) {
    asyncRunning.add(task);
    idleWatchdog.wakeOne();
  }

  /**
   * An async copy's stage completed, on whatever thread completed it: the result goes to a worker
   * (comparison is user code and must not run on, say, an HTTP client's IO thread).
   */
  public void asyncCompleted(PoolTask task) {
    asyncRunning.remove(task);
    if (task.isRunning()) { // else timed out or closed: the late result is discarded
      completions.offer(task);
      idleWorkers.wakeOne();
      if (stopping) {
        drainCompletions();
      }
    }
  }

  private void timeOutAsync(PoolTask t) {
    asyncRunning.remove(t);
    if (handler.timeOut(t)) {
      java.util.concurrent.Future<?> f = t.future();
      if (f != null) {
        f.cancel(true);
      }
    }
  }

  /** At shutdown, completions no worker will take: ended here (no user code but comparison). */
  private void drainCompletions() {
    PoolTask t;
    while ((t = completions.poll()) != null) {
      PoolTask task = t;
      guarded(() -> handler.timeOut(task));
    }
  }

  /** True if a copy is queued, or one a worker holds has not ended (the calling thread's aside). */
  public boolean busy() {
    if (queue.size() > 0 || !asyncRunning.isEmpty() || !completions.isEmpty()) {
      return true;
    }
    for (Worker w : workers) {
      PoolTask t = w.current;
      if (t != null && !w.abandoned && w.thread != Thread.currentThread()
          && (t.isRunning() || t.isQueued())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Stops intake, lets the workers finish what is queued until {@code deadlineNanos}, then rejects
   * what is still queued or polled but not started, times out what is still running (interrupting
   * it), and stops the threads. Never waits for the calling thread (close from inside a shadow
   * call) and is not cut short by an interrupt of the calling thread (restored on return).
   */
  public void shutdown(long deadlineNanos) {
    closing = true;
    boolean interrupted = Thread.interrupted();
    Worker self = workerOfCurrentThread();
    if (self != null && !self.abandoned) {
      // Close from inside a copy this worker runs: it cannot take the queued copies while it is
      // here, and with one worker nobody else would, so the wait below would last until the
      // deadline. A replacement drains them; this thread exits once its copy returns.
      startWorker();
    }
    while (System.nanoTime() - deadlineNanos < 0 && busy()) {
      LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(200));
      interrupted |= Thread.interrupted();
    }
    stopping = true;
    drained = true;
    drainAsClosed();
    for (PoolTask t : asyncRunning) {
      guarded(() -> timeOutAsync(t));
    }
    drainCompletions();
    for (Worker w : workers) {
      PoolTask t = w.current;
      if (t == null) {
        continue;
      }
      if (t.isQueued()) {
        guarded(() -> handler.reject(t, RejectReason.CLOSED)); // polled, never started
      } else if (!w.abandoned && w.thread != Thread.currentThread()
          && handler.timeOut(t)) {
        w.interruptIfCurrent(t);
      }
    }
    idleWorkers.wakeAll();
    idleWatchdog.wakeAll();
    LockSupport.unpark(watchdog); // it sees `stopping` and exits
    for (Worker w : workers) {
      if (!w.abandoned && w.thread != Thread.currentThread()) {
        interrupted |= Joins.join(w.thread, deadlineNanos);
      }
    }
    interrupted |= Joins.join(watchdog, deadlineNanos);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The copy the calling thread runs if it is one of this pool's workers (a shadow call, a
   * comparator, a redactor or a sink reached from one), else null.
   */
  public PoolTask currentTask() {
    Worker w = workerOfCurrentThread();
    return w == null ? null : w.current;
  }

  private Worker workerOfCurrentThread() {
    Thread me = Thread.currentThread();
    for (Worker w : workers) {
      if (w.thread == me) {
        return w;
      }
    }
    return null;
  }

  private void drainAsClosed() {
    PoolTask t;
    while ((t = queue.poll()) != null) {
      PoolTask task = t;
      guarded(() -> handler.reject(task, RejectReason.CLOSED));
    }
  }

  private void startWorker() {
    Worker w = new Worker();
    w.thread = workerFactory.newThread(w);
    workers.add(w);
    w.thread.start();
  }

  private void onTimeout(Worker worker, PoolTask task, long now) {
    if (handler.timeOut(task)) { // else the call ended in time: its record is written
      worker.timedOutAtNanos = now;
      worker.graceFromNanos = now;
      worker.timedOut = task;
      worker.interruptIfCurrent(task);
    }
  }

  private void abandon(Worker worker, PoolTask task) {
    worker.timedOut = null; // decided once: abandoned and replaced, or left stuck
    if (!handler.abandon(task)) {
      return; // the variant has its maxAbandonedThreads already (quarantined): no replacement
    }
    if (worker.abandonIfCurrent(task)) {
      abandoned.incrementAndGet();
      if (!stopping) {
        startWorker(); // keep workerThreads available to the other variants
      }
    } else {
      handler.abandonedReturned(task); // it returned just now: nothing to replace
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
    /** The copy this worker polled, published before it starts so close and the watchdog see it. */
    volatile PoolTask current;
    volatile boolean abandoned;
    /** The copy the watchdog timed out on this worker, and when (for the grace period). */
    volatile PoolTask timedOut;
    volatile long timedOutAtNanos;
    /** Where its grace counts from: the timeout, or the end of the last stall after it. */
    volatile long graceFromNanos;

    @Override
    public void run() {
      Backoff backoff = new Backoff(idleWorkers);
      try {
        while (true) {
          PoolTask completed = completions.poll(); // async results first: they hold slots
          PoolTask task = completed != null ? completed : queue.poll();
          if (task == null) {
            if (stopping) {
              return;
            }
            backoff.idle(() -> stopping || queue.size() > 0 || !completions.isEmpty());
            continue;
          }
          backoff.reset();
          // Published before the work starts, so close and the watchdog see it (a completion's
          // comparison runs under the copy's timeout too).
          current = task;
          if (completed != null) {
            guarded(() -> handler.completeAsync(completed));
          } else if (drained) {
            guarded(() -> handler.reject(task, RejectReason.CLOSED));
          } else if (task.start()) {
            idleWatchdog.wakeOne();
            guarded(() -> handler.execute(task));
          }
          synchronized (this) {
            current = null;
            Thread.interrupted(); // an interrupt meant for this copy must not hit the next one
          }
          if (abandoned) {
            ShadowExecutor.this.abandoned.decrementAndGet();
            guarded(() -> handler.abandonedReturned(task));
            return; // a replacement took this worker's place
          }
        }
      } finally {
        workers.remove(this);
      }
    }

    synchronized boolean abandonIfCurrent(PoolTask task) {
      if (current != task || abandoned) {
        return false; // the worker finished in the meantime, or was abandoned already
      }
      abandoned = true;
      thread.interrupt();
      return true;
    }

    synchronized void interruptIfCurrent(PoolTask task) {
      if (current == task) {
        thread.interrupt();
      }
    }
  }
}
