package dev.shadowrouting.samples;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.PayloadDecoder;
import dev.shadowrouting.ReplayReport;
import dev.shadowrouting.ShadowReplay;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.Variant;
import dev.shadowrouting.onnx.OnnxPredictor;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.JsonLinesSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Replays captured traffic against a new model, without production: the ONNX demo's endpoint
 * (model {@code logistic_v1.onnx} in production) serves its traffic with payload capture on, into
 * JSON Lines files; then {@link ShadowReplay} runs {@code logistic_v2.onnx} on every captured
 * input and judges it as a live shadow test would, twice:
 *
 * <ol>
 *   <li>against production's recorded outputs (errors and agreement; the report says why latency
 *       is not judged: the recorded run times come from production's machine);
 *   <li>with production's model re-run beside it on this machine, so the latency checks compare
 *       both on the same hardware (and the re-run's outputs are checked against the recorded).
 * </ol>
 *
 * <p>Run from the repository root (writes the capture to a new temp directory; give a directory
 * as the argument to keep it):
 *
 * <pre>
 * mvn -B -q -pl samples -am compile exec:java -Ddemo.main=dev.shadowrouting.samples.ReplayDemo
 * </pre>
 */
public final class ReplayDemo {
  private static final int REQUESTS = 2_000;
  private static final String ENDPOINT = "fraud-score";

  private ReplayDemo() {}

  public static void main(String[] args) throws Exception {
    Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("shadow-capture");
    capture(dir, REQUESTS);
    System.out.println("== captured " + REQUESTS + " requests into " + dir);
    System.out.println("== logistic_v2.onnx replayed against production's recorded outputs");
    System.out.println(replay(dir, false));
    System.out.println("== logistic_v2.onnx replayed with production (logistic_v1.onnx) re-run");
    System.out.println(replay(dir, true));
  }

  /**
   * Serves {@code requests} of the ONNX demo's traffic through production v1, capturing inputs
   * and outputs: production records are written for the requests a shadow copy ran for, so an A/A
   * copy of v1 samples every request (any shadow would do).
   */
  public static void capture(Path dir, int requests) throws Exception {
    try (OnnxPredictor<float[], Float> v1 =
            OnnxShadowDemo.scorer("logistic_v1.onnx", OptLevel.ALL_OPT, 1);
        JsonLinesSink sink = JsonLinesSink.builder(dir).build()) {
      ShadowRouter<float[], Float> router = ShadowRouter.create(
          EndpointConfig.<float[], Float>builder(ENDPOINT)
              .production(Variant.builder("v1", v1).capturePayloads(true).build())
              .shadow(Variant.builder("v1-copy", v1).maxConcurrency(4096).build())
              .queueCapacity(4096) // room for every copy: the capture keeps every request
              .sink(sink)
              .build());
      SplittableRandom random = new SplittableRandom(42);
      for (int i = 0; i < requests; i++) {
        router.predict(OnnxShadowDemo.features(random));
      }
      router.close(); // drains the copies and flushes the sink
    }
  }

  /** Replays the capture in {@code dir} against v2, with production v1 re-run or not. */
  public static ReplayReport replay(Path dir, boolean rerunProduction) throws Exception {
    try (OnnxPredictor<float[], Float> v2 =
            OnnxShadowDemo.scorer("logistic_v2.onnx", OptLevel.ALL_OPT, 1);
        OnnxPredictor<float[], Float> v1 =
            OnnxShadowDemo.scorer("logistic_v1.onnx", OptLevel.ALL_OPT, 1)) {
      return ShadowReplay.builder(JsonLinesSource.open(dir), Variant.builder("v2", v2).build())
          .endpoint(ENDPOINT)
          .inputDecoder(PayloadDecoder.jackson(float[].class))
          .outputDecoder(PayloadDecoder.jackson(Float.class))
          .comparator(OutputComparator.numericTolerance(1e-3, 0))
          .production(rerunProduction ? Variant.builder("v1", v1).build() : null)
          .progressInterval(Duration.ofSeconds(1))
          .progressListener(p -> System.out.printf(Locale.ROOT,
              "  %,d records, %,.0f/s, %,d pairs, verdict %s%n", p.records(),
              p.recordsPerSecond(), p.pairs(), p.verdict()))
          .build()
          .run();
    }
  }
}
