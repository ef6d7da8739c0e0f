package dev.shadowrouting.benchmarks;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.kafka.KafkaSink;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Records per second the Kafka sink delivers, acknowledged by a broker in the same JVM, against
 * the JSON Lines sink writing the same records to a file, in the same run: each operation is a
 * batch of {@value #BATCH} records then {@code flush()} (the Kafka sink's flush waits for every
 * acknowledgement; the file sink's hands its buffer to the OS), so the rate is what is delivered,
 * not what is queued.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class KafkaSinkBenchmark {
  static final int BATCH = 1_000;

  @Param({"kafka", "jsonl"})
  public String sink;

  @Param({"false", "true"})
  public boolean payloads;

  private BenchBroker broker;
  private Path dir;
  private ShadowSink target;
  private ShadowRecord record;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    record = JsonLinesSinkBenchmark.record(payloads);
    if (sink.equals("kafka")) {
      broker = new BenchBroker();
      // a full producer buffer waits (back-pressure on this thread) instead of failing records
      target = KafkaSink.builder(broker.bootstrap()).topic("bench-records")
          .property("max.block.ms", 60_000).build();
    } else {
      dir = Files.createTempDirectory("jsonl-bench");
      target = JsonLinesSink.builder(dir).maxFiles(4).build();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    ((AutoCloseable) target).close();
    if (target instanceof KafkaSink k) {
      System.out.printf("%n[kafka] acknowledged=%d failed=%d%n", k.acknowledged(), k.failed());
      if (k.failed() > 0) {
        throw new IllegalStateException(k.failed() + " records failed");
      }
      broker.close();
    } else {
      JsonLinesSinkBenchmark.delete(dir);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void deliver() {
    for (int i = 0; i < BATCH; i++) {
      target.accept(record);
    }
    target.flush();
  }
}
