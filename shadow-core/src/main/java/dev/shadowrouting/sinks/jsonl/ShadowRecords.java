package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.internal.util.OptionalDependency;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records read back from JSON Lines files written by {@link JsonLinesSink} (or anything producing
 * the same schema). Lines that are not a complete record, typically the torn last line of a crashed
 * writer, are skipped and counted in {@link #skippedLines()}. Payloads come back as plain Java
 * values (Map, List, String, Number, Boolean). Captured contexts are not serialised.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShadowRecords {
  private final List<ShadowRecord> records;
  private final long skippedLines;

  private ShadowRecords(List<ShadowRecord> records, long skippedLines) {
    this.records = List.copyOf(records);
    this.skippedLines = skippedLines;
  }

  /** Reads one file. */
  public static ShadowRecords read(Path file) throws IOException {
    return readFiles(List.of(file), file.toString());
  }

  /** Reads every {@code *.jsonl} file of {@code directory}, in name (so time) order. */
  public static ShadowRecords readAll(Path directory) throws IOException {
    OptionalDependency.require(JsonLinesSink.JACKSON, JsonLinesSink.JACKSON_ARTIFACT,
        "ShadowRecords");
    return readFiles(JsonLinesSink.files(directory, "*" + JsonLinesSink.SUFFIX),
        directory.toString());
  }

  /**
   * One record from its JSON form (one line of a capture, or a message a {@code KafkaSink} wrote):
   * the reader of every {@link dev.shadowrouting.ReplaySource} over this schema. Unknown fields
   * are skipped (a newer minor writer may add some).
   *
   * @throws IOException if {@code json} is not one complete, valid record; the message says why
   *     and never quotes the content (it may hold payloads)
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-core} is missing
   */
  public static ShadowRecord parse(String json) throws IOException {
    OptionalDependency.require(JsonLinesSink.JACKSON, JsonLinesSink.JACKSON_ARTIFACT,
        "ShadowRecords");
    return RecordJson.read(json);
  }

  private static ShadowRecords readFiles(List<Path> files, String description)
      throws IOException {
    OptionalDependency.require(JsonLinesSink.JACKSON, JsonLinesSink.JACKSON_ARTIFACT,
        "ShadowRecords");
    List<ShadowRecord> records = new ArrayList<>();
    long skipped = 0;
    try (JsonLinesSource source = JsonLinesSource.of(files, description)) {
      for (ReplaySource.Entry e = source.next(); e != null; e = source.next()) {
        if (e.isMalformed()) {
          skipped++;
        } else {
          records.add(e.record());
        }
      }
    }
    return new ShadowRecords(records, skipped);
  }

  public List<ShadowRecord> records() {
    return records;
  }

  public Stream<ShadowRecord> stream() {
    return records.stream();
  }

  public int size() {
    return records.size();
  }

  /** Lines that were not a complete, valid record. */
  public long skippedLines() {
    return skippedLines;
  }

  /** Per-variant counts, latency percentiles and agreement of these records. */
  public OfflineComparison compare() {
    return compare(records);
  }

  /** Per-variant counts, latency percentiles and agreement of {@code records}. */
  public static OfflineComparison compare(Collection<ShadowRecord> records) {
    return OfflineComparison.of(records);
  }
}
