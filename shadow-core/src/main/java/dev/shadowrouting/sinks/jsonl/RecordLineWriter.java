package dev.shadowrouting.sinks.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.internal.Documents;
import dev.shadowrouting.internal.Json;
import dev.shadowrouting.internal.util.OptionalDependency;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Serialises a {@link ShadowRecord} as one line of the JSON Lines sink (schema {@value
 * ShadowRecord#SCHEMA_VERSION}, documented in the README), without the newline: the one
 * serialiser of records, shared by {@link JsonLinesSink} and sinks of other modules (the Kafka
 * sink writes the same bytes as its record values), so every copy of a record reads the same and
 * {@link ShadowRecords} reads them all. Payloads go through a {@link PayloadWriter}.
 *
 * <p>Not thread-safe: one instance per thread (a sink's delivery thread, under the sink's lock).
 */
public final class RecordLineWriter {
  private final PayloadWriter payloads;
  /** The record being serialised. */
  private final Json line = new Json(this::writePayload);
  /** Writes into {@link #line} for the {@link PayloadWriter}. */
  private JsonGenerator generator;

  /** Without the dependency check: the JSON Lines sink made it already. */
  RecordLineWriter(PayloadWriter payloads) {
    this.payloads = Objects.requireNonNull(payloads, "payloads");
    this.generator = newGenerator();
  }

  /**
   * A writer whose payloads go through {@code payloads} ({@link PayloadWriter#defaults()} for
   * none).
   *
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-core} is missing
   */
  public static RecordLineWriter create(PayloadWriter payloads) {
    OptionalDependency.require(JsonLinesSink.JACKSON, JsonLinesSink.JACKSON_ARTIFACT,
        "RecordLineWriter");
    return new RecordLineWriter(payloads);
  }

  /**
   * The record's line as a new array of UTF-8 bytes (no newline).
   *
   * @throws RuntimeException what the payload writer threw (the writer stays usable)
   */
  public byte[] toBytes(ShadowRecord record) {
    write(record);
    return Arrays.copyOf(line.bytes(), line.size());
  }

  /**
   * Serialises {@code record} into this writer's buffer ({@link #bytes()}, {@link #size()}),
   * replacing the previous one. A payload writer that throws leaves the buffer unspecified and the
   * writer usable.
   */
  void write(ShadowRecord record) {
    line.reset();
    try {
      Documents.record(record, line);
    } catch (RuntimeException e) {
      generator = newGenerator(); // a payload writer may have failed half-way: its state is unknown
      throw e;
    }
  }

  /** The buffer {@link #write} filled; valid until the next call. */
  byte[] bytes() {
    return line.bytes();
  }

  /** The length of the line in {@link #bytes()}. */
  int size() {
    return line.size();
  }

  /** The payload writer's generator sees each value it writes as a new document: no separator. */
  private JsonGenerator newGenerator() {
    try {
      JsonGenerator g = RecordJson.FACTORY.createGenerator(line.raw());
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the target is memory
    }
  }

  /** Asks the payload writer to write {@code value}; what it wrote goes into the line at once. */
  private boolean writePayload(Object value) {
    try {
      if (!payloads.write(value, generator)) {
        return false;
      }
      generator.flush();
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
