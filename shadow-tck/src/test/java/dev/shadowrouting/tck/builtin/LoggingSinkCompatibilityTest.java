package dev.shadowrouting.tck.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ShadowSink.logging()}: what it saw is what reached its logger, {@code
 * dev.shadowrouting.records} (System.Logger reaches java.util.logging here), one line per record.
 */
class LoggingSinkCompatibilityTest extends ShadowSinkCompatibilityKit<ShadowSink> {
  /** Held strongly: java.util.logging keeps loggers only weakly. */
  private static final Logger RECORDS = Logger.getLogger("dev.shadowrouting.records");
  private static final Pattern REQUEST_ID = Pattern.compile("requestId=([^,\\]]*)");

  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      lines.add(String.valueOf(record.getMessage()));
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureTheRecordsLogger() {
    RECORDS.addHandler(capture);
    RECORDS.setUseParentHandlers(false); // thousands of lines would flood the build output
  }

  @AfterEach
  void restoreTheRecordsLogger() {
    RECORDS.removeHandler(capture);
    RECORDS.setUseParentHandlers(true);
  }

  @Override
  protected ShadowSink createSink() {
    lines.clear(); // one sink per test: what the logger got since is what this sink saw
    return ShadowSink.logging();
  }

  @Override
  protected Optional<List<String>> requestIdsSeen(ShadowSink sink) {
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      Matcher m = REQUEST_ID.matcher(line);
      assertThat(m.find()).as("a logged record names its request id: %s", line).isTrue();
      ids.add(m.group(1).equals("null") ? null : m.group(1));
    }
    return Optional.of(ids);
  }

  @Test
  void loggedLinesNeverShowPayloads() throws Exception {
    noPayloadsInToStringOrName(); // the kit's check sends records that hold its secret...
    assertThat(lines).isNotEmpty().noneMatch(l -> l.contains("4c7e19a2")); // ...never logged
  }
}
