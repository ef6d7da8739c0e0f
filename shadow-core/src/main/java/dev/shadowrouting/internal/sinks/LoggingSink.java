package dev.shadowrouting.internal.sinks;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import java.lang.System.Logger.Level;
import java.lang.System.Logger;

/**
 * Logs one line per record through {@code System.Logger} "dev.shadowrouting.records". The line
 * is {@link ShadowRecord#toString()}, which never prints payloads. Thread-safe.
 */
public final class LoggingSink implements ShadowSink {
  private static final Logger LOGGER = System.getLogger("dev.shadowrouting.records");
  private final Level level;

  public LoggingSink(Level level) {
    this.level = level;
  }

  @Override
  public void accept(ShadowRecord record) {
    if (LOGGER.isLoggable(level)) {
      LOGGER.log(level, record.toString());
    }
  }

  @Override
  public String name() {
    return "logging";
  }
}
