package dev.shadowrouting.samples;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Request;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.Variant;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The mirroring demo: a "fraud-score" endpoint whose production model v1 answers every request
 * while a candidate v2 (a little slower, and disagreeing on a few percent of transactions) gets a
 * copy of each. After 20,000 requests it prints the side-by-side table a shadow test is about.
 * (The README's first command runs {@link ModelUpgradeDemo}, a shadow test to its verdict.)
 *
 * <p>Run: {@code mvn -B -q -pl samples -am compile exec:java
 * -Ddemo.main=dev.shadowrouting.samples.FraudScoreDemo}
 */
public final class FraudScoreDemo {

  /** A card transaction. */
  public record Txn(String userId, double amount, int merchantRisk, boolean foreign) {}

  /** The model's answer: a score in [0, 1] and whether to block. */
  public record Score(double value, boolean block) {}

  static final int REQUESTS = 20_000;
  static final long ARRIVAL_GAP_NANOS = 50_000;

  public static void main(String[] args) throws Exception {
    run(REQUESTS, System.out);
  }

  /** Runs the demo and returns the final snapshot (the demo's test checks it). */
  static RouterSnapshot run(int requests, PrintStream out) throws Exception {
    Predictor<Txn, Score> v1 = txn -> score(txn, 0.50, 200);
    // The candidate: a re-trained threshold (disagrees near the boundary) and more work per call.
    Predictor<Txn, Score> v2 = txn -> score(txn, 0.53, 320);

    InMemorySink sink = ShadowSink.inMemory(10 * requests);
    RouterSnapshot snapshot;
    try (ShadowRouter<Txn, Score> router = ShadowRouter.create(
        EndpointConfig.<Txn, Score>builder("fraud-score")
            .production(Variant.builder("v1", v1).build())
            .shadow(Variant.builder("v2", v2)
                .samplingRate(1.0)
                .timeout(Duration.ofMillis(50))
                .maxConcurrency(256)
                .build())
            // Same decision = agreement; the scores may differ slightly.
            .comparator(OutputComparator.comparing(Score::block))
            .queueCapacity(4096)
            .sink(sink)
            .build())) {
      SplittableRandom random = new SplittableRandom(42);
      long blocked = 0;
      for (int i = 0; i < requests; i++) {
        // Requests arrive about every 50 µs, like a service at ~15-20k requests/s: a loop that
        // calls flat out would only show that copies beyond the pool's capacity are dropped.
        LockSupport.parkNanos(ARRIVAL_GAP_NANOS);
        Txn txn = new Txn("user-" + random.nextInt(5_000), random.nextDouble() * 2_000,
            random.nextInt(10), random.nextInt(10) == 0);
        Score s = router.predict(txn, Request.builder()
            .requestId("req-" + i).samplingKey(txn.userId()).build());
        blocked += s.block() ? 1 : 0;
      }
      router.close(); // drains the shadows and flushes the sink before we read the statistics
      snapshot = router.snapshot();
      out.printf(Locale.ROOT, "%d requests, %d blocked by production; %d records captured%n%n",
          requests, blocked, sink.size());
    }
    printTable(snapshot, out);
    return snapshot;
  }

  static Score score(Txn txn, double threshold, int work) {
    double z = -3.0 + txn.amount() / 600.0 + 0.25 * txn.merchantRisk() + (txn.foreign() ? 0.8 : 0);
    double acc = 0; // stands for feature engineering: the cost of a model call
    for (int i = 0; i < work; i++) {
      acc += Math.sqrt(i + z * z);
    }
    double p = 1.0 / (1.0 + Math.exp(-z)) + acc * 1e-15;
    return new Score(p, p > threshold);
  }

  static void printTable(RouterSnapshot s, PrintStream out) {
    out.printf(Locale.ROOT, "%-4s %-10s %8s %7s %8s %9s %9s %9s %10s%n",
        "var", "role", "calls", "errors", "timeouts", "rejected", "p50(us)", "p99(us)",
        "agreement");
    for (RouterSnapshot.VariantStats v : s.variants()) {
      out.printf(Locale.ROOT, "%-4s %-10s %8d %7d %8d %9d %9.1f %9.1f %10s%n",
          v.name(), v.role(), v.invocations(), v.errors(), v.timeouts(), v.rejected(),
          v.p50Nanos() / 1e3, v.p99Nanos() / 1e3,
          Double.isNaN(v.agreement()) ? "-" : String.format(Locale.ROOT, "%.2f%%",
              100 * v.agreement()));
    }
    for (RouterSnapshot.VariantStats v : s.variants()) {
      if (v.rejected() > 0) {
        out.printf(Locale.ROOT, "%n%s: %d copies dropped instead of slowing production down %s"
            + "%n(the candidate is slower than production and its pool is bounded)%n",
            v.name(), v.rejected(), v.rejections());
      }
    }
  }

  private FraudScoreDemo() {}
}
