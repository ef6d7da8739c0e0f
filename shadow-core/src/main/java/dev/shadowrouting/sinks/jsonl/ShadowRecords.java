package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.ShadowRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
    dev.shadowrouting.internal.util.OptionalDependency.require(JsonLinesSink.JACKSON,
        JsonLinesSink.JACKSON_ARTIFACT, "ShadowRecords");
    List<ShadowRecord> records = new ArrayList<>();
    long skipped = readInto(file, records);
    return new ShadowRecords(records, skipped);
  }

  /** Reads every {@code *.jsonl} file of {@code directory}, in name (so time) order. */
  public static ShadowRecords readAll(Path directory) throws IOException {
    dev.shadowrouting.internal.util.OptionalDependency.require(JsonLinesSink.JACKSON,
        JsonLinesSink.JACKSON_ARTIFACT, "ShadowRecords");
    List<ShadowRecord> records = new ArrayList<>();
    long skipped = 0;
    for (Path file : JsonLinesSink.files(directory, "*" + JsonLinesSink.SUFFIX)) {
      skipped += readInto(file, records);
    }
    return new ShadowRecords(records, skipped);
  }

  private static long readInto(Path file, List<ShadowRecord> records) throws IOException {
    long skipped = 0;
    // an InputStreamReader replaces malformed UTF-8 (a line torn inside a character) instead of
    // throwing, so the torn line is skipped like any other invalid one
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          records.add(RecordJson.read(line));
        } catch (IOException e) {
          skipped++;
        }
      }
    }
    return skipped;
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
