package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.internal.util.OptionalDependency;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Records read from JSON Lines files written by {@link JsonLinesSink} (or anything writing the
 * same schema), file by file in name (so time) order and line by line: the {@link ReplaySource} of
 * {@link dev.shadowrouting.ShadowReplay} over a capture, and the reader of {@link ShadowRecords}.
 * A line that is not a complete record (the torn last line of a crashed writer, a line edited by
 * hand) is a {@link ReplaySource.Entry#malformed malformed} entry located {@code file:line};
 * blank lines are no entries.
 *
 * <p>Not thread-safe: one reader. Close it (a replay closes its source).
 */
public final class JsonLinesSource implements ReplaySource {
  private final List<Path> files;
  private final String description;
  private final long totalBytes;
  private int fileIndex = -1;
  private @Nullable BufferedReader reader;
  private @Nullable CountingStream counter;
  private long bytesOfClosedFiles;
  private long lineNumber;
  private boolean closed;

  private JsonLinesSource(List<Path> files, String description) throws IOException {
    this.files = List.copyOf(files);
    this.description = description;
    long total = 0;
    for (Path f : files) {
      total += Files.size(f);
    }
    this.totalBytes = total;
  }

  /**
   * The records of one {@code .jsonl} file, or of every {@code *.jsonl} file of a directory in
   * name order.
   *
   * @throws NoSuchFileException if {@code path} does not exist, or is a directory without
   *     {@code *.jsonl} files
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-core} is missing
   */
  public static JsonLinesSource open(Path path) throws IOException {
    OptionalDependency.require(JsonLinesSink.JACKSON, JsonLinesSink.JACKSON_ARTIFACT,
        "JsonLinesSource");
    if (Files.isDirectory(path)) {
      List<Path> files = JsonLinesSink.files(path, "*" + JsonLinesSink.SUFFIX);
      if (files.isEmpty()) {
        throw new NoSuchFileException(path.toString(), null,
            "no *" + JsonLinesSink.SUFFIX + " files in this directory");
      }
      return new JsonLinesSource(files, files.size() + " file" + (files.size() == 1 ? "" : "s")
          + " in " + path);
    }
    if (!Files.isRegularFile(path)) {
      throw new NoSuchFileException(path.toString(), null, "no such file or directory");
    }
    return new JsonLinesSource(List.of(path), path.toString());
  }

  /** The records of {@code files}, in this order (none: an empty source). */
  static JsonLinesSource of(List<Path> files, String description) throws IOException {
    return new JsonLinesSource(files, description);
  }

  @Override
  public @Nullable Entry next() throws IOException {
    if (closed) {
      throw new IOException("JSON Lines source of " + description + " is closed");
    }
    while (true) {
      if (reader == null && !openNext()) {
        return null;
      }
      String line = reader.readLine();
      if (line == null) {
        closeCurrent();
        continue;
      }
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String location = files.get(fileIndex) + ":" + lineNumber;
      try {
        return Entry.of(location, RecordJson.read(line));
      } catch (IOException e) {
        // the reason only: the line itself may hold payloads
        return Entry.malformed(location, e.getMessage() == null ? e.getClass().getSimpleName()
            : e.getMessage());
      }
    }
  }

  private boolean openNext() throws IOException {
    if (fileIndex + 1 >= files.size()) {
      return false;
    }
    fileIndex++;
    lineNumber = 0;
    counter = new CountingStream(Files.newInputStream(files.get(fileIndex)));
    // an InputStreamReader replaces malformed UTF-8 (a line torn inside a character) instead of
    // throwing, so the torn line is a malformed entry like any other invalid one
    reader = new BufferedReader(new InputStreamReader(counter, StandardCharsets.UTF_8));
    return true;
  }

  private void closeCurrent() throws IOException {
    if (reader != null) {
      bytesOfClosedFiles += counter.count;
      reader.close();
      reader = null;
      counter = null;
    }
  }

  /** Bytes read so far over the files' sizes when opened (the reader reads ahead a little). */
  @Override
  public double fractionRead() {
    if (totalBytes == 0) {
      return fileIndex >= files.size() - 1 && reader == null ? 1.0 : 0.0;
    }
    long read = bytesOfClosedFiles + (counter == null ? 0 : counter.count);
    return Math.min(1.0, (double) read / totalBytes);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    closeCurrent();
  }

  /** Counts the bytes the reader took, for {@link #fractionRead()}. */
  private static final class CountingStream extends FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }
}
