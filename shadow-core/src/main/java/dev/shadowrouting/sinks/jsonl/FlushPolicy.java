package dev.shadowrouting.sinks.jsonl;

import java.time.Duration;

/**
 * When a {@link JsonLinesSink} hands buffered lines to the operating system. Lines handed over
 * survive a crash of the JVM (not of the machine); lines still buffered are lost with it, but never
 * torn: the sink only ever writes whole lines. Whatever the policy, a full buffer (64 KiB), a
 * rotation, {@link JsonLinesSink#flush()} and {@link JsonLinesSink#close()} write the buffer.
 *
 * <p>Immutable and thread-safe.
 */
public final class FlushPolicy {

  enum Kind {
    EVERY_RECORD,
    INTERVAL,
    ON_ROTATION
  }

  private static final FlushPolicy EVERY_RECORD = new FlushPolicy(Kind.EVERY_RECORD, null);
  private static final FlushPolicy ON_ROTATION = new FlushPolicy(Kind.ON_ROTATION, null);

  final Kind kind;
  final Duration interval;

  private FlushPolicy(Kind kind, Duration interval) {
    this.kind = kind;
    this.interval = interval;
  }

  /** One write per record: nothing is lost on a crash, at the cost of a system call per record. */
  public static FlushPolicy everyRecord() {
    return EVERY_RECORD;
  }

  /**
   * Writes at most {@code interval} after a record arrived (a background thread writes when no
   * more records come): a crash loses at most that much. Validated by the sink's {@code build()}.
   */
  public static FlushPolicy every(Duration interval) {
    return new FlushPolicy(Kind.INTERVAL, interval);
  }

  /** Writes only when the buffer is full, on rotation, flush and close: the fastest, least durable. */
  public static FlushPolicy onRotation() {
    return ON_ROTATION;
  }

  @Override
  public String toString() {
    return kind == Kind.INTERVAL ? "every " + interval : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
