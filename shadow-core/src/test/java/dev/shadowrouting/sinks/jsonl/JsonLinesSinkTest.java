package dev.shadowrouting.sinks.jsonl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.LogCapture;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.sinks.SinkFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesSinkTest {
  @TempDir
  Path tmp;

  private static final String GOLDEN = "{\"schema\":2,\"ts\":\"2026-11-23T10:15:30.123456789Z\","
      + "\"endpoint\":\"scoring\",\"request_id\":\"req-1\",\"variant\":\"candidate\","
      + "\"role\":\"SHADOW\",\"outcome\":\"SUCCESS\",\"latency_ns\":2500000,"
      + "\"queue_wait_ns\":40000,\"comparison\":\"MISMATCH\",\"score\":0.25,"
      + "\"differing_paths\":[\"label\",\"score\"],\"production_variant\":\"prod\","
      + "\"input\":{\"amount\":12.5,\"country\":\"FR\",\"items\":[1,2,3]},"
      + "\"output\":{\"label\":\"fraud\",\"score\":0.91}}";

  private static final String GOLDEN_REJECTED = "{\"schema\":2,"
      + "\"ts\":\"2026-11-23T10:15:30.123456789Z\",\"endpoint\":\"scoring\","
      + "\"request_id\":\"req-1\",\"variant\":\"candidate\",\"role\":\"SHADOW\","
      + "\"outcome\":\"REJECTED\",\"reject_reason\":\"QUEUE_FULL\",\"comparison\":\"NOT_COMPARED\","
      + "\"production_variant\":\"prod\"}";

  static ShadowRecord fullRecord() {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("amount", 12.5);
    input.put("country", "FR");
    input.put("items", new int[] {1, 2, 3});
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("label", "fraud");
    output.put("score", 0.91);
    return SinkFixtures.shadow(Outcome.SUCCESS)
        .comparison(Comparison.mismatch(List.of("label", "score")).withScore(0.25))
        .input(input)
        .output(output)
        .build();
  }

  @Test
  void writesTheDocumentedSchemaExactly() throws IOException {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      sink.accept(fullRecord());
      sink.accept(SinkFixtures.rejected(RejectReason.QUEUE_FULL));
    }
    assertThat(Files.readAllLines(onlyFile(), UTF_8)).containsExactly(GOLDEN, GOLDEN_REJECTED);
  }

  /** Other sinks (Kafka's) write the same bytes through the same serialiser, payload writer too. */
  @Test
  void theRecordLineWriterWritesTheSinksLinesAndSurvivesAFailingPayloadWriter() {
    RecordLineWriter writer = RecordLineWriter.create(PayloadWriter.defaults());
    assertThat(new String(writer.toBytes(fullRecord()), UTF_8)).isEqualTo(GOLDEN);
    assertThat(new String(writer.toBytes(SinkFixtures.rejected(RejectReason.QUEUE_FULL)), UTF_8))
        .isEqualTo(GOLDEN_REJECTED);
    AtomicInteger calls = new AtomicInteger();
    RecordLineWriter failingOnce = RecordLineWriter.create((value, g) -> {
      if (calls.incrementAndGet() == 1) {
        g.writeStartArray(); // half-way, then fails
        throw new IllegalStateException("payload writer bug");
      }
      return false;
    });
    assertThatThrownBy(() -> failingOnce.toBytes(fullRecord()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(new String(failingOnce.toBytes(fullRecord()), UTF_8)).isEqualTo(GOLDEN);
  }

  @Test
  void writesPayloadsOnlyWhenTheRecordHasThem() throws IOException {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    }
    String line = Files.readString(onlyFile(), UTF_8);
    assertThat(line).doesNotContain("\"input\"", "\"output\"").endsWith("}\n");
  }

  @Test
  void readsBackWhatItWrote() throws IOException {
    ShadowRecord error = SinkFixtures.shadow(Outcome.ERROR).errorType("java.io.IOException")
        .requestId(null).build();
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      sink.accept(fullRecord());
      sink.accept(error);
      sink.accept(SinkFixtures.production());
    }
    List<ShadowRecord> back = ShadowRecords.read(onlyFile()).records();

    assertThat(back).hasSize(3);
    ShadowRecord full = back.get(0);
    assertThat(full).usingRecursiveComparison().ignoringFields("input", "output")
        .isEqualTo(fullRecord());
    assertThat(full.input()).isEqualTo(
        Map.of("amount", 12.5, "country", "FR", "items", List.of(1, 2, 3)));
    assertThat(full.output()).isEqualTo(Map.of("label", "fraud", "score", 0.91));
    assertThat(back.get(1)).usingRecursiveComparison().isEqualTo(error);
    assertThat(back.get(2)).usingRecursiveComparison().isEqualTo(SinkFixtures.production());
  }

  @Test
  void serialisesUnknownPayloadTypesWithThePayloadWriterElseToString() throws IOException {
    record Point(int x, int y) {}
    PayloadWriter points = (value, g) -> {
      if (value instanceof Point p) {
        g.writeStartArray();
        g.writeNumber(p.x());
        g.writeNumber(p.y());
        g.writeEndArray();
        return true;
      }
      return false;
    };
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).payloadWriter(points).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS)
          .input(List.of(new Point(1, 2), new Point(3, 4)))
          .output(new StringBuilder("sb")).build());
    }
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).prefix("plain").build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).input(new Point(5, 6)).build());
    }
    List<ShadowRecord> back = ShadowRecords.readAll(tmp).records();
    assertThat(back).extracting(ShadowRecord::input)
        .containsExactlyInAnyOrder(List.of(List.of(1, 2), List.of(3, 4)), "Point[x=5, y=6]");
  }

  @Test
  void dropsAndCountsARecordWhosePayloadCannotBeWrittenAndCarriesOn() throws IOException {
    PayloadWriter failing = (value, g) -> {
      if ("boom".equals(value)) {
        g.writeStartObject(); // half-written, then fails: the generator must be reset
        throw new IOException("cannot write");
      }
      return false;
    };
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).payloadWriter(failing).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId("a").build());
      assertThatCode(() -> sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).input(List.of("boom"))
          .build())).doesNotThrowAnyException();
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId("c").build());
      assertThat(sink.failures()).isEqualTo(1);
    }
    ShadowRecords back = ShadowRecords.read(onlyFile());
    assertThat(back.records()).extracting(ShadowRecord::requestId).containsExactly("a", "c");
    assertThat(back.skippedLines()).isZero();
  }

  @Test
  void rotatesBySizeAndKeepsTheNewestFiles() throws IOException {
    int n = 60;
    JsonLinesSink sink = JsonLinesSink.builder(tmp).maxFileBytes(1024).maxFiles(3).build();
    for (int i = 0; i < n; i++) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId(Integer.toString(i)).build());
    }
    sink.close();
    assertThat(sink.written()).isEqualTo(n);
    List<Path> files = JsonLinesSink.files(tmp, "*.jsonl");
    assertThat(files).hasSize(3);
    for (Path f : files) {
      assertThat(Files.size(f)).isLessThanOrEqualTo(1024);
      assertThat(ShadowRecords.read(f).skippedLines()).isZero();
    }
    List<String> ids = ShadowRecords.readAll(tmp).stream().map(ShadowRecord::requestId).toList();
    assertThat(ids).isNotEmpty().last().isEqualTo(Integer.toString(n - 1));
    int first = Integer.parseInt(ids.get(0));
    assertThat(first).isPositive(); // the oldest files were deleted
    assertThat(ids).containsExactlyElementsOf(
        IntStream.range(first, n).mapToObj(Integer::toString).toList());
  }

  @Test
  void rotatesByTime() throws IOException {
    MutableClock clock = new MutableClock();
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).clock(clock)
        .rotationInterval(Duration.ofMinutes(10)).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      clock.advance(Duration.ofMinutes(9));
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      assertThat(JsonLinesSink.files(tmp, "*.jsonl")).hasSize(1);
      clock.advance(Duration.ofMinutes(1));
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    }
    List<Path> files = JsonLinesSink.files(tmp, "*.jsonl");
    assertThat(files).hasSize(2);
    assertThat(files.get(0).getFileName().toString())
        .startsWith("shadow-records-20261123T100000000Z-");
    assertThat(files.get(1).getFileName().toString())
        .startsWith("shadow-records-20261123T101000000Z-");
    assertThat(ShadowRecords.read(files.get(0)).size()).isEqualTo(2);
    assertThat(ShadowRecords.read(files.get(1)).size()).isEqualTo(1);
  }

  @Test
  void createsDirectoriesAndFilesOwnerOnly() throws IOException {
    Path existing = Files.createDirectory(tmp.resolve("existing"));
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path dir = existing.resolve("a").resolve("b");
    try (JsonLinesSink sink = JsonLinesSink.builder(dir).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    }
    // exact sets: whatever the umask of this JVM, the sink sets them explicitly
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)))
        .isEqualTo("rwxr-xr-x");
    assertThat(PosixFilePermissions.toString(
        Files.getPosixFilePermissions(JsonLinesSink.files(dir, "*.jsonl").get(0))))
        .isEqualTo("rw-------");
  }

  @Test
  void everyRecordPolicyWritesEachRecordAtOnce() throws IOException {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).flushPolicy(FlushPolicy.everyRecord())
        .build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      assertThat(ShadowRecords.read(sink.currentFile()).size()).isEqualTo(1);
      assertThat(sink.written()).isEqualTo(1);
    }
  }

  @Test
  void onRotationPolicyWritesOnlyOnFlushRotationOrAFullBuffer() throws IOException {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).flushPolicy(FlushPolicy.onRotation())
        .build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      assertThat(Files.size(sink.currentFile())).isZero();
      sink.flush();
      assertThat(ShadowRecords.read(sink.currentFile()).size()).isEqualTo(1);
    }
  }

  @Test
  void intervalPolicyWritesInTheBackgroundWhenRecordsStop() throws IOException {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp)
        .flushPolicy(FlushPolicy.every(Duration.ofMillis(50))).build()) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      Path file = sink.currentFile();
      await().atMost(5, TimeUnit.SECONDS).until(() -> ShadowRecords.read(file).size() == 1);
      assertThat(sink.written()).isEqualTo(1);
    }
  }

  @Test
  void anUnwritableDirectoryIsCountedAndWarnedOnceNeverThrown() throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
    try (LogCapture logs = LogCapture.of("dev.shadowrouting.sinks.jsonl");
        JsonLinesSink sink = JsonLinesSink.builder(notADirectory.resolve("records")).build()) {
      assertThatCode(() -> {
        for (int i = 0; i < 5; i++) {
          sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
        }
        sink.flush();
      }).doesNotThrowAnyException();
      assertThat(sink.failures()).isEqualTo(5);
      assertThat(sink.written()).isZero();
      // warned once; later failures (retries are at most once a second) never at WARN again
      assertThat(logs.records()).filteredOn(r -> r.getLevel() == java.util.logging.Level.WARNING)
          .hasSize(1);
    }
  }

  @Test
  void failuresAfterAcceptReachTheRoutersSnapshotAndMeters() throws Exception {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    try (LogCapture logs = LogCapture.of("dev.shadowrouting");
        JsonLinesSink sink = JsonLinesSink.builder(notADirectory.resolve("records"))
            .flushPolicy(FlushPolicy.everyRecord()).build();
        dev.shadowrouting.ShadowRouter<Integer, Integer> router =
            dev.shadowrouting.ShadowRouter.create(
                dev.shadowrouting.EndpointConfig.<Integer, Integer>builder("unwritable")
                    .production("v1", in -> in)
                    .shadow("v2", in -> in)
                    .sink(sink)
                    .sink(dev.shadowrouting.sinks.micrometer.MicrometerSink.create(registry))
                    .testMode(true)
                    .build())) {
      for (int i = 0; i < 10; i++) {
        router.predict(i);
      }
      assertThat(router.awaitIdle(Duration.ofSeconds(20))).isTrue();
      dev.shadowrouting.RouterSnapshot.SinkStats stats = router.snapshot().sinks().get(0);
      assertThat(stats.delivered()).isEqualTo(20); // accepted by the sink...
      assertThat(stats.failed()).isEqualTo(20); // ...which then could not write them
      // the meters read snapshots cached for 100 ms
      await().atMost(Duration.ofSeconds(20)).until(() -> registry.get("shadow.sink.failed")
          .tag("sink", stats.name()).functionCounter().count() == 20);
    }
  }

  @Test
  void verifyWritableFailsFastAtBuild() throws IOException {
    Path notADirectory = Files.writeString(tmp.resolve("file"), "x");
    assertThatThrownBy(() -> JsonLinesSink.builder(notADirectory.resolve("records"))
            .verifyWritable(true).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not writable");
    try (JsonLinesSink ok = JsonLinesSink.builder(tmp.resolve("fine")).verifyWritable(true)
        .build()) {
      assertThat(tmp.resolve("fine")).isDirectory();
      assertThat(JsonLinesSink.files(tmp.resolve("fine"), "*")).isEmpty(); // the probe is gone
    }
  }

  @Test
  void aFullDiskIsCountedAndTheSinkRecoversInANewFile() throws IOException {
    Path devFull = Path.of("/dev/full");
    assumeTrue(Files.isWritable(devFull), "needs /dev/full");
    MutableClock clock = new MutableClock();
    AtomicInteger opens = new AtomicInteger();
    JsonLinesSink.FileOpener fullOnce = file -> opens.getAndIncrement() == 0
        ? FileChannel.open(devFull, StandardOpenOption.WRITE) // every write: ENOSPC
        : OwnerOnlyFiles.createAppendOnly(file);
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).flushPolicy(FlushPolicy.everyRecord())
        .clock(clock).opener(fullOnce).build()) {
      assertThatCode(() -> sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build()))
          .doesNotThrowAnyException();
      assertThat(sink.failures()).isEqualTo(1);
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build()); // within the reopen back-off
      assertThat(sink.failures()).isEqualTo(2);

      clock.advance(Duration.ofSeconds(1));
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId("after").build());
      assertThat(sink.failures()).isEqualTo(2);
      assertThat(sink.written()).isEqualTo(1);
    }
    assertThat(ShadowRecords.readAll(tmp).records()).extracting(ShadowRecord::requestId)
        .containsExactly("after");
  }

  @Test
  void recordsAfterCloseAreCountedNotWritten() throws IOException {
    JsonLinesSink sink = JsonLinesSink.builder(tmp).build();
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    sink.close();
    sink.close();
    sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
    assertThat(sink.failures()).isEqualTo(1);
    assertThat(ShadowRecords.readAll(tmp).size()).isEqualTo(1);
  }

  @Test
  void validatesEverySettingAtOnce() {
    assertThatThrownBy(() -> JsonLinesSink.builder(tmp).maxFileBytes(10).maxFiles(0)
        .prefix("../x").rotationInterval(Duration.ofSeconds(-1))
        .flushPolicy(FlushPolicy.every(Duration.ZERO)).payloadWriter(null).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 errors")
        .hasMessageContaining("maxFileBytes must be in [1024, 9223372036854775807] but was 10")
        .hasMessageContaining("maxFiles must be in [1, 1000000] but was 0")
        .hasMessageContaining("prefix must contain only letters, digits, '.', '_' and '-' but was")
        .hasMessageContaining("rotationInterval must be a duration in [0, PT87600H] but was PT-1S")
        .hasMessageContaining("flushPolicy interval must be a duration in (0, PT24H] but was PT0S")
        .hasMessageContaining("payloadWriter must not be null");
  }

  @Test
  void readerSkipsATornLastLineAndCountsIt() throws IOException {
    Path file;
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      for (int i = 0; i < 3; i++) {
        sink.accept(fullRecord());
      }
      sink.flush();
      file = sink.currentFile();
    }
    byte[] line = GOLDEN.getBytes(UTF_8);
    Files.write(file, Arrays.copyOf(line, line.length / 2), StandardOpenOption.APPEND);

    ShadowRecords back = ShadowRecords.read(file);
    assertThat(back.size()).isEqualTo(3);
    assertThat(back.skippedLines()).isEqualTo(1);
  }

  @Test
  void aKilledWriterLeavesOnlyCompleteLinesAndOwnerOnlyFilesWhateverTheUmask() throws Exception {
    int ready = 2_000;
    Path dir = tmp.resolve("crash");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // umask 000 would make files world-writable if the sink relied on the creation mode alone
    String command = "umask 000 && exec \"$0\" -cp \"$1\" " + CrashingWriter.class.getName()
        + " \"$2\" " + ready;
    Process child = new ProcessBuilder("/bin/sh", "-c", command, java,
        System.getProperty("java.class.path"), dir.toString())
        .redirectErrorStream(true)
        .start();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), UTF_8))) {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = out.readLine()) != null && !line.equals("ready")) {
        lines.add(line);
      }
      assertThat(line).as("child output: %s", lines).isEqualTo("ready");
      child.destroyForcibly(); // SIGKILL, mid-stream
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }

    List<Path> files = JsonLinesSink.files(dir, "*.jsonl");
    for (int i = 0; i < files.size() - 1; i++) {
      assertThat(ShadowRecords.read(files.get(i)).skippedLines()).isZero();
    }
    ShadowRecords back = ShadowRecords.readAll(dir);
    assertThat(back.skippedLines()).isLessThanOrEqualTo(1);
    assertThat(back.size()).isGreaterThanOrEqualTo(ready);
    List<String> ids = back.stream().map(ShadowRecord::requestId).toList();
    assertThat(ids).containsExactlyElementsOf(
        LongStream.range(0, ids.size()).mapToObj(Long::toString).toList());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    for (Path f : files) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
          .isEqualTo("rw-------");
    }
  }

  private Path onlyFile() throws IOException {
    List<Path> files = JsonLinesSink.files(tmp, "*.jsonl");
    assertThat(files).hasSize(1);
    return files.get(0);
  }
}
