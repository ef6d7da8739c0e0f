package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.Problem;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.internal.util.OptionalDependency;
import dev.shadowrouting.internal.util.WarnThenDebugLogger;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes {@link ShadowRecord}s as JSON Lines (one record per line, schema in docs/sinks.md) to
 * append-only files {@code <prefix>-<yyyyMMdd'T'HHmmssSSS'Z'>-<n>.jsonl} in one directory, which
 * DuckDB, Spark, jq or {@link ShadowRecords} can read.
 *
 * <ul>
 *   <li><b>Rotation</b>: a new file when the current one would exceed {@code maxFileBytes} or is
 *       older than {@code rotationInterval} (checked when a record arrives); at most {@code
 *       maxFiles} files are kept, the oldest are deleted. Every sink instance starts a new file.
 *   <li><b>Permissions</b>: directories it creates are rwx------ and files rw------- whatever the
 *       umask (records may carry payloads).
 *   <li><b>Crash safety</b>: each line is serialised apart, then added to a buffer of whole lines,
 *       and only whole lines are written,
 *       so a killed JVM leaves complete lines and, at worst (a torn write of the OS), one partial
 *       last line, which {@link ShadowRecords} skips. What the {@link FlushPolicy} had not yet
 *       written is lost.
 *   <li><b>Failures</b>: an unwritable directory, a full disk or a payload that cannot be
 *       serialised never throws: the records are dropped and counted in {@link #failures()}, the
 *       first failure is logged at WARN ({@code System.Logger} {@code dev.shadowrouting.sinks.jsonl}),
 *       later ones at DEBUG. After an IO error the file is cut back to its last whole line and
 *       closed; the next record opens a new file (at most one attempt per second).
 *   <li><b>Payloads</b> are written only when the record has them (variants that opted in, after
 *       the endpoint's redactor), through the {@link PayloadWriter}.
 * </ul>
 *
 * <p>Thread-safe (one lock; a router calls it from one thread). Call {@link #close()} when done:
 * the router flushes its sinks when it closes, but only their owner closes them.
 */
public final class JsonLinesSink implements ShadowSink, AutoCloseable {
  static final String JACKSON = "com.fasterxml.jackson.core.JsonFactory";
  static final String JACKSON_ARTIFACT = "com.fasterxml.jackson.core:jackson-core";

  /** Lower bound of {@code maxFileBytes}. */
  public static final long MIN_FILE_BYTES = 1024;
  /** Default {@code maxFileBytes}: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;
  /** Default {@code maxFiles}. */
  public static final int DEFAULT_MAX_FILES = 20;
  /** Upper bound of {@code maxFiles}. */
  public static final int MAX_FILES_LIMIT = 1_000_000;
  /** Default {@code rotationInterval}. */
  public static final Duration DEFAULT_ROTATION_INTERVAL = Duration.ofHours(1);
  /** Default file name prefix. */
  public static final String DEFAULT_PREFIX = "shadow-records";
  /**
   * Interval of the default flush policy, {@code FlushPolicy.every(DEFAULT_FLUSH_INTERVAL)}: a
   * crash of the JVM loses at most this much.
   */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
  public static final String SUFFIX = ".jsonl";

  /** Lines buffered beyond this size are written whatever the flush policy. */
  static final int BUFFER_BYTES = 64 << 10;
  private static final long REOPEN_BACKOFF_MILLIS = 1000;
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  /** How a file is created and opened; a seam for tests that need a real ENOSPC. */
  @FunctionalInterface
  interface FileOpener {
    FileChannel open(Path file) throws IOException;
  }

  private final Path directory;
  private final String prefix;
  private final long maxFileBytes;
  private final int maxFiles;
  private final long rotationMillis;
  private final FlushPolicy flushPolicy;
  private final Clock clock;
  private final FileOpener opener;
  private final WarnThenDebugLogger failureLog;
  private final ScheduledExecutorService flusher;
  private final LongAdder written = new LongAdder();
  private final LongAdder failures = new LongAdder();

  // guarded by this; invariant: the buffer holds lines only while a file is open
  private final LineBuffer buffer = new LineBuffer(BUFFER_BYTES + 4096);
  /** Serialises the record: it reaches the buffer only once it is a whole line. */
  private final RecordLineWriter line;
  private int bufferedRecords;
  private FileChannel channel;
  private Path file;
  private long fileBytes;
  private long openedAtMillis;
  private long lastWriteMillis;
  private long reopenAtMillis;
  private int sequence;
  private Exception openFailure;
  private boolean closed;
  /** Records in the buffer per endpoint, so a lost buffer is reported to the right router. */
  private final Map<String, Integer> bufferedByEndpoint = new HashMap<>();
  private String lastBufferedEndpoint;
  /** The routers delivering to this sink, to report failures that happen after accept. */
  private final Map<String, ShadowSink.Context> contexts = new ConcurrentHashMap<>();

  private JsonLinesSink(Builder b) {
    this.directory = b.directory;
    this.prefix = b.prefix;
    this.maxFileBytes = b.maxFileBytes;
    this.maxFiles = b.maxFiles;
    this.rotationMillis = b.rotationInterval.toMillis();
    this.flushPolicy = b.flushPolicy;
    this.line = new RecordLineWriter(b.payloadWriter);
    this.clock = b.clock;
    this.opener = b.opener;
    this.failureLog = new WarnThenDebugLogger(System.getLogger("dev.shadowrouting.sinks.jsonl"),
        "JSON Lines sink writing to '" + directory + "' dropped records");
    if (flushPolicy.kind == FlushPolicy.Kind.INTERVAL) {
      long period = Math.max(1, flushPolicy.interval.toMillis());
      this.flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shadow-jsonl-flush-" + prefix);
        t.setDaemon(true); // must never keep the JVM alive
        return t;
      });
      flusher.scheduleWithFixedDelay(this::writeIfDue, period, period, TimeUnit.MILLISECONDS);
    } else {
      this.flusher = null;
    }
  }

  /**
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-core} is missing
   */
  public static Builder builder(Path directory) {
    OptionalDependency.require(JACKSON, JACKSON_ARTIFACT, "JsonLinesSink");
    return new Builder(directory);
  }

  @Override
  public void onAttach(ShadowSink.Context context) {
    contexts.put(context.endpoint(), context);
  }

  @Override
  public void onDetach(String endpoint) {
    contexts.remove(endpoint);
  }

  @Override
  public synchronized void accept(ShadowRecord record) {
    if (closed) {
      fail(record.endpoint(), 1, new IllegalStateException("sink closed"));
      return;
    }
    try {
      line.write(record);
    } catch (RuntimeException e) {
      fail(record.endpoint(), 1, e);
      return;
    }
    int mark = buffer.size();
    buffer.write(line.bytes(), 0, line.size());
    buffer.write('\n');
    bufferedRecords++;
    bufferedByEndpoint.merge(record.endpoint(), 1, Integer::sum);
    lastBufferedEndpoint = record.endpoint();
    long now = clock.millis();
    if (channel != null && dueForRotation(now, buffer.size() - mark)) {
      writeBuffered(mark, bufferedRecords - 1);
      if (channel != null) {
        closeFile();
      }
    }
    if (channel == null && !openFile(now)) {
      failBuffered(openFailure);
      return;
    }
    if (flushPolicy.kind == FlushPolicy.Kind.EVERY_RECORD || buffer.size() >= BUFFER_BYTES
        || (flushPolicy.kind == FlushPolicy.Kind.INTERVAL
            && now - lastWriteMillis >= flushPolicy.interval.toMillis())) {
      writeBuffered(buffer.size(), bufferedRecords);
    }
  }

  /** Whether the line just serialised (the last {@code lineBytes} of the buffer) needs a new file. */
  private boolean dueForRotation(long now, int lineBytes) {
    long before = fileBytes + buffer.size() - lineBytes;
    return before > 0
        && (before + lineBytes > maxFileBytes
            || (rotationMillis > 0 && now - openedAtMillis >= rotationMillis));
  }

  /** Writes the first {@code end} buffered bytes, which hold {@code records} whole records. */
  private void writeBuffered(int end, int records) {
    if (end == 0) {
      return;
    }
    // A FileChannel written on an interrupted thread closes itself (ClosedByInterruptException) and
    // the buffer would be lost: the caller's interrupt is put aside for the write and restored.
    boolean interrupted = Thread.interrupted();
    try {
      buffer.writeTo(channel, end);
      fileBytes += end;
      bufferedRecords -= records;
      bufferedByEndpoint.clear();
      if (bufferedRecords > 0) { // only the last record is left (a rotation wrote the rest)
        bufferedByEndpoint.put(lastBufferedEndpoint, bufferedRecords);
      }
      written.add(records);
      lastWriteMillis = clock.millis();
    } catch (IOException e) {
      failBuffered(e);
      try {
        channel.truncate(fileBytes); // back to the last whole line
      } catch (IOException ignored) {
        // the reader skips a torn last line; the file is closed below and never appended to again
      }
      closeFile();
      reopenAtMillis = clock.millis() + REOPEN_BACKOFF_MILLIS;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean openFile(long now) {
    if (now < reopenAtMillis) {
      return false;
    }
    try {
      OwnerOnlyFiles.createDirectories(directory);
      while (true) {
        Path next = directory.resolve(
            prefix + '-' + FILE_TIME.format(clock.instant()) + '-' + String.format("%06d", sequence++)
                + SUFFIX);
        try {
          channel = opener.open(next);
          file = next;
          break;
        } catch (FileAlreadyExistsException e) {
          // another instance created this name in the same millisecond: take the next number
        }
      }
    } catch (IOException | RuntimeException e) {
      failureLog.log(e);
      openFailure = e;
      reopenAtMillis = now + REOPEN_BACKOFF_MILLIS;
      return false;
    }
    fileBytes = 0;
    openedAtMillis = now;
    lastWriteMillis = now;
    deleteOldFiles();
    return true;
  }

  private void deleteOldFiles() {
    try {
      List<Path> files = files(directory, prefix + "-*" + SUFFIX);
      for (int i = 0; i < files.size() - maxFiles; i++) {
        Files.deleteIfExists(files.get(i));
      }
    } catch (IOException | RuntimeException e) {
      failureLog.log(e); // the disk may fill up, but the records still have a file
    }
  }

  /** The files in {@code directory} matching {@code glob}, oldest first. */
  static List<Path> files(Path directory, String glob) throws IOException {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> all = Files.newDirectoryStream(directory, glob)) {
      all.forEach(files::add);
    }
    Collections.sort(files); // names start with the UTC time and a sequence number
    return files;
  }

  private void closeFile() {
    try {
      channel.close();
    } catch (IOException e) {
      failureLog.log(e);
    }
    channel = null;
  }

  /** Records of {@code endpoint} lost: counted here and reported to that router. */
  private void fail(String endpoint, int records, Exception cause) {
    failures.add(records);
    if (cause != null) {
      failureLog.log(cause);
    }
    report(endpoint, cause, records);
  }

  /** Tells the router of {@code endpoint}, if one is attached, that records were lost. */
  private void report(String endpoint, Exception cause, long records) {
    ShadowSink.Context context = contexts.get(endpoint);
    if (context != null) {
      try {
        context.failed(cause != null ? cause : new IOException("records not written"), records);
      } catch (RuntimeException ignored) {
        // the router's accounting must never break the sink
      }
    }
  }

  /** Every buffered record is lost (the file could not be opened or written). */
  private void failBuffered(Exception cause) {
    failures.add(bufferedRecords);
    bufferedByEndpoint.forEach((endpoint, n) -> report(endpoint, cause, n));
    if (cause != null && cause != openFailure) {
      failureLog.log(cause);
    }
    bufferedByEndpoint.clear();
    buffer.clear();
    bufferedRecords = 0;
  }

  private synchronized void writeIfDue() {
    if (!closed && bufferedRecords > 0
        && clock.millis() - lastWriteMillis >= flushPolicy.interval.toMillis()) {
      writeBuffered(buffer.size(), bufferedRecords);
    }
  }

  /** Writes every buffered line to the operating system (it does not fsync). */
  @Override
  public synchronized void flush() {
    writeBuffered(buffer.size(), bufferedRecords);
  }

  /** Writes what is buffered and closes the file. Later records are counted as failures. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    flush();
    if (channel != null) {
      closeFile();
    }
    closed = true;
    if (flusher != null) {
      flusher.shutdownNow();
    }
  }

  @Override
  public String name() {
    return "jsonl";
  }

  /** Records handed to the operating system. */
  public long written() {
    return written.sum();
  }

  /** Records dropped: IO errors (unwritable directory, full disk), unserialisable payloads, closed. */
  public long failures() {
    return failures.sum();
  }

  /** The file being written, or {@code null} before the first record and after a failure. */
  public synchronized Path currentFile() {
    return channel == null ? null : file;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Builder for {@link JsonLinesSink}; not thread-safe. {@link #build()} validates every setting
   * and reports all errors at once.
   */
  public static final class Builder {
    private final Path directory;
    private String prefix = DEFAULT_PREFIX;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private int maxFiles = DEFAULT_MAX_FILES;
    private Duration rotationInterval = DEFAULT_ROTATION_INTERVAL;
    private FlushPolicy flushPolicy = FlushPolicy.every(DEFAULT_FLUSH_INTERVAL);
    private PayloadWriter payloadWriter = PayloadWriter.defaults();
    private Clock clock = Clock.systemUTC();
    private FileOpener opener = OwnerOnlyFiles::createAppendOnly;
    private boolean verifyWritable;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /** File name prefix: letters, digits, '.', '_' and '-'. Default {@value #DEFAULT_PREFIX}. */
    public Builder prefix(String prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Rotate before a file would exceed this size, in [1024, Long.MAX_VALUE]. Default 64 MiB. */
    public Builder maxFileBytes(long maxFileBytes) {
      this.maxFileBytes = maxFileBytes;
      return this;
    }

    /** Files kept, the current one included, in [1, 1000000]; older ones are deleted. Default 20. */
    public Builder maxFiles(int maxFiles) {
      this.maxFiles = maxFiles;
      return this;
    }

    /** Rotate files older than this; {@link Duration#ZERO} never rotates by time. Default 1 h. */
    public Builder rotationInterval(Duration rotationInterval) {
      this.rotationInterval = rotationInterval;
      return this;
    }

    /** When lines are handed to the OS. Default {@code FlushPolicy.every(1 s)}. */
    public Builder flushPolicy(FlushPolicy flushPolicy) {
      this.flushPolicy = flushPolicy;
      return this;
    }

    /** Serialises payload types the sink does not know. Default: {@code toString()}. */
    public Builder payloadWriter(PayloadWriter payloadWriter) {
      this.payloadWriter = payloadWriter;
      return this;
    }

    /** The time source for rotation and file names. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    Builder opener(FileOpener opener) {
      this.opener = opener;
      return this;
    }

    /**
     * Fail fast: {@link #build()} creates the directory (owner-only) and a probe file in it, and
     * throws if it cannot, instead of a sink that would drop every record (counted, reported to the
     * router, logged once). Off by default: the sink never throws once built.
     */
    public Builder verifyWritable(boolean verifyWritable) {
      this.verifyWritable = verifyWritable;
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid setting, its value and allowed
     *     range
     * @throws IllegalArgumentException with {@link #verifyWritable}, if the directory is not
     *     writable
     */
    public JsonLinesSink build() {
      ConfigErrors errors = new ConfigErrors("JSON Lines sink is invalid");
      errors.requireNonNull("directory", directory);
      errors.requireName("prefix", prefix);
      if (prefix != null && !prefix.matches("[A-Za-z0-9._-]*")) {
        errors.add(new Problem("prefix", prefix, "only letters, digits, '.', '_' and '-'"),
            "prefix must contain only letters, digits, '.', '_' and '-' but was \"" + prefix
                + '"');
      }
      errors.requireInRange("maxFileBytes", maxFileBytes, MIN_FILE_BYTES, Long.MAX_VALUE);
      errors.requireInRange("maxFiles", maxFiles, 1, MAX_FILES_LIMIT);
      errors.requireNotNegative("rotationInterval", rotationInterval, Duration.ofDays(3650));
      errors.requireNonNull("flushPolicy", flushPolicy);
      if (flushPolicy != null && flushPolicy.kind == FlushPolicy.Kind.INTERVAL) {
        errors.requirePositive("flushPolicy.interval", flushPolicy.interval, Duration.ofDays(1));
      }
      errors.requireNonNull("payloadWriter", payloadWriter);
      errors.requireNonNull("clock", clock);
      errors.throwIfAny();
      if (verifyWritable) {
        try {
          OwnerOnlyFiles.createDirectories(directory);
          Files.delete(Files.createTempFile(directory, ".probe-", ".tmp"));
        } catch (IOException | RuntimeException e) {
          throw new IllegalArgumentException("JSON Lines sink is invalid: directory '" + directory
              + "' is not writable (" + e.getClass().getName() + ")", e);
        }
      }
      return new JsonLinesSink(this);
    }
  }
}
