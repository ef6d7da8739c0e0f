package dev.shadowrouting.benchmarks;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.sinks.jsonl.FlushPolicy;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second one {@link JsonLinesSink} writes to one directory (target: at least 200,000),
 * with and without payloads, for the default flush policy (every second) and one write per record.
 * Files rotate at 64 MiB and at most 4 are kept, so the disk used stays bounded.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class JsonLinesSinkBenchmark {

  @Param({"interval", "everyRecord"})
  public String flush;

  @Param({"false", "true"})
  public boolean payloads;

  private Path dir;
  private JsonLinesSink sink;
  private ShadowRecord record;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("jsonl-bench");
    sink = JsonLinesSink.builder(dir)
        .maxFiles(4)
        .flushPolicy(flush.equals("everyRecord")
            ? FlushPolicy.everyRecord() : FlushPolicy.every(Duration.ofSeconds(1)))
        .build();
    record = record(payloads);
  }

  /** A shadow's record as the sinks see it; with payloads, a map of 3 fields and a double. */
  static ShadowRecord record(boolean payloads) {
    ShadowRecord.Builder b = ShadowRecord.builder().endpoint("fraud-score")
        .requestId("3f2a7c1e-9b4d-4e8f-a1c2-7d5e6f8a9b0c").variant("model-v2")
        .role(Role.SHADOW).outcome(Outcome.SUCCESS)
        .timestamp(Instant.parse("2026-11-23T10:15:30.123456789Z")).latencyNanos(2_500_000)
        .queueWaitNanos(40_000).comparison(Comparison.mismatch().withScore(0.12))
        .productionVariant("rules-v1");
    if (payloads) {
      b.input(Map.of("amount", 1234.5, "country", "FR", "features", List.of(0.1, 0.2, 0.3, 0.4)))
          .output(0.91);
    }
    return b.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    sink.close();
    if (sink.failures() > 0) {
      throw new IllegalStateException(sink.failures() + " records failed");
    }
    delete(dir);
  }

  /** Deletes a directory and what is in it. */
  static void delete(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Benchmark
  public void accept() {
    sink.accept(record);
  }
}
