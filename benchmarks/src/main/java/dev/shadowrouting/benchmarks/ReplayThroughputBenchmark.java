package dev.shadowrouting.benchmarks;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.PayloadDecoder;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ReplayReport;
import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowReplay;
import dev.shadowrouting.Variant;
import dev.shadowrouting.onnx.InputMapper;
import dev.shadowrouting.onnx.ModelSource;
import dev.shadowrouting.onnx.OnnxPredictor;
import dev.shadowrouting.onnx.OutputMapper;
import dev.shadowrouting.sinks.jsonl.FlushPolicy;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.JsonLinesSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Replay throughput in records per second: one operation replays a capture of {@value #RECORDS}
 * production records (the ONNX demo's traffic: four float features in, a float score out, as the
 * JSON Lines sink writes them with payload capture on), against a trivial candidate and against
 * an ONNX candidate (the 4-feature logistic scorer, batch 1, one intra-op thread), with and
 * without production re-run. Baselines in the same run: reading the capture alone ({@code
 * readCapture}: the JSON Lines source and the record parser), reading and decoding it ({@code
 * readAndDecode}: Jackson into {@code float[]} and {@code Float}), and the ONNX model called
 * directly on the decoded inputs in a loop ({@code onnxDirect}).
 *
 * <p>Run (2 shared cores here: short runs, one fork): {@code java -jar
 * benchmarks/target/benchmarks.jar ReplayThroughputBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplayThroughputBenchmark {
  static final int RECORDS = 10_000;
  private static final String MODEL = "dev/shadowrouting/benchmarks/models/logistic_v1.onnx";
  private static final PayloadDecoder<float[]> INPUT = PayloadDecoder.jackson(float[].class);
  private static final PayloadDecoder<Float> OUTPUT = PayloadDecoder.jackson(Float.class);
  /** Held so the level sticks: a replay logs two INFO lines per operation otherwise. */
  private static final Logger REPLAY_LOG = Logger.getLogger("dev.shadowrouting.replay");

  private Path capture;
  private float[][] inputs;
  private OnnxPredictor<float[], Float> candidateModel;
  private OnnxPredictor<float[], Float> productionModel;
  private final Predictor<float[], Float> trivial = in -> 0.5f;

  @Setup
  public void setUp() throws IOException {
    REPLAY_LOG.setLevel(Level.WARNING);
    capture = Files.createTempDirectory("replay-bench");
    byte[] model;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(MODEL)) {
      model = in.readAllBytes();
    }
    candidateModel = onnx(model);
    productionModel = onnx(model);
    SplittableRandom random = new SplittableRandom(42);
    inputs = new float[RECORDS][];
    try (JsonLinesSink sink = JsonLinesSink.builder(capture)
        .flushPolicy(FlushPolicy.onRotation()).build()) {
      Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
      for (int i = 0; i < RECORDS; i++) {
        float[] x = new float[4];
        for (int f = 0; f < x.length; f++) {
          x[f] = (float) (random.nextDouble() * 4 - 2);
        }
        inputs[i] = x;
        Float score;
        try {
          score = productionModel.predict(x);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
        sink.accept(ShadowRecord.builder().endpoint("fraud-score").requestId("r" + i)
            .variant("v1").role(Role.PRODUCTION).outcome(Outcome.SUCCESS)
            .latencyNanos(20_000).timestamp(t0.plusMillis(i)).input(x).output(score).build());
      }
    }
  }

  private static OnnxPredictor<float[], Float> onnx(byte[] model) {
    return OnnxPredictor.builder(ModelSource.bytes(model))
        .intraOpThreads(1)
        .optimizationLevel(OptLevel.ALL_OPT)
        .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
  }

  @TearDown
  public void tearDown() throws Exception {
    candidateModel.close();
    productionModel.close();
    try (Stream<Path> files = Files.walk(capture)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private ReplayReport replay(Predictor<float[], Float> candidate,
      Predictor<float[], Float> production, int parallelism) throws Exception {
    ReplayReport r = ShadowReplay.builder(JsonLinesSource.open(capture),
            Variant.builder("v2", candidate).build())
        .production(production == null ? null : Variant.builder("v1", production).build())
        .inputDecoder(INPUT)
        .outputDecoder(OUTPUT)
        .comparator(OutputComparator.numericTolerance(1e-3, 0))
        .parallelism(parallelism)
        .build()
        .run();
    if (r.replayed() != RECORDS) {
      throw new IllegalStateException("replayed " + r.replayed() + " of " + RECORDS);
    }
    return r;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void readCapture(Blackhole bh) throws IOException {
    try (ReplaySource source = JsonLinesSource.open(capture)) {
      for (ReplaySource.Entry e = source.next(); e != null; e = source.next()) {
        bh.consume(e);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void readAndDecode(Blackhole bh) throws Exception {
    try (ReplaySource source = JsonLinesSource.open(capture)) {
      for (ReplaySource.Entry e = source.next(); e != null; e = source.next()) {
        bh.consume(INPUT.decode(e.record().input()));
        bh.consume(OUTPUT.decode(e.record().output()));
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public ReplayReport trivialCandidate1Thread() throws Exception {
    return replay(trivial, null, 1);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public ReplayReport trivialCandidate2Threads() throws Exception {
    return replay(trivial, null, 2);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void onnxDirect(Blackhole bh) throws Exception {
    for (float[] x : inputs) {
      bh.consume(candidateModel.predict(x));
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public ReplayReport onnxCandidate1Thread() throws Exception {
    return replay(candidateModel, null, 1);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public ReplayReport onnxCandidate2Threads() throws Exception {
    return replay(candidateModel, null, 2);
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public ReplayReport onnxCandidateAndProductionRerun2Threads() throws Exception {
    return replay(candidateModel, productionModel, 2);
  }
}
