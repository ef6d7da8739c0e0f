package dev.shadowrouting.internal.stats;

import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.VerdictRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;

/**
 * The serial form of {@code PairedStatistics}: a versioned envelope of the rule, the warm-up's
 * start and the {@link PairStats}. One codec for the public class and for the engine, which hands
 * a live test's statistics out through it. Stateless.
 *
 * <p>Layout (big-endian): magic {@code "SRPD"}, version 1, the rule (its seven numbers, the
 * warm-up in millis, the enabled checks as a bit set by ordinal), a flag and the start in epoch
 * millis, then the length-prefixed {@link PairStats#toBytes}.
 */
public final class StatisticsCodec {
  private static final int MAGIC = 0x53525044; // "SRPD"
  private static final int VERSION = 1;

  private StatisticsCodec() {}

  /** What the bytes hold. */
  public record Decoded(VerdictRule rule, Instant start, PairStats stats) {}

  /** The bytes of {@code stats} under {@code rule}, with the warm-up's start or null. */
  public static byte[] encode(VerdictRule rule, Instant start, PairStats stats) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      out.writeDouble(rule.maxLatencyIncrease());
      out.writeDouble(rule.tailQuantile());
      out.writeDouble(rule.maxTailLatencyIncrease());
      out.writeDouble(rule.maxErrorRateIncrease());
      out.writeDouble(rule.minAgreement());
      out.writeDouble(rule.maxQualityDecrease());
      out.writeDouble(rule.alpha());
      out.writeLong(rule.warmup().toMillis());
      int checks = 0;
      for (Check c : rule.checks()) {
        checks |= 1 << c.ordinal();
      }
      out.writeInt(checks);
      out.writeBoolean(start != null);
      out.writeLong(start == null ? 0 : start.toEpochMilli());
      byte[] s = stats.toBytes();
      out.writeInt(s.length);
      out.write(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads {@link #encode}.
   *
   * @throws IllegalArgumentException on other, truncated or inconsistent bytes, or another
   *     version, saying which
   */
  public static Decoded decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (bytes.length < 8 || in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not paired statistics (no SRPD header)");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException("paired statistics of format version " + version
            + "; this library reads version " + VERSION);
      }
      VerdictRule.Builder rule = VerdictRule.builder()
          .maxLatencyIncrease(in.readDouble())
          .tailQuantile(in.readDouble())
          .maxTailLatencyIncrease(in.readDouble())
          .maxErrorRateIncrease(in.readDouble())
          .minAgreement(in.readDouble())
          .maxQualityDecrease(in.readDouble())
          .alpha(in.readDouble())
          .warmup(Duration.ofMillis(in.readLong()));
      int checks = in.readInt();
      for (Check c : Check.values()) {
        if ((checks & (1 << c.ordinal())) == 0) {
          rule.withoutCheck(c);
        }
      }
      if ((checks >>> Check.values().length) != 0) {
        throw new IllegalArgumentException("unknown checks in the rule: " + checks);
      }
      boolean hasStart = in.readBoolean();
      long start = in.readLong();
      int length = in.readInt();
      if (length < 0 || length != in.available()) {
        throw new IllegalArgumentException("truncated or trailing bytes after the rule");
      }
      PairStats stats = PairStats.fromBytes(in.readNBytes(length));
      return new Decoded(rule.build(), hasStart ? Instant.ofEpochMilli(start) : null, stats);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated paired statistics", e);
    }
  }
}
