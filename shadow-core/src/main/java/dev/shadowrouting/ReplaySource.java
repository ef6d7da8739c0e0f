package dev.shadowrouting;

import java.io.IOException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Captured records for {@link ShadowReplay}, read one at a time in capture order: JSON Lines
 * files ({@code dev.shadowrouting.sinks.jsonl.JsonLinesSource}) or any other store of the records'
 * schema (a topic, a table). An implementation yields every entry it reads: a record, or a
 * malformed entry with its location and what is wrong with it, so that nothing is skipped without
 * being counted.
 *
 * <p>A source is read once, by one thread (the replay's), and closed by the replay when it is done
 * or fails. Implementations need not be thread-safe.
 */
public interface ReplaySource extends AutoCloseable {

  /**
   * The next entry, or {@code null} once the source is exhausted. May block (a remote source).
   *
   * @throws IOException if the source cannot be read any further (a malformed entry is not an
   *     exception: it is an {@link Entry#malformed} entry)
   */
  @Nullable Entry next() throws IOException;

  /**
   * How much of the source has been read, in [0, 1], for the progress' ETA; NaN when unknown
   * (the default).
   */
  default double fractionRead() {
    return Double.NaN;
  }

  /** What is read, for logs and the report: "3 files in /data/capture". */
  String description();

  /** Releases what the source holds. Idempotent. */
  @Override
  void close() throws IOException;

  /**
   * One entry of a source: a record, or a malformed entry that could not be read as one.
   * Immutable and thread-safe.
   *
   * @param location where the entry is, for a person: {@code file:line}, {@code topic-0@1234}
   * @param record the record, or {@code null} when malformed
   * @param problem what is wrong with a malformed entry (never its content: it may hold
   *     payloads), or {@code null}
   */
  record Entry(String location, @Nullable ShadowRecord record, @Nullable String problem) {

    /** Exactly one of record and problem. */
    public Entry {
      Objects.requireNonNull(location, "location");
      if ((record == null) == (problem == null)) {
        throw new IllegalArgumentException("an entry has a record or a problem, not "
            + (record == null ? "neither" : "both"));
      }
    }

    /** A record read at {@code location}. */
    public static Entry of(String location, ShadowRecord record) {
      return new Entry(location, Objects.requireNonNull(record, "record"), null);
    }

    /** An entry at {@code location} that is not a valid record, and why. */
    public static Entry malformed(String location, String problem) {
      return new Entry(location, null, Objects.requireNonNull(problem, "problem"));
    }

    /** True if this entry could not be read as a record. */
    public boolean isMalformed() {
      return record == null;
    }
  }
}
