package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Payloads never leak: not into logs (at any level, with stack traces), not into records or their
 * {@code toString}, not into snapshots, even when a shadow, comparator, redactor or sink fails with
 * the payload in its exception message. With opt-in, records carry only what the redactor made
 * of the payload.
 */
class FaultPayloadLeakTest {

  private static final String SECRET = "s3cr3t-4111-1111-1111-1111";
  private static final String INPUT = "card=" + SECRET;
  private static final String MASK = "[REDACTED]";

  /** The library logs through System.Logger, backed by JUL here; DEBUG is JUL's FINE. */
  private final Logger library = Logger.getLogger("dev.shadowrouting");
  private final List<String> logged = new ArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public synchronized void publish(LogRecord r) {
      StringBuilder text = new StringBuilder(String.valueOf(r.getMessage()));
      if (r.getParameters() != null) {
        for (Object p : r.getParameters()) {
          text.append(' ').append(p);
        }
      }
      if (r.getThrown() != null) {
        StringWriter trace = new StringWriter();
        r.getThrown().printStackTrace(new PrintWriter(trace));
        text.append(' ').append(trace);
      }
      logged.add(text.toString());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Level previousLevel;

  @BeforeEach
  void captureLogs() {
    previousLevel = library.getLevel();
    library.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    library.addHandler(capture);
    library.setUseParentHandlers(false); // keeps the build output free of the records logged
  }

  @AfterEach
  void restoreLogs() {
    library.removeHandler(capture);
    library.setUseParentHandlers(true);
    library.setLevel(previousLevel);
  }

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
    }
    List<ShadowRecord> records = sink.records();
    assertThat(records).hasSize(20 * 4); // production + 3 shadows per request
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
    }
    List<ShadowRecord> records = sink.records();
    assertThat(records).hasSize(20 * 4);
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
    assertThat(logged).anyMatch(line -> line.contains("redactor"));
    assertNoSecretIn(sink.records(), null);
  }

  /**
   * Production echoes the secret; one shadow throws with it, one has a comparator that throws
   * with it, one mismatches; one sink throws with it and one logs every record.
   */
  private static ShadowRouter<String, String> router(String name, boolean optIn,
      InMemorySink sink) {
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
        .build());
  }

  /** Guards against a vacuous pass: the failures must have been logged, just without payloads. */
  private void assertFailuresWereLogged() {
    synchronized (capture) {
      assertThat(logged).anyMatch(line -> line.contains("'throws'"));
      assertThat(logged).anyMatch(line -> line.contains("comparator"));
      assertThat(logged).anyMatch(line -> line.contains("'throwing'"));
      assertThat(logged).anyMatch(line -> line.contains("ShadowRecord[")); // the logging sink
    }
  }

  private void assertNoSecretIn(List<ShadowRecord> records, RouterSnapshot snapshot) {
    synchronized (capture) {
      assertThat(logged).isNotEmpty().noneMatch(line -> line.contains(SECRET));
    }
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
  }
}
