package dev.shadowrouting.kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The values of the fleet's two topics, each a versioned envelope around the bytes the routers
 * write (big-endian, {@link DataOutputStream}'s modified UTF-8 for strings). Stateless.
 *
 * <ul>
 *   <li>Statistics (topic keyed {@code <fleetId>/<instance>}, i.e. {@code
 *       endpoint/candidate/hash/instance}): magic {@code "SRFS"}, version 1, endpoint, fleet id,
 *       instance id, the publishing run's id (a new one each time a {@link KafkaFleet} is built:
 *       an instance never takes its own run's statistics for another's), publication time in
 *       epoch millis, then the length-prefixed {@code PairedStatistics} bytes.
 *   <li>Commands (topic keyed by endpoint, so one endpoint's commands keep one order): magic
 *       {@code "SRFC"}, version 1, endpoint, then the length-prefixed command bytes.
 * </ul>
 */
final class FleetRecords {
  private static final int STATISTICS = 0x53524653; // "SRFS"
  private static final int COMMAND = 0x53524643; // "SRFC"
  private static final int VERSION = 1;

  private FleetRecords() {}

  /** One instance's statistics of one test. */
  record Statistics(String endpoint, String fleetId, String instanceId, String run,
      Instant publishedAt, byte[] statistics) {

    /** The record key: {@code <fleetId>/<instance>}, which compaction keeps the latest of. */
    String key() {
      return fleetId + "/" + instanceId;
    }

    byte[] toBytes() {
      return write(STATISTICS, out -> {
        out.writeUTF(endpoint);
        out.writeUTF(fleetId);
        out.writeUTF(instanceId);
        out.writeUTF(run);
        out.writeLong(publishedAt.toEpochMilli());
        writeBytes(out, statistics);
      });
    }

    static Statistics fromBytes(byte[] bytes) {
      return read(bytes, STATISTICS, in -> new Statistics(in.readUTF(), in.readUTF(),
          in.readUTF(), in.readUTF(), Instant.ofEpochMilli(in.readLong()), readBytes(in)));
    }
  }

  /** A command of one endpoint. */
  record Command(String endpoint, byte[] command) {
    byte[] toBytes() {
      return write(COMMAND, out -> {
        out.writeUTF(endpoint);
        writeBytes(out, command);
      });
    }

    static Command fromBytes(byte[] bytes) {
      return read(bytes, COMMAND, in -> new Command(in.readUTF(), readBytes(in)));
    }
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(int magic, Writer body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      out.writeInt(VERSION);
      body.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the target is memory
    }
    return bytes.toByteArray();
  }

  /**
   * @throws IllegalArgumentException on other, truncated or trailing bytes or another version
   */
  private static <T> T read(byte[] bytes, int magic, Reader<T> body) {
    if (bytes == null || bytes.length < 8) {
      throw new IllegalArgumentException("not a shadow-routing fleet record");
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != magic) {
        throw new IllegalArgumentException("not a shadow-routing fleet record of this topic");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("fleet record of format version " + version
            + "; this library reads version " + VERSION);
      }
      T value = body.read(in);
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after the fleet record");
      }
      return value;
    } catch (IOException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("truncated fleet record", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("inconsistent length " + length);
    }
    return in.readNBytes(length);
  }
}
