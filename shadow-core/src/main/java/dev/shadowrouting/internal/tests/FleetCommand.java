package dev.shadowrouting.internal.tests;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One operation published to a fleet ({@code Fleet.publishCommand}) and applied by every instance:
 * what {@code ShadowOperations} decided on the instance where a person asked for it. The bytes
 * are opaque to the transport; this class writes and reads them. Immutable.
 *
 * <p>Layout (big-endian, {@link DataOutputStream}'s modified UTF-8 for strings): magic {@code
 * "SRCM"}, version 1, the id, endpoint, action name, variant, a flag and the fleet id, force,
 * the issuing instance, the issue time in epoch millis, then the settings as a count and pairs.
 *
 * @param id unique per command: an instance applies each id once
 * @param endpoint the endpoint it acts on
 * @param action what to do
 * @param variant the candidate or shadow variant it names
 * @param fleetId the {@code ShadowTest.fleetId()} of the test it acts on or starts, or null for a
 *     plain shadow variant
 * @param force the force the person gave (checks were made on the issuing instance)
 * @param settings a start-test's settings in their canonical form ({@link TestSettings}), sorted
 * @param issuedBy the issuing instance's id
 * @param issuedAt when it was issued: a started test's start, on every instance
 */
public record FleetCommand(String id, String endpoint, Action action, String variant,
    String fleetId, boolean force, Map<String, String> settings, String issuedBy,
    Instant issuedAt) {

  private static final int MAGIC = 0x5352434D; // "SRCM"
  private static final int VERSION = 1;
  /** Far more settings than a test has: a count beyond it is corrupt bytes, not a command. */
  private static final int MAX_SETTINGS = 256;

  /** The operations a fleet carries. */
  public enum Action {
    START_TEST, STOP_TEST, PROMOTE, DISCARD;

    /** As a person reads it: "start-test", "promote". */
    public String label() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public FleetCommand {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(variant, "variant");
    Objects.requireNonNull(issuedBy, "issuedBy");
    Objects.requireNonNull(issuedAt, "issuedAt");
    settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
  }

  /** A new command with a random id, issued now (to the millisecond) by {@code instance}. */
  public static FleetCommand issue(String endpoint, Action action, String variant,
      String fleetId, boolean force, Map<String, String> settings, String instance) {
    return new FleetCommand(java.util.UUID.randomUUID().toString(), endpoint, action, variant,
        fleetId, force, settings, instance, Instant.ofEpochMilli(System.currentTimeMillis()));
  }

  /** "promote 'v2' of endpoint 'fraud' (command 1f3c..., from pod-a)". */
  @Override
  public String toString() {
    return action.label() + " '" + variant + "'" + (force ? " (force)" : "") + " of endpoint '"
        + endpoint + "' (command " + id + " from " + issuedBy + ")";
  }

  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeUTF(id);
      out.writeUTF(endpoint);
      out.writeUTF(action.name());
      out.writeUTF(variant);
      out.writeBoolean(fleetId != null);
      out.writeUTF(fleetId == null ? "" : fleetId);
      out.writeBoolean(force);
      out.writeUTF(issuedBy);
      out.writeLong(issuedAt.toEpochMilli());
      out.writeInt(settings.size());
      for (Map.Entry<String, String> e : settings.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the target is memory
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@link #toBytes()}.
   *
   * @throws IllegalArgumentException on other, truncated or trailing bytes, or another version,
   *     saying which
   */
  public static FleetCommand fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (bytes.length < 8 || in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a fleet command (no SRCM header)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("fleet command of format version " + version
            + "; this library reads version " + VERSION);
      }
      String id = in.readUTF();
      String endpoint = in.readUTF();
      Action action = Action.valueOf(in.readUTF());
      String variant = in.readUTF();
      boolean hasFleetId = in.readBoolean();
      String fleetId = in.readUTF();
      boolean force = in.readBoolean();
      String issuedBy = in.readUTF();
      Instant issuedAt = Instant.ofEpochMilli(in.readLong());
      int n = in.readInt();
      if (n < 0 || n > MAX_SETTINGS) {
        throw new IllegalArgumentException("inconsistent fleet command: " + n + " settings");
      }
      Map<String, String> settings = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        settings.put(in.readUTF(), in.readUTF());
      }
      if (in.available() != 0) {
        throw new IllegalArgumentException("trailing bytes after the fleet command");
      }
      return new FleetCommand(id, endpoint, action, variant, hasFleetId ? fleetId : null, force,
          settings, issuedBy, issuedAt);
    } catch (IOException | DateTimeException e) {
      throw new IllegalArgumentException("truncated or inconsistent fleet command", e);
    }
  }
}
