package dev.shadowrouting;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Captures what a logger (and its children) logs at every level, for tests. The library logs
 * through {@code System.Logger}, which reaches java.util.logging here: WARN is JUL's WARNING,
 * DEBUG is FINE. Closing restores the logger. Capturing starts when it is created; use it in a
 * try-with-resources block, or as a JUnit field
 * {@code @RegisterExtension final LogCapture logs = LogCapture.of(...)}, which closes it after
 * each test. Thread-safe.
 */
public final class LogCapture implements AutoCloseable, AfterEachCallback {
  private final Logger logger;
  private final Level previousLevel;
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();
  private final Handler handler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  private LogCapture(String name) {
    this.logger = Logger.getLogger(name);
    this.previousLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    handler.setLevel(Level.ALL);
    logger.addHandler(handler);
    logger.setUseParentHandlers(false); // keeps the build output free of what tests provoke
  }

  /** Starts capturing {@code loggerName} and its children. */
  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  public List<LogRecord> records() {
    return List.copyOf(records);
  }

  /** The records at {@code level} whose message contains {@code text}. */
  public List<LogRecord> records(Level level, String text) {
    return records.stream()
        .filter(r -> r.getLevel() == level && String.valueOf(r.getMessage()).contains(text))
        .toList();
  }

  /** Each record as the full text a log file would show: message, parameters, stack trace. */
  public List<String> lines() {
    return records.stream().map(LogCapture::fullText).toList();
  }

  private static String fullText(LogRecord r) {
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
    return text.toString();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }

  @Override
  public void close() {
    logger.removeHandler(handler);
    logger.setUseParentHandlers(true);
    logger.setLevel(previousLevel);
  }
}
