package dev.shadowrouting.internal.util;

import java.lang.System.Logger.Level;
import java.lang.System.Logger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Logs the first occurrence of a kind of failure at WARN and every later one at DEBUG, so a shadow,
 * comparator or sink that fails on every request cannot flood the logs (the idea of Micrometer's
 * {@code WarnThenDebugLogger}). Messages name the failing component and the exception type only:
 * exception messages may contain payloads, which are never logged. Thread-safe.
 */
public final class WarnThenDebugLogger {
  private final Logger logger;
  private final String message;
  private final AtomicBoolean warned = new AtomicBoolean();

  public WarnThenDebugLogger(Logger logger, String message) {
    this.logger = logger;
    this.message = message;
  }

  /** Logs one occurrence of this failure. Never throws. */
  public void log(Throwable failure) {
    log(message + ": " + failure.getClass().getName());
  }

  /**
   * Logs one occurrence of a failure that cannot carry a payload (a broker that cannot be
   * reached, a topic that does not exist), with its message. Never throws.
   */
  public void logWithMessage(Throwable failure) {
    log(message + ": " + failure);
  }

  private void log(String text) {
    if (!warned.get() && warned.compareAndSet(false, true)) {
      logger.log(Level.WARNING, text + " (further failures of this kind are logged at DEBUG)");
    } else if (logger.isLoggable(Level.DEBUG)) {
      logger.log(Level.DEBUG, text);
    }
  }
}
