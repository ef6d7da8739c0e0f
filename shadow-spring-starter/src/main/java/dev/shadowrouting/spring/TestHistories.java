package dev.shadowrouting.spring;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * The checks of each shadow test over time, so a person sees the verdict converge: every check's
 * estimate and interval, sampled from the test's report on one daemon thread, first every
 * {@value #FIRST_STEP_MILLIS} ms. Memory is bounded whatever runs: at most {@value #MAX_POINTS}
 * points per test (when full, every other point is dropped and the step doubles, so a history
 * always spans its whole test), for the newest {@value #MAX_TESTS} tests of each endpoint that
 * the router still keeps. An ended test gets one last point, its final report, then no more.
 *
 * <p>Thread-safe: one thread samples; any thread reads a copy ({@link #document}).
 */
final class TestHistories implements SmartLifecycle {

  static final int MAX_POINTS = 240;
  static final int MAX_TESTS = 10;
  static final long FIRST_STEP_MILLIS = 1_000;

  private static final System.Logger LOG = System.getLogger(TestHistories.class.getName());

  private final ShadowRouters routers;
  /** Epoch millis now: the system clock, or a test's. */
  private final LongSupplier clock;
  /** By test, compared by identity (a test is one object for its whole life). */
  private final Map<ShadowTest, History> histories =
      java.util.Collections.synchronizedMap(new IdentityHashMap<>());
  /** Whether a failed sample was logged at WARNING yet: later ones go to DEBUG. */
  private volatile boolean warned;
  private volatile @Nullable ScheduledExecutorService sampler;

  TestHistories(ShadowRouters routers, LongSupplier clock) {
    this.routers = routers;
    this.clock = clock;
  }

  /**
   * Samples every test that is due: a running test once its step has passed since its last
   * point, an ended test once more. Then forgets tests the routers no longer keep, and all but the
   * newest {@value #MAX_TESTS} of each endpoint. Called by the sampler thread (tests call it with
   * their own clock).
   */
  void sample() {
    for (Map.Entry<String, ShadowRouter<?, ?>> e : routers.asMap().entrySet()) {
      List<ShadowTest> tests = e.getValue().tests();
      List<ShadowTest> kept = tests.subList(Math.max(0, tests.size() - MAX_TESTS), tests.size());
      for (ShadowTest test : kept) {
        try {
          sample(test);
        } catch (RuntimeException ex) {
          // a report that cannot be read now is tried again at the next tick; said loudly once
          LOG.log(warned ? Level.DEBUG : Level.WARNING, "cannot sample the shadow test of '"
              + test.candidate() + "' on endpoint '" + e.getKey() + "' for its history", ex);
          warned = true;
        }
      }
      synchronized (histories) {
        histories.keySet().removeIf(t -> t.endpoint().equals(e.getKey()) && !kept.contains(t));
      }
    }
  }

  private void sample(ShadowTest test) {
    History h = histories.get(test);
    long now = clock.getAsLong();
    if (h != null && !h.due(now)) {
      return;
    }
    boolean ended = test.status().isEnded(); // read before the report: its end is then in it
    ShadowTestReport report = test.report();
    if (h == null) {
      h = new History();
      histories.put(test, h);
    }
    h.add(now, report, ended);
  }

  /**
   * The history of the newest test of {@code candidate} on {@code router}'s endpoint, or null if
   * there is no such test: {@code stepMillis}, {@code times} (epoch millis), {@code verdicts}, and
   * per check its {@code threshold} and the {@code estimate}, {@code lower} and {@code upper}
   * aligned with the times (null where the check had no value yet).
   */
  @Nullable Map<String, Object> document(ShadowRouter<?, ?> router, String candidate) {
    ShadowTest test = router.test(candidate).orElse(null);
    if (test == null) {
      return null;
    }
    History h = histories.get(test);
    Map<String, Object> doc = h == null ? History.empty() : h.document();
    doc.put("status", test.status().name());
    return doc;
  }

  @Override
  public void start() {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "shadow-routing-history");
      t.setDaemon(true);
      return t;
    });
    s.scheduleWithFixedDelay(this::tick, 0, FIRST_STEP_MILLIS, TimeUnit.MILLISECONDS);
    sampler = s;
  }

  private void tick() {
    try {
      sample();
    } catch (RuntimeException e) {
      // a failed tick must not end the schedule: the next one tries again
      LOG.log(Level.WARNING, "shadow test history sampling failed", e);
    }
  }

  @Override
  public void stop() {
    ScheduledExecutorService s = sampler;
    sampler = null;
    if (s != null) {
      s.shutdownNow();
    }
  }

  @Override
  public boolean isRunning() {
    return sampler != null;
  }

  /** How many tests have a history now (for tests of the bound). */
  int size() {
    return histories.size();
  }

  /** One test's points: parallel arrays, compacted when full. Guarded by itself. */
  static final class History {
    private long stepMillis = FIRST_STEP_MILLIS;
    private int size;
    private boolean last;
    private final long[] times = new long[MAX_POINTS];
    private final String[] verdicts = new String[MAX_POINTS];
    /** By check name, in the order checks appeared: estimate, lower, upper per point. */
    private final Map<String, double[][]> checks = new LinkedHashMap<>();
    private final Map<String, Double> thresholds = new LinkedHashMap<>();

    synchronized boolean due(long now) {
      return !last && now - times[size - 1] >= stepMillis;
    }

    synchronized void add(long now, ShadowTestReport report, boolean ended) {
      if (size == MAX_POINTS) {
        compact();
      }
      int i = size++;
      times[i] = now;
      verdicts[i] = report.verdict().name();
      for (CheckResult c : report.checks()) {
        double[][] series = checks.computeIfAbsent(c.name(), k -> nans());
        series[0][i] = c.estimate();
        series[1][i] = c.lower();
        series[2][i] = c.upper();
        thresholds.put(c.name(), c.threshold());
      }
      last = ended;
    }

    /** Keeps every other point (the newest always) and doubles the step. */
    private void compact() {
      int kept = 0;
      for (int i = size % 2 == 0 ? 1 : 0; i < size; i += 2) {
        times[kept] = times[i];
        verdicts[kept] = verdicts[i];
        for (double[][] series : checks.values()) {
          for (double[] s : series) {
            s[kept] = s[i];
          }
        }
        kept++;
      }
      for (double[][] series : checks.values()) {
        for (double[] s : series) {
          Arrays.fill(s, kept, MAX_POINTS, Double.NaN);
        }
      }
      size = kept;
      stepMillis *= 2;
    }

    private static double[][] nans() {
      double[][] s = new double[3][MAX_POINTS];
      for (double[] a : s) {
        Arrays.fill(a, Double.NaN);
      }
      return s;
    }

    synchronized Map<String, Object> document() {
      Map<String, Object> doc = empty();
      doc.put("stepMillis", stepMillis);
      List<Long> t = new ArrayList<>(size);
      List<String> v = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        t.add(times[i]);
        v.add(verdicts[i]);
      }
      doc.put("times", t);
      doc.put("verdicts", v);
      Map<String, Object> out = new LinkedHashMap<>();
      checks.forEach((name, series) -> {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("threshold", thresholds.get(name));
        c.put("estimate", values(series[0], size));
        c.put("lower", values(series[1], size));
        c.put("upper", values(series[2], size));
        out.put(name, c);
      });
      doc.put("checks", out);
      return doc;
    }

    static Map<String, Object> empty() {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("maxPoints", MAX_POINTS);
      doc.put("stepMillis", FIRST_STEP_MILLIS);
      doc.put("times", List.of());
      doc.put("verdicts", List.of());
      doc.put("checks", Map.of());
      return doc;
    }

    private static List<@Nullable Double> values(double[] a, int n) {
      List<@Nullable Double> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(Double.isNaN(a[i]) || Double.isInfinite(a[i]) ? null : a[i]);
      }
      return out;
    }
  }
}
