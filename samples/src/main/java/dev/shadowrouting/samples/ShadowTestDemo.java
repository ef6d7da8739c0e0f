package dev.shadowrouting.samples;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.QualityMetric;
import dev.shadowrouting.Request;
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
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * A shadow test from start to verdict: the fraud-score endpoint's production model v1 is
 * challenged by a candidate v2 that agrees with it but is several times slower on foreign
 * transactions. The test samples half the requests for up to 10 seconds, leaving the first
 * half-second (both models' JIT warm-up) out of the latency checks; the live, anytime-valid
 * verdict is printed five times a second (it may be read as often as you like) until a FAIL ends
 * the test or the time box does, then the final report, and the candidate is discarded or
 * promoted according to the verdict. Labels (did the
 * transaction turn out to be fraud?) arrive late and give each model's accuracy.
 *
 * <p>Run: {@code mvn -B -q -pl samples -am compile exec:java
 * -Ddemo.main=dev.shadowrouting.samples.ShadowTestDemo}
 */
public final class ShadowTestDemo {

  static final Duration DURATION = Duration.ofSeconds(10);
  static final long ARRIVAL_GAP_NANOS = 100_000;
  static final long PRINT_EVERY_NANOS = 200_000_000L;

  public static void main(String[] args) throws Exception {
    run(DURATION, System.out);
  }

  /** Runs a test of {@code duration}; returns its final report (the demo's test checks it). */
  static ShadowTestReport run(Duration duration, PrintStream out) throws Exception {
    Predictor<Txn, Score> v1 = txn -> FraudScoreDemo.score(txn, 0.50, 300);
    // Same model, new feature pipeline: identical answers, but 8x the work on foreign cards.
    Predictor<Txn, Score> v2 = txn -> FraudScoreDemo.score(txn, 0.50, txn.foreign() ? 2_400 : 300);

    try (ShadowRouter<Txn, Score> router = ShadowRouter.create(
        EndpointConfig.<Txn, Score>builder("fraud-score")
            .production(Variant.builder("v1", v1).build())
            .comparator(OutputComparator.comparing(Score::block))
            .queueCapacity(4096)
            .build())) {
      ShadowTest test = router.startTest(ShadowTestSpec.builder(
              Variant.builder("v2", v2).timeout(Duration.ofMillis(50)).maxConcurrency(512).build())
          .samplingRate(0.5)
          .duration(duration)
          .maxLatencyIncrease(0.10)
          .maxErrorRateIncrease(0.01)
          .minAgreement(0.99)
          .warmup(Duration.ofMillis(500))
          .qualityMetric(QualityMetric.accuracy(Score::block))
          .build());
      out.printf(Locale.ROOT, "shadow test of v2 against v1: %s, sampling 50%%%n%n", duration);

      SplittableRandom random = new SplittableRandom(7);
      long nextPrint = System.nanoTime() + PRINT_EVERY_NANOS;
      int i = 0;
      ArrayDeque<String[]> labels = new ArrayDeque<>();
      while (!test.status().isEnded()) {
        LockSupport.parkNanos(ARRIVAL_GAP_NANOS); // ~5-10k requests/s
        Txn txn = new Txn("user-" + random.nextInt(5_000), random.nextDouble() * 2_000,
            random.nextInt(10), random.nextInt(10) == 0);
        String id = "req-" + i++;
        router.predict(txn, Request.builder().requestId(id).samplingKey(txn.userId()).build());
        // The truth arrives later (chargebacks): here for every 4th request, 2,000 requests on.
        if (i % 4 == 0) {
          labels.addLast(new String[] {id, Boolean.toString(FraudScoreDemo.score(txn, 0.55, 0)
              .block())});
        }
        if (labels.size() > 500) {
          String[] label = labels.removeFirst();
          router.recordOutcome(label[0], Boolean.parseBoolean(label[1]));
        }
        if (System.nanoTime() >= nextPrint) {
          nextPrint += PRINT_EVERY_NANOS;
          printLive(test.report(), out);
        }
      }
      ShadowTestReport report = test.report();
      out.println();
      out.println(report);
      if (report.verdict() == Verdict.PASS) {
        test.promote();
        out.println("-> promoted: v2 now answers production traffic");
      } else {
        test.discard();
        out.println("-> discarded: v1 stays in production (verdict " + report.verdict() + ")");
      }
      return test.report();
    }
  }

  private static void printLive(ShadowTestReport r, PrintStream out) {
    String worst = r.reasons().isEmpty() ? "" : r.reasons().stream()
        .filter(s -> s.endsWith("FAIL")).findFirst().orElse(r.reasons().get(0));
    out.printf(Locale.ROOT, "%5.1f s  %,7d pairs  %-12s  %s%n", r.elapsed().toMillis() / 1e3,
        r.calls(), r.verdict(), worst);
  }

  private ShadowTestDemo() {}
}
