package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads never leak: not into logs (at any level, with stack traces), not into records or their
 * {@code toString}, not into snapshots, not into JSON Lines files, even when a shadow, comparator,
 * redactor or sink fails with the payload in its exception message. With opt-in, records carry
 * only what the redactor made of the payload.
 */
class FaultPayloadLeakTest {

  private static final String SECRET = "s3cr3t-4111-1111-1111-1111";
  private static final String INPUT = "card=" + SECRET;
  private static final String MASK = "[REDACTED]";

  @RegisterExtension
  final LogCapture logs = LogCapture.of("dev.shadowrouting");
  @TempDir
  Path dir;
  /** The file sink of the router under test, closed by each test after the router. */
  private JsonLinesSink files;

  @Test
  void withoutOptInNoPayloadReachesLogsRecordsOrSnapshots() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<String, String> router = router("leak-default", false, sink);
    try {
      for (int i = 0; i < 20; i++) {
        assertThat(router.predict(INPUT, Request.withSamplingKey(SECRET))).isEqualTo("out:" + INPUT);
      }
      Fixtures.awaitQuiescent(router);
    } finally {
      router.close();
      files.close();
    }
    List<ShadowRecord> records = sink.records();
    assertThat(records).hasSize(20 * 4); // production + 3 shadows per request
    assertThat(fileText()).contains("\"variant\":\"throws\"").doesNotContain("\"input\"");
    assertThat(records).allSatisfy(r -> {
      assertThat(r.input()).isNull();
      assertThat(r.output()).isNull();
    });
    assertFailuresWereLogged();
    assertNoSecretIn(records, router.snapshot());
  }

  @Test
  void withOptInRecordsCarryOnlyWhatTheRedactorReturned() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    ShadowRouter<String, String> router = router("leak-opt-in", true, sink);
    try {
      for (int i = 0; i < 20; i++) {
        router.predict(INPUT, Request.withSamplingKey(SECRET));
      }
      Fixtures.awaitQuiescent(router);
    } finally {
      router.close();
      files.close();
    }
    List<ShadowRecord> records = sink.records();
    assertThat(records).hasSize(20 * 4);
    assertThat(fileText()).contains("card=" + MASK);
    // copies rejected at the variant's concurrency limit never ran and carry no payload
    assertThat(sink.records(r -> r.variant().equals("mismatches")
        && r.outcome() == Outcome.SUCCESS)).isNotEmpty().allSatisfy(r -> {
      assertThat(r.input()).isEqualTo("card=" + MASK);
      assertThat(r.output()).isEqualTo("out:card=" + MASK + "!");
    });
    assertThat(sink.records(r -> r.role() == Role.PRODUCTION)).allSatisfy(r -> {
      assertThat(r.input()).isEqualTo("card=" + MASK);
      assertThat(r.output()).isEqualTo("out:card=" + MASK);
    });
    assertFailuresWereLogged();
    assertNoSecretIn(records, router.snapshot());
  }

  @Test
  void aRedactorThatThrowsWithThePayloadDropsItAndLogsNoPayload() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<String, String> router = ShadowRouter.create(
        EndpointConfig.<String, String>builder("leak-redactor")
            .production(Variant.<String, String>builder("prod", in -> "out:" + in)
                .capturePayloads(true).build())
            .shadow(Variant.<String, String>builder("s", in -> "out:" + in)
                .capturePayloads(true).build())
            .redactor((field, payload) -> {
              throw new IllegalStateException("cannot redact " + payload);
            })
            .sink(sink)
            .build())) {
      router.predict(INPUT);
      Fixtures.awaitQuiescent(router);
    }
    assertThat(sink.records()).hasSize(2).allSatisfy(r -> {
      assertThat(r.input()).isNull();
      assertThat(r.output()).isNull();
    });
    assertThat(logs.lines()).anyMatch(line -> line.contains("redactor"));
    assertNoSecretIn(sink.records(), null);
  }

  /**
   * Production echoes the secret; one shadow throws with it, one has a comparator that throws
   * with it, one mismatches; one sink throws with it and one logs every record.
   */
  private ShadowRouter<String, String> router(String name, boolean optIn, InMemorySink sink) {
    files = JsonLinesSink.builder(dir).build();
    return ShadowRouter.create(EndpointConfig.<String, String>builder(name)
        .production(Variant.<String, String>builder("prod", in -> "out:" + in)
            .capturePayloads(optIn).build())
        .shadow(Variant.<String, String>builder("throws", in -> {
          throw new IllegalArgumentException("cannot score " + in);
        }).capturePayloads(optIn).build())
        .shadow(Variant.<String, String>builder("bad-comparator", in -> "out:" + in)
            .comparator((p, s) -> {
              throw new IllegalStateException("cannot compare " + p + " with " + s);
            })
            .capturePayloads(optIn).build())
        .shadow(Variant.<String, String>builder("mismatches", in -> "out:" + in + "!")
            .capturePayloads(optIn).build())
        .redactor((field, payload) -> payload.toString().replace(SECRET, MASK))
        .sink(sink)
        .sink(new ShadowSink() {
          @Override
          public void accept(ShadowRecord record) {
            throw new IllegalStateException("sink failed on " + record.input() + " "
                + record.output());
          }

          @Override
          public String name() {
            return "throwing";
          }
        })
        .sink(ShadowSink.logging(System.Logger.Level.INFO))
        .sink(files)
        .build());
  }

  /** Everything the file sink wrote. */
  private String fileText() throws IOException {
    StringBuilder text = new StringBuilder();
    try (Stream<Path> paths = Files.list(dir)) {
      for (Path p : paths.toList()) {
        text.append(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    return text.toString();
  }

  /** Guards against a vacuous pass: the failures must have been logged, just without payloads. */
  private void assertFailuresWereLogged() {
    List<String> lines = logs.lines();
    assertThat(lines).anyMatch(line -> line.contains("'throws'"));
    assertThat(lines).anyMatch(line -> line.contains("comparator"));
    assertThat(lines).anyMatch(line -> line.contains("'throwing'"));
    assertThat(lines).anyMatch(line -> line.contains("ShadowRecord[")); // the logging sink
  }

  private void assertNoSecretIn(List<ShadowRecord> records, RouterSnapshot snapshot) {
    assertThat(logs.lines()).isNotEmpty().noneMatch(line -> line.contains(SECRET));
    assertThat(records).allSatisfy(r -> {
      assertThat(r.toString()).doesNotContain(SECRET);
      assertThat(String.valueOf(r.input())).doesNotContain(SECRET);
      assertThat(String.valueOf(r.output())).doesNotContain(SECRET);
      assertThat(String.valueOf(r.errorType())).doesNotContain(SECRET);
      assertThat(String.valueOf(r.requestId())).doesNotContain(SECRET);
      assertThat(r.comparison().toString()).doesNotContain(SECRET);
    });
    if (snapshot != null) {
      assertThat(snapshot.toString()).doesNotContain(SECRET);
    }
    try {
      assertThat(fileText()).doesNotContain(SECRET);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
