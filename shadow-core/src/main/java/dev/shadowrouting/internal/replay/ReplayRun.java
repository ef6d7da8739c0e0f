package dev.shadowrouting.internal.replay;

import dev.shadowrouting.AsyncPredictor;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.PairedStatistics;
import dev.shadowrouting.PayloadDecoder;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ReplayReport;
import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowReplay.Progress;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.Variant;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.internal.stats.StatisticsCodec;
import dev.shadowrouting.internal.stats.VerdictEngine;
import dev.shadowrouting.internal.tests.TestObservations;
import dev.shadowrouting.internal.tests.TestReports;
import dev.shadowrouting.internal.util.NamedThreads;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One run of a {@code ShadowReplay}. The calling thread is the dispatcher: it reads the source,
 * sorts each entry (malformed, skipped, unreplayable, or to replay), paces, and hands records to
 * {@code parallelism} replay threads, each taking one of as many permits, so at most that many
 * records are decoded, run or held at once whatever the source's size. A replay thread decodes the
 * record, runs production (when re-run) and the candidate back to back, compares, and records the
 * pair in the same {@link TestObservations} a live test records into; the report is built from it
 * by the live test's {@link TestReports}. Not reusable: one instance per run.
 */
public final class ReplayRun<I, O> {
  private static final System.Logger LOG = System.getLogger("dev.shadowrouting.replay");
  /** How long the dispatcher waits for a permit before it looks at the progress again. */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  /** Distinct endpoints named in the skipped counts; the rest share one line. */
  private static final int MAX_ENDPOINT_REASONS = 16;
  private static final int MAX_PRODUCTION_NAMES = 16;

  static final String SHADOW_RECORDS = "shadow records (the candidate stands in for them)";
  static final String NO_INPUT = "no input payload (capture with capturePayloads(true) on the"
      + " production variant)";
  static final String NO_OUTPUT = "no output payload to compare with (capture outputs, or"
      + " re-run production)";

  private final ReplaySource source;
  private final Variant<I, O> candidate;
  private final Variant<I, O> production;
  private final PayloadDecoder<? extends I> inputDecoder;
  private final PayloadDecoder<? extends O> outputDecoder;
  private final OutputComparator<O> comparator;
  private final VerdictRule rule;
  private final VerdictRule givenRule;
  private final String endpointFilter;
  private final int parallelism;
  private final double speed;
  private final long maxRecords;
  private final long progressNanos;
  private final Consumer<? super Progress> listener;
  private final Ticker ticker;

  private final VerdictEngine engine;
  private final WarnThenDebugLogger comparatorFailures;
  private final LongAdder replayed = new LongAdder();
  private final LongAdder productionCompared = new LongAdder();
  private final LongAdder productionDiffered = new LongAdder();
  private final LongAdder comparatorErrors = new LongAdder();
  /** Entries dealt with: counted by the dispatcher, or by a replay thread once its pair is in. */
  private final AtomicLong finished = new AtomicLong();
  private final Map<String, LongAdder> unreplayable = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>(); // guarded by itself
  // the dispatcher's alone
  private final Map<String, Long> skipped = new LinkedHashMap<>();
  private final Set<String> productionNames = new LinkedHashSet<>();
  private String endpoint;
  private long entries;
  private long malformed;
  private long dispatched;
  private long firstRecordMillis = Long.MIN_VALUE;
  private long startNanos;
  private long nextProgressNanos;

  // set when run() starts
  private TestObservations<I, O> observations;
  private Instant startedAt;
  /** System.nanoTime() at the start: the pairs' timestamps are real time, like a live test's. */
  private long realStartNanos;
  /** Each replay thread's watch, created on its first blocking call. */
  private final Queue<Watch> allWatches = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Watch> watches = ThreadLocal.withInitial(() -> {
    Watch w = new Watch(Thread.currentThread());
    allWatches.add(w);
    return w;
  });

  public ReplayRun(ReplaySource source, Variant<I, O> candidate, Variant<I, O> production,
      PayloadDecoder<? extends I> inputDecoder, PayloadDecoder<? extends O> outputDecoder,
      OutputComparator<O> comparator, VerdictRule rule, VerdictRule givenRule,
      String endpointFilter, int parallelism, double speed, long maxRecords,
      Duration progressInterval, Consumer<? super Progress> listener, Ticker ticker) {
    this.source = source;
    this.candidate = candidate;
    this.production = production;
    this.inputDecoder = inputDecoder;
    this.outputDecoder = outputDecoder;
    this.comparator = comparator;
    this.rule = rule;
    this.givenRule = givenRule;
    this.endpointFilter = endpointFilter;
    this.endpoint = endpointFilter;
    this.parallelism = parallelism;
    this.speed = speed;
    this.maxRecords = maxRecords;
    this.progressNanos = progressInterval.toNanos();
    this.listener = listener;
    this.ticker = ticker;
    this.engine = new VerdictEngine(rule);
    this.comparatorFailures = new WarnThenDebugLogger(LOG,
        "comparator of the replay of '" + candidate.name() + "' threw (pair not compared)");
  }

  public ReplayReport run() throws IOException, InterruptedException {
    startedAt = Instant.now();
    realStartNanos = System.nanoTime();
    startNanos = ticker.nanoTime();
    nextProgressNanos = startNanos + progressNanos;
    // the live test's observations: same statistics, histograms, mismatch samples and report
    observations = new TestObservations<>(ShadowTestSpec.builder(candidate).rule(rule).build(),
        startedAt.toEpochMilli());
    ThreadPoolExecutor workers = new ThreadPoolExecutor(parallelism, parallelism, 0,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), // holds at most `parallelism`: the permits
        new NamedThreads("replay", candidate.name()));
    ScheduledThreadPoolExecutor watchdog =
        new ScheduledThreadPoolExecutor(1, new NamedThreads("replay", "timeouts"));
    long tick = watchTickNanos();
    watchdog.scheduleWithFixedDelay(this::watch, tick, tick, TimeUnit.NANOSECONDS);
    Semaphore permits = new Semaphore(parallelism);
    LOG.log(System.Logger.Level.INFO, () -> "replaying " + source.description() + " against '"
        + candidate.name() + "'" + (production == null ? "" : " and production '"
        + production.name() + "' re-run") + ", parallelism " + parallelism);
    try (ReplaySource in = source) {
      for (ReplaySource.Entry e = in.next(); e != null; e = in.next()) {
        entries++;
        ShadowRecord r = e.record();
        String reason = e.isMalformed() ? null : skipReason(r);
        if (e.isMalformed()) {
          malformed++;
          problem(e.location() + ": " + e.problem());
        } else if (reason != null) {
          skipped.merge(reason, 1L, Long::sum);
        } else if ((reason = unreplayableReason(r)) != null) {
          unreplayable(reason, e.location());
        } else {
          dispatch(e.location(), r, permits, workers); // the replay thread counts it finished
          if (maxRecords > 0 && dispatched >= maxRecords) {
            break;
          }
        }
        if (e.isMalformed() || reason != null) {
          finished.incrementAndGet();
        }
        progress(false);
      }
      // every pair in: all permits back
      while (!permits.tryAcquire(parallelism, POLL_NANOS, TimeUnit.NANOSECONDS)) {
        progress(false);
      }
    } finally {
      workers.shutdownNow(); // idle by now, unless the source failed or the caller interrupted
      watchdog.shutdownNow();
    }
    progress(true);
    return report();
  }

  /**
   * How often the watchdog looks: an eighth of the shortest timeout, in [1 ms, 50 ms], so a call
   * is interrupted at most that late (its outcome is exact: a TIMEOUT is decided by its run time).
   */
  private long watchTickNanos() {
    long shortest = candidate.timeout().toNanos();
    if (production != null) {
      shortest = Math.min(shortest, production.timeout().toNanos());
    }
    return Math.max(TimeUnit.MILLISECONDS.toNanos(1),
        Math.min(TimeUnit.MILLISECONDS.toNanos(50), shortest / 8));
  }

  // ---- sorting entries (the dispatcher) --------------------------------------------------------

  private String skipReason(ShadowRecord r) {
    if (r.role() != Role.PRODUCTION) {
      return SHADOW_RECORDS;
    }
    if (endpoint == null) {
      endpoint = r.endpoint(); // the first production record's, unless one was given
    }
    if (r.endpoint().equals(endpoint)) {
      return null;
    }
    long named = skipped.keySet().stream().filter(k -> k.startsWith("records of endpoint '"))
        .count();
    String key = "records of endpoint '" + r.endpoint() + "'";
    return named < MAX_ENDPOINT_REASONS || skipped.containsKey(key) ? key
        : "records of other endpoints";
  }

  private String unreplayableReason(ShadowRecord r) {
    if (r.input() == null) {
      return NO_INPUT;
    }
    if (production == null && r.outcome() == Outcome.SUCCESS && r.output() == null) {
      return NO_OUTPUT;
    }
    return null;
  }

  private void unreplayable(String reason, String location) {
    unreplayable.computeIfAbsent(reason, k -> new LongAdder()).increment();
    problem(location + ": " + reason);
  }

  private void problem(String text) {
    synchronized (problems) {
      if (problems.size() < ReplayReport.MAX_PROBLEMS) {
        problems.add(text);
        LOG.log(System.Logger.Level.WARNING, "replay: " + text
            + (problems.size() == ReplayReport.MAX_PROBLEMS ? " (further ones are counted only)"
                : ""));
      }
    }
  }

  /** Waits for a permit, paces {@code r}, and hands it to a replay thread. */
  private void dispatch(String location, ShadowRecord r, Semaphore permits,
      ThreadPoolExecutor workers) throws InterruptedException {
    if (productionNames.size() < MAX_PRODUCTION_NAMES) {
      productionNames.add(r.variant());
    }
    while (!permits.tryAcquire(POLL_NANOS, TimeUnit.NANOSECONDS)) {
      progress(false);
    }
    // paced once a thread is free: a record is never sent before its time, and one that waited
    // for a thread past its time goes at once
    if (Double.isFinite(speed)) {
      try {
        pace(r.timestamp());
      } catch (InterruptedException e) {
        permits.release();
        throw e;
      }
    }
    long sequence = dispatched++;
    workers.execute(() -> {
      try {
        replay(location, r, sequence);
      } finally {
        finished.incrementAndGet();
        permits.release();
      }
    });
  }

  /** Waits until {@code at}'s place in the capture, scaled by the speed, has come. */
  private void pace(Instant at) throws InterruptedException {
    long millis = at.toEpochMilli();
    if (firstRecordMillis == Long.MIN_VALUE) {
      firstRecordMillis = millis;
    }
    long due = startNanos + (long) ((millis - firstRecordMillis) * 1e6 / speed);
    for (long now = ticker.nanoTime(); now < due; now = ticker.nanoTime()) {
      progress(false);
      ticker.sleepNanos(Math.min(due - now, Math.max(1, nextProgressNanos - now)));
    }
  }

  // ---- one record (a replay thread) ------------------------------------------------------------

  private void replay(String location, ShadowRecord r, long sequence) {
    I input;
    try {
      input = inputDecoder.decode(r.input());
    } catch (Throwable t) {
      rethrowFatal(t);
      unreplayable("input could not be decoded (" + t.getClass().getName() + ")", location);
      return;
    }
    O recorded = null;
    boolean haveRecorded = false;
    if (outputDecoder != null && r.outcome() == Outcome.SUCCESS && r.output() != null) {
      try {
        recorded = outputDecoder.decode(r.output());
        haveRecorded = true;
      } catch (Throwable t) {
        rethrowFatal(t);
        if (production == null) { // nothing to compare the candidate with
          unreplayable("output could not be decoded (" + t.getClass().getName() + ")",
              location);
          return;
        }
      }
    }
    long pairStart = System.nanoTime();
    Side<O> prod;
    Side<O> cand;
    if (production != null) {
      // back to back on this thread, in alternating order: neither side always runs second
      // (warm caches, a JIT that just compiled the shared code), so the latency pairs are fair
      if ((sequence & 1) == 0) {
        prod = call(production, input);
        cand = call(candidate, input);
      } else {
        cand = call(candidate, input);
        prod = call(production, input);
      }
      if (haveRecorded && prod.outcome == Outcome.SUCCESS) {
        productionCompared.increment();
        if (compare(recorded, prod.output).result() == Comparison.Result.MISMATCH) {
          productionDiffered.increment();
        }
      }
    } else {
      prod = new Side<>(r.outcome(), Math.max(0, r.latencyNanos()), recorded);
      cand = call(candidate, input);
    }
    Comparison c = prod.outcome == Outcome.SUCCESS && cand.outcome == Outcome.SUCCESS
        ? compare(prod.output, cand.output) : Comparison.notCompared();
    long timestamp = startedAt.toEpochMilli() + (pairStart - realStartNanos) / 1_000_000;
    observations.observeReplayed(timestamp, prod.outcome, prod.nanos, cand.outcome, cand.nanos,
        c, r.requestId() != null ? r.requestId() : location);
    replayed.increment();
  }

  private Comparison compare(O productionOutput, O candidateOutput) {
    try {
      Comparison c = comparator.compare(productionOutput, candidateOutput);
      return c != null ? c : Comparison.notCompared();
    } catch (Throwable t) {
      rethrowFatal(t);
      comparatorErrors.increment();
      comparatorFailures.log(t);
      return Comparison.notCompared();
    }
  }

  /** One call of {@code v}'s predictor under its timeout. */
  private Side<O> call(Variant<I, O> v, I input) {
    long timeout = v.timeout().toNanos();
    AsyncPredictor<I, O> async = v.asyncPredictor();
    return async != null ? callAsync(async, input, timeout)
        : callBlocking(v.predictor(), input, timeout);
  }

  private Side<O> callBlocking(Predictor<I, O> p, I input, long timeout) {
    Watch watch = watches.get();
    long start = System.nanoTime();
    watch.arm(start + timeout);
    O out = null;
    Throwable error = null;
    try {
      out = p.predict(input);
    } catch (Throwable t) {
      rethrowFatal(t);
      error = t;
    }
    long nanos = System.nanoTime() - start;
    if (watch.disarm() || nanos >= timeout) {
      return new Side<>(Outcome.TIMEOUT, timeout, null);
    }
    return new Side<>(error == null ? Outcome.SUCCESS : Outcome.ERROR, nanos, out);
  }

  private Side<O> callAsync(AsyncPredictor<I, O> async, I input, long timeout) {
    long start = System.nanoTime();
    CompletableFuture<O> future;
    try {
      CompletionStage<O> stage = async.predictAsync(input);
      if (stage == null) {
        throw new NullPointerException("AsyncPredictor returned null");
      }
      future = stage.toCompletableFuture();
    } catch (Throwable t) {
      rethrowFatal(t);
      return new Side<>(Outcome.ERROR, System.nanoTime() - start, null);
    }
    // timed at the stage's completion, as a live test times it, not when this thread wakes
    long[] end = new long[1];
    CompletableFuture<O> timed = future.whenComplete((o, t) -> end[0] = System.nanoTime());
    try {
      O out = timed.get(timeout, TimeUnit.NANOSECONDS);
      return new Side<>(Outcome.SUCCESS, end[0] - start, out);
    } catch (TimeoutException e) {
      future.cancel(true);
      return new Side<>(Outcome.TIMEOUT, timeout, null);
    } catch (ExecutionException | CancellationException e) {
      return new Side<>(Outcome.ERROR, Math.max(0, end[0] - start), null);
    } catch (InterruptedException e) { // the replay is being stopped
      future.cancel(true);
      Thread.currentThread().interrupt();
      return new Side<>(Outcome.TIMEOUT, timeout, null);
    }
  }

  private static void rethrowFatal(Throwable t) {
    if (t instanceof VirtualMachineError e) {
      throw e;
    }
  }

  /** One side of a pair: its outcome, run time and output. */
  private record Side<O>(Outcome outcome, long nanos, O output) {}

  /**
   * One replay thread's blocking call in flight: the watchdog interrupts it once past its
   * deadline. A call costs two uncontended locks, not a timer task (a scheduled task per call
   * would enqueue into the timer's heap and often wake its thread). The interrupt is sent under
   * the lock, so once {@link #disarm()} has run no late interrupt can reach the thread's next
   * call.
   */
  private static final class Watch {
    private final Thread thread;
    private boolean armed;
    private long deadline;
    private boolean fired;

    Watch(Thread thread) {
      this.thread = thread;
    }

    synchronized void arm(long deadlineNanos) {
      deadline = deadlineNanos;
      armed = true;
      fired = false;
    }

    /** The watchdog's look. */
    synchronized void interruptIfOverdue(long now) {
      if (armed && !fired && now - deadline >= 0) {
        fired = true;
        thread.interrupt();
      }
    }

    /** True if the deadline passed: the interrupt it sent is cleared. */
    boolean disarm() {
      boolean wasFired;
      synchronized (this) {
        armed = false;
        wasFired = fired;
      }
      if (wasFired) {
        Thread.interrupted();
      }
      return wasFired;
    }
  }

  /** Interrupts every blocking call past its deadline; runs every {@link #watchTickNanos}. */
  private void watch() {
    long now = System.nanoTime();
    for (Watch w : allWatches) {
      w.interruptIfOverdue(now);
    }
  }

  // ---- progress and the report -----------------------------------------------------------------

  /** Logs and hands out the progress when it is due, or at the end ({@code done}). */
  private void progress(boolean done) {
    long now = ticker.nanoTime();
    if (!done && now < nextProgressNanos) {
      return;
    }
    nextProgressNanos = now + progressNanos;
    long records = finished.get();
    long elapsed = Math.max(0, now - startNanos);
    double rate = records / Math.max(1e-9, elapsed / 1e9);
    double fraction = source.fractionRead();
    if (maxRecords > 0) {
      double byBudget = (double) dispatched / maxRecords;
      fraction = Double.isNaN(fraction) ? byBudget : Math.max(fraction, byBudget);
    }
    Optional<Duration> eta = done ? Optional.of(Duration.ZERO)
        : fraction > 0 && fraction <= 1
            ? Optional.of(Duration.ofNanos((long) (elapsed * (1 - fraction) / fraction)))
            : Optional.empty();
    Evaluation interim = engine.evaluate(observations.judged());
    Progress p = new Progress(records, replayed.sum(), malformed, unreplayableTotal(), fraction,
        rate, Duration.ofNanos(elapsed), eta, interim.verdict(), done);
    LOG.log(System.Logger.Level.INFO, () -> String.format(Locale.ROOT,
        "replay of '%s'%s: %,d records%s, %,.0f records/s%s; %,d pairs, verdict %s; %,d"
            + " malformed, %,d unreplayable", candidate.name(), done ? " done" : "", records,
        Double.isNaN(p.fraction()) ? "" : String.format(Locale.ROOT, " (%.0f%% read)",
            100 * p.fraction()), rate,
        done || eta.isEmpty() ? "" : String.format(Locale.ROOT, ", ETA %.1f s",
            eta.get().toMillis() / 1000.0), p.pairs(),
        p.verdict(), p.malformed(), p.unreplayable()));
    if (listener != null) {
      try {
        listener.accept(p);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "replay progress listener threw "
            + e.getClass().getName() + " (ignored)");
      }
    }
  }

  private long unreplayableTotal() {
    long n = 0;
    for (LongAdder a : unreplayable.values()) {
      n += a.sum();
    }
    return n;
  }

  private ReplayReport report() {
    long elapsedNanos = Math.max(0, ticker.nanoTime() - startNanos);
    Instant endedAt = startedAt.plusNanos(elapsedNanos);
    TestObservations.Frozen f = observations.freeze(engine, null, 0, 0);
    List<String> notes = notes();
    String endReason = String.format(Locale.ROOT, "replay of %s done: %,d records replayed",
        source.description(), replayed.sum())
        + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    List<String> productionAtStart = production != null ? List.of(production.name())
        : productionNames.isEmpty() ? List.of("production") : List.copyOf(productionNames);
    ShadowTestReport report = observations.report(f, endedAt.toEpochMilli(),
        new TestReports.Facts(endpoint == null ? "(no production records)" : endpoint,
            candidate.name(), null, ShadowTest.Status.COMPLETED, ShadowTest.Decision.NONE,
            startedAt, endedAt.toEpochMilli(), endReason, Duration.ofNanos(elapsedNanos),
            maxRecords, 1.0, productionAtStart, null, 0));
    PairedStatistics statistics = PairedStatistics.fromBytes(StatisticsCodec.encode(rule,
        rule.warmup().isZero() ? null : startedAt, f.judged()));
    Map<String, Long> unreplayableCounts = new LinkedHashMap<>();
    unreplayable.forEach((k, v) -> unreplayableCounts.put(k, v.sum()));
    List<String> problemsCopy;
    synchronized (problems) {
      problemsCopy = List.copyOf(problems);
    }
    return new ReplayReport(report, statistics, source.description(), entries, replayed.sum(),
        skipped, unreplayableCounts, malformed, problemsCopy, productionCompared.sum(),
        productionDiffered.sum(), notes, Duration.ofNanos(elapsedNanos));
  }

  /** What the verdict leaves out, and why. */
  private List<String> notes() {
    List<String> notes = new ArrayList<>();
    if (production == null && (givenRule.enabled(Check.LATENCY)
        || givenRule.enabled(Check.TAIL_LATENCY))) {
      notes.add("latency and tail_latency not checked: production was not re-run, and its"
          + " recorded run times come from another machine and load than the candidate's"
          + " (give production(...) to time both here)");
    }
    long comparatorFailed = comparatorErrors.sum();
    if (comparatorFailed > 0) {
      notes.add(String.format(Locale.ROOT, "the comparator threw on %,d pairs, which were not"
          + " compared", comparatorFailed));
    }
    return notes;
  }
}
