package dev.shadowrouting.samples;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Request;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.OfflineComparison;
import dev.shadowrouting.sinks.jsonl.ShadowRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Records a shadow test to JSON Lines files, then compares the variants offline: a router with a
 * {@link JsonLinesSink} serves requests, is closed (which flushes the files), and the files are
 * read back with {@link ShadowRecords} and printed side by side.
 *
 * <p>Run: {@code mvn -B -q -pl samples -am compile exec:java
 * -Ddemo.main=dev.shadowrouting.samples.OfflineComparisonDemo} (writes to a new temp directory;
 * {@code -Dexec.args=DIR} to choose one).
 */
public final class OfflineComparisonDemo {
  private OfflineComparisonDemo() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("shadow-demo");
    OfflineComparison comparison = run(dir, 2_000);
    System.out.println("Records in " + dir + ":");
    System.out.println(comparison.toTable());
  }

  /** Serves {@code requests} fraud-score requests, then reads the recorded files back. */
  public static OfflineComparison run(Path dir, int requests) throws Exception {
    // production: a rule; the candidates: a retrained threshold and a model that sometimes fails
    Variant<Map<String, Object>, Double> rules = Variant.<Map<String, Object>, Double>builder(
        "rules-v1", in -> amount(in) > 1000 ? 0.9 : 0.1).build();
    Variant<Map<String, Object>, Double> retrained = Variant.<Map<String, Object>, Double>builder(
        "model-v2", in -> amount(in) > 900 ? 0.9 : 0.1)
        .capturePayloads(true) // inputs are masked by the redactor below
        .maxConcurrency(256)
        .build();
    Variant<Map<String, Object>, Double> flaky = Variant.<Map<String, Object>, Double>builder(
        "model-v3", in -> {
          if (amount(in) % 97 == 0) {
            throw new IllegalStateException("feature store unavailable");
          }
          return amount(in) > 1000 ? 0.9 : 0.1;
        })
        .samplingRate(0.5)
        .maxConcurrency(256)
        .build();

    try (JsonLinesSink sink = JsonLinesSink.builder(dir).build()) {
      EndpointConfig<Map<String, Object>, Double> config =
          EndpointConfig.<Map<String, Object>, Double>builder("fraud-score")
              .production(rules)
              .shadow(retrained)
              .shadow(flaky)
              .comparator(OutputComparator.equality())
              .redactor((field, payload) -> payload instanceof Map<?, ?> m
                  ? Map.of("amount", m.get("amount"), "card", "****") : payload)
              .queueCapacity(4096)
              .sink(sink)
              .build();
      try (ShadowRouter<Map<String, Object>, Double> router = ShadowRouter.create(config)) {
        for (int i = 0; i < requests; i++) {
          Map<String, Object> input = Map.of("amount", (i * 37) % 2000, "card", "4111-" + i);
          router.predict(input, Request.withSamplingKey("customer-" + i));
        }
      } // closing the router delivers and flushes every record
    }
    ShadowRecords records = ShadowRecords.readAll(dir);
    if (records.skippedLines() > 0) {
      System.err.println(records.skippedLines() + " incomplete lines skipped");
    }
    return records.compare();
  }

  private static int amount(Map<String, Object> in) {
    return ((Number) in.get("amount")).intValue();
  }
}
