package dev.shadowrouting.samples;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Request;
import dev.shadowrouting.Role;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.samples.FraudScoreDemo.Score;
import dev.shadowrouting.samples.FraudScoreDemo.Txn;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The main job, end to end: a shadow test of a retrained fraud-scoring model against the one in
 * production, on live traffic, ending in a verdict and a promotion.
 *
 * <p>The "fraud-score" endpoint serves about 2,000 requests a second from eight request threads,
 * as a web server would. Production's model v1 takes about a millisecond a call (its feature
 * lookups: more for users with a long history and for foreign cards, and 4 ms for the 3% of users
 * not in the feature cache). The candidate v2 is retrained with three more features: about 4%
 * slower, and it blocks a slightly different set of transactions (it disagrees on well under 1%).
 * Both fail on the transactions whose merchant is missing from the feature store (0.2%): the
 * paired error check sees that they fail together.
 *
 * <p>The test copies half the requests to v2 and prints, once a second, the pairs so far, the
 * interim verdict and each check's anytime-valid interval beside its threshold. The verdict may be
 * read as often as one likes and acted upon at once: as soon as it is PASS the demo stops the
 * test, prints the report and promotes v2 under traffic (no request lost); if the time box ends
 * first (a loaded machine), the candidate is discarded. The models' latencies are simulated with
 * {@link LockSupport#parkNanos}, so the demo hardly uses the CPU.
 *
 * <p>Run (the README's first command): {@code mvn -B -q -pl samples -am compile exec:java}
 */
public final class ModelUpgradeDemo {

  /** The test's time box: the demo ends within it whatever the machine. */
  static final Duration TIME_BOX = Duration.ofSeconds(30);
  static final Duration PRINT_EVERY = Duration.ofSeconds(1);
  static final int REQUEST_THREADS = 8;
  /** Mean gap between two requests of one request thread: ~2,000 requests/s in all. */
  static final long ARRIVAL_GAP_NANOS = 2_200_000;
  private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

  public static void main(String[] args) throws Exception {
    // the library logs through System.Logger; the JDK's default format takes two lines a record
    if (System.getProperty(LOG_FORMAT) == null) {
      System.setProperty(LOG_FORMAT, "%4$s: %5$s%6$s%n");
    }
    run(TIME_BOX, PRINT_EVERY, System.out);
  }

  /**
   * Runs the demo: a shadow test of at most {@code timeBox}, progress every {@code printEvery}.
   * Returns the test's final report, after the promotion or the discard (the demo's test checks
   * it).
   */
  static ShadowTestReport run(Duration timeBox, Duration printEvery, PrintStream out)
      throws Exception {
    Predictor<Txn, Score> v1 = new FraudModel(0.50, 1.00);
    Predictor<Txn, Score> v2 = new FraudModel(0.505, 1.04);

    try (ShadowRouter<Txn, Score> router = ShadowRouter.create(
        EndpointConfig.<Txn, Score>builder("fraud-score")
            .production(Variant.builder("v1", v1).build())
            .comparator(OutputComparator.comparing(Score::block)) // agree = same decision
            .workerThreads(4)                      // the models wait on IO, not on the CPU
            .build())) {
      ShadowTestSpec<Txn, Score> spec = ShadowTestSpec.builder(
              Variant.builder("v2", v2).timeout(Duration.ofMillis(100)).maxConcurrency(64)
                  .build())
          .samplingRate(0.5)
          .duration(timeBox)
          .maxLatencyIncrease(0.10)                // geometric mean at most 10% slower
          .maxTailLatencyIncrease(0.25)            // p99 at most 25% slower
          .maxErrorRateIncrease(0.005)             // at most +0.5 points of failed requests
          .minAgreement(0.99)                      // the same decision on at least 99%
          .warmup(Duration.ofSeconds(1))           // JIT and pool start-up: not the model's
          .build();
      ShadowTest test = router.startTest(spec);
      out.printf(Locale.ROOT, "shadow test of candidate v2 against production v1 on endpoint"
          + " 'fraud-score': sampling %.0f%%, time box %d s%n", 100 * spec.samplingRate(),
          timeBox.toSeconds());
      out.printf(Locale.ROOT, "PASS needs every check's interval inside its threshold: latency"
          + " <= x%.2f, p99 <= x%.2f, errors <= %+.2f pts, agreement >= %.1f%%%n%n",
          1 + spec.maxLatencyIncrease(), 1 + spec.rule().maxTailLatencyIncrease(),
          100 * spec.maxErrorRateIncrease(), 100 * spec.minAgreement());

      Traffic traffic = new Traffic(router);
      traffic.start();
      try {
        // awaitCompletion returns early when a FAIL or the time box ends the test
        for (boolean first = true; !test.awaitCompletion(printEvery); first = false) {
          if (first) {
            out.println(PROGRESS_HEADER);
          }
          // each read is a look: the verdict keeps its error rates however often it is read
          ShadowTestReport live = test.report();
          out.println(progressLine(live));
          if (live.verdict() == Verdict.PASS) {
            test.stop(); // anytime-valid: acting on the first PASS keeps its error rate
            break;
          }
        }
        ShadowTestReport report = test.report();
        if (report.verdict() == Verdict.PASS) {
          out.printf(Locale.ROOT, "%nPASS after %,d pairs: test stopped (a PASS may be acted on"
              + " as soon as it is read)%n", report.calls());
        }
        out.println();
        out.println(report.toString().stripTrailing());
        out.println();
        if (report.verdict() == Verdict.PASS) {
          test.promote(); // atomic: each request is answered by v1 or by v2, none is lost
          long promotedAt = router.snapshot().variant("v2").invocations();
          RouterSnapshot after = awaitCalls(router, "v2", promotedAt + 500);
          traffic.stop();
          out.printf(Locale.ROOT, "-> promoted: production of 'fraud-score' is now %s; v2 has"
              + " answered %,d requests since%n", productionVariants(after),
              after.variant("v2").invocations() - promotedAt);
          out.printf(Locale.ROOT, "   %,d requests in all: %,d answered, %,d refused by the"
              + " model (merchant unknown), %,d lost%n", traffic.sent.get(),
              traffic.answered.get(), traffic.declined.get(),
              traffic.sent.get() - traffic.answered.get() - traffic.declined.get());
        } else {
          test.discard();
          out.printf(Locale.ROOT, "-> discarded: v1 stays in production (verdict %s: %s)%n",
              report.verdict(), report.verdict() == Verdict.INCONCLUSIVE
                  ? "not enough evidence within the time box; run longer or sample more"
                  : "the candidate is beyond a threshold");
        }
        return test.report();
      } finally {
        traffic.stop();
      }
    }
  }

  static final String PROGRESS_HEADER = String.format(Locale.ROOT,
      "%5s %7s  %-12s  %-22s %-22s %-26s %s", "time", "pairs", "verdict", "latency (x)",
      "p99 (x)", "errors (pts)", "agreement (%)");

  /**
   * One line of live progress: elapsed time, pairs, the verdict, and each check's estimate with
   * its interval (and the check's own decision once it has one).
   */
  static String progressLine(ShadowTestReport r) {
    return String.format(Locale.ROOT, "%4.0fs %7s  %-12s  %-22s %-22s %-26s %s",
        r.elapsed().toMillis() / 1e3, String.format(Locale.ROOT, "%,d", r.calls()), r.verdict(),
        cell(r, "latency", 1, "%.2f"), cell(r, "tail_latency", 1, "%.2f"),
        cell(r, "errors", 100, "%+.2f"), cell(r, "agreement", 100, "%.1f"));
  }

  /** A check's estimate and interval, scaled ({@code 100}: percent), and its own decision. */
  private static String cell(ShadowTestReport r, String name, double scale, String format) {
    return r.check(name).map(c -> {
      String estimate = number(c.estimate(), scale, format);
      String decided = c.verdict() == Verdict.INCONCLUSIVE ? "" : " " + c.verdict();
      return estimate + " [" + number(c.lower(), scale, format) + ", "
          + number(c.upper(), scale, format) + "]" + decided;
    }).orElse("-");
  }

  private static String number(double value, double scale, String format) {
    if (Double.isNaN(value)) {
      return "?";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, format, value * scale);
  }

  private static List<String> productionVariants(RouterSnapshot s) {
    List<String> names = new ArrayList<>();
    for (RouterSnapshot.VariantStats v : s.variants()) {
      if (v.role() == Role.PRODUCTION) {
        names.add(v.name());
      }
    }
    return names;
  }

  /** Waits (at most 5 s) until {@code variant} has answered {@code calls} in all. */
  private static RouterSnapshot awaitCalls(ShadowRouter<Txn, Score> router, String variant,
      long calls) {
    RouterSnapshot s = router.snapshot();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (s.variant(variant).invocations() < calls && System.nanoTime() < deadline) {
      LockSupport.parkNanos(10_000_000); // the traffic threads are what we wait for
      s = router.snapshot();
    }
    return s;
  }

  /**
   * A fraud model served in-process: a logistic score of the transaction, and the time its
   * feature lookups take, simulated. Part of that time belongs to the request (a long history, a
   * foreign card: both models pay it, which is why the latency check pairs them), part is noise
   * of the call. Thread-safe.
   */
  static final class FraudModel implements Predictor<Txn, Score> {
    private final double threshold;
    private final double slowdown;

    FraudModel(double threshold, double slowdown) {
      this.threshold = threshold;
      this.slowdown = slowdown;
    }

    @Override
    public Score predict(Txn txn) {
      if (txn.merchantRisk() < 0) {
        throw new IllegalStateException("merchant not in the feature store");
      }
      int user = Math.floorMod(txn.userId().hashCode(), 1_000);
      double nanos = 500_000 + 15_000 * (user % 40)        // the user's history, looked up
          + (txn.foreign() ? 300_000 : 0)                   // currency and country features
          + (user < 30 ? 4_000_000 : 0);                    // 3% of users: not in the cache
      nanos *= slowdown * Math.exp(0.15 * ThreadLocalRandom.current().nextGaussian());
      long until = System.nanoTime() + (long) nanos;
      for (long left = (long) nanos; left > 0; left = until - System.nanoTime()) {
        LockSupport.parkNanos(left); // may return early: park again for what is left
      }
      double z = -3.0 + txn.amount() / 600.0 + 0.25 * txn.merchantRisk()
          + (txn.foreign() ? 0.8 : 0);
      double p = 1.0 / (1.0 + Math.exp(-z));
      return new Score(p, p > threshold);
    }
  }

  /** The endpoint's callers: request threads with random arrivals, until stopped. */
  private static final class Traffic {
    private final ShadowRouter<Txn, Score> router;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong answered = new AtomicLong();
    final AtomicLong declined = new AtomicLong();

    Traffic(ShadowRouter<Txn, Score> router) {
      this.router = router;
    }

    void start() {
      for (int t = 0; t < REQUEST_THREADS; t++) {
        SplittableRandom random = new SplittableRandom(42 + t);
        String prefix = "req-" + t + "-";
        Thread thread = new Thread(() -> serve(random, prefix), "request-" + t);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void serve(SplittableRandom random, String prefix) {
      for (long i = 0; running.get(); i++) {
        // exponential gaps: requests arrive at random, as they do
        LockSupport.parkNanos((long) (-ARRIVAL_GAP_NANOS * Math.log(1 - random.nextDouble())));
        Txn txn = new Txn("user-" + random.nextInt(20_000), random.nextDouble() * 2_000,
            random.nextInt(500) == 0 ? -1 : random.nextInt(10), random.nextInt(10) == 0);
        sent.incrementAndGet();
        try {
          router.predict(txn, Request.builder().requestId(prefix + i).samplingKey(txn.userId())
              .build());
          answered.incrementAndGet();
        } catch (Exception e) {
          declined.incrementAndGet(); // production's own error, exactly as without a shadow
        }
      }
    }

    /** Stops the request threads and waits for their last requests; idempotent. */
    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  private ModelUpgradeDemo() {}
}
