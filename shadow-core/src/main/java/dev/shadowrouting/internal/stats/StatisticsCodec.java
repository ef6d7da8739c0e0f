package dev.shadowrouting.internal.stats;

import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.VerdictRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

/**
 * The serial form of {@code PairedStatistics}: a versioned envelope of the rule, the warm-up's
 * start and the {@link PairStats}. One codec for the public class and for the engine, which hands
 * a live test's statistics out through it. Stateless.
 *
 * <p>Layout (big-endian): magic {@code "SRPD"}, version 1, the rule (its seven numbers, the
 * warm-up in nanos, the enabled checks as a bit set by ordinal), a flag and the start in epoch
 * seconds and nanos, then the length-prefixed {@link PairStats#toBytes}. Both the warm-up and the
 * start are kept to the nanosecond, so the rule and the start read back equal to the ones written
 * (and the statistics merge with the originals).
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
      out.writeLong(rule.warmup().toNanos()); // at most 1 day: no overflow
      int checks = 0;
      for (Check c : rule.checks()) {
        checks |= 1 << c.ordinal();
      }
      out.writeInt(checks);
      out.writeBoolean(start != null);
      out.writeLong(start == null ? 0 : start.getEpochSecond());
      out.writeInt(start == null ? 0 : start.getNano());
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
          .warmup(Duration.ofNanos(in.readLong()));
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
      long startSeconds = in.readLong();
      int startNanos = in.readInt();
      Instant start = null;
      if (hasStart) {
        if (startNanos < 0 || startNanos > 999_999_999) {
          throw new IllegalArgumentException("inconsistent start: nanos " + startNanos);
        }
        try {
          start = Instant.ofEpochSecond(startSeconds, startNanos);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException("inconsistent start: " + startSeconds + " s", e);
        }
      }
      int length = in.readInt();
      if (length < 0 || length != in.available()) {
        throw new IllegalArgumentException("truncated or trailing bytes after the rule");
      }
      PairStats stats = PairStats.fromBytes(in.readNBytes(length));
      return new Decoded(rule.build(), start, stats);
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated paired statistics", e);
    }
  }
}
