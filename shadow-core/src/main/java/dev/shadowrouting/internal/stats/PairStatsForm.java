package dev.shadowrouting.internal.stats;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The binary form of {@link PairStats} (what {@link PairStats#toBytes} writes and fleets and files
 * carry inside {@link StatisticsCodec}): the counts and sums, the non-empty buckets of the time
 * grid as gaps and varints, and the two latency histograms. Reading checks everything a merge or a
 * verdict relies on, so a corrupt or foreign form is refused, never half-read. Stateless.
 */
final class PairStatsForm {
  private static final int MAGIC = 0x53525053; // "SRPS"
  private static final int VERSION = 1;

  private PairStatsForm() {}

  /** {@code s} in the versioned binary form; {@link #read} reads it. */
  static byte[] write(PairStats s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(VERSION);
      for (long v : new long[] {s.neither, s.candidateOnly, s.productionOnly, s.both,
          s.compared, s.mismatches, s.agreementDifferences[0], s.agreementDifferences[1],
          s.agreementDifferences[2], s.labelled, s.unitLossDifferences[0],
          s.unitLossDifferences[1], s.unitLossDifferences[2], s.latencyPairs, s.warmupPairs,
          s.widthMillis}) {
        out.writeLong(v);
      }
      for (double v : new double[] {s.lossSum, s.lossSumSq, s.latencySumSq, s.warmupSum}) {
        out.writeDouble(v);
      }
      int nonEmpty = 0;
      for (long b = s.lo; b <= s.hi; b++) {
        nonEmpty += s.bucketPairs[(int) (b - s.base)] != 0 ? 1 : 0;
      }
      out.writeInt(nonEmpty);
      long previous = s.lo;
      for (long b = s.lo; b <= s.hi; b++) {
        int slot = (int) (b - s.base);
        if (s.bucketPairs[slot] != 0) {
          // the first index in full, then gaps; counts as varints: ~11 bytes a bucket
          if (b == s.lo) {
            out.writeLong(b);
          } else {
            Varints.write(out, b - previous);
          }
          Varints.write(out, s.bucketPairs[slot]);
          out.writeDouble(s.bucketSums[slot]);
          previous = b;
        }
      }
      writeHistogram(out, s.candidateTail);
      writeHistogram(out, s.productionTail);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static void writeHistogram(DataOutputStream out, LatencyHistogram h) throws IOException {
    byte[] b = h == null ? new byte[0] : h.toBytes();
    out.writeInt(b.length);
    out.write(b);
  }

  /**
   * Reads {@link #write}.
   *
   * @throws IllegalArgumentException on another format, another version, truncated or
   *     inconsistent bytes
   */
  static PairStats read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not paired statistics");
      }
      int version = in.readInt();
      if (version != VERSION) {
        throw new IllegalArgumentException(
            "paired statistics of format version " + version + "; this library reads " + VERSION);
      }
      PairStats s = new PairStats();
      s.neither = nonNegative(in.readLong());
      s.candidateOnly = nonNegative(in.readLong());
      s.productionOnly = nonNegative(in.readLong());
      s.both = nonNegative(in.readLong());
      s.compared = nonNegative(in.readLong());
      s.mismatches = nonNegative(in.readLong());
      for (int i = 0; i < 3; i++) {
        s.agreementDifferences[i] = nonNegative(in.readLong());
      }
      s.labelled = nonNegative(in.readLong());
      for (int i = 0; i < 3; i++) {
        s.unitLossDifferences[i] = nonNegative(in.readLong());
      }
      s.latencyPairs = nonNegative(in.readLong());
      s.warmupPairs = nonNegative(in.readLong());
      long width = in.readLong();
      if (width < 1 || Long.bitCount(width) != 1) {
        throw new IllegalArgumentException("bucket width must be a power of two: " + width);
      }
      s.lossSum = in.readDouble();
      s.lossSumSq = in.readDouble();
      s.latencySumSq = in.readDouble();
      s.warmupSum = in.readDouble();
      int nonEmpty = in.readInt();
      if (nonEmpty < 0 || nonEmpty > PairStats.MAX_BUCKETS) {
        throw new IllegalArgumentException("inconsistent bucket count: " + nonEmpty);
      }
      long[] index = new long[nonEmpty];
      long[] pairs = new long[nonEmpty];
      double[] sums = new double[nonEmpty];
      long total = 0;
      for (int i = 0; i < nonEmpty; i++) {
        index[i] = i == 0 ? in.readLong() : index[i - 1] + Varints.read(in);
        pairs[i] = Varints.read(in);
        sums[i] = in.readDouble();
        if (pairs[i] <= 0 || (i > 0 && index[i] <= index[i - 1])
            || index[i] - index[0] >= PairStats.MAX_BUCKETS) {
          throw new IllegalArgumentException("inconsistent bucket " + index[i]);
        }
        total += pairs[i];
      }
      if (total != s.latencyPairs || !countsConsistent(s)) {
        throw new IllegalArgumentException("inconsistent counts");
      }
      s.widthMillis = width;
      if (nonEmpty > 0) {
        s.regrid(0, index[0], index[nonEmpty - 1]);
        s.lo = index[0];
        s.hi = index[nonEmpty - 1];
        for (int i = 0; i < nonEmpty; i++) {
          s.bucketPairs[(int) (index[i] - s.base)] = pairs[i];
          s.bucketSums[(int) (index[i] - s.base)] = sums[i];
        }
      }
      s.candidateTail = readHistogram(in);
      s.productionTail = readHistogram(in);
      if ((s.candidateTail == null) != (s.productionTail == null)) {
        throw new IllegalArgumentException("one latency histogram without the other");
      }
      // both histograms hold exactly the timed pairs' run times
      long timed = s.candidateTail == null ? 0 : s.candidateTail.count();
      if (timed != s.latencyPairs || (s.productionTail != null
          && s.productionTail.count() != s.latencyPairs)) {
        throw new IllegalArgumentException("latency histograms of " + timed + " run times for "
            + s.latencyPairs + " timed pairs");
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException(in.available() + " trailing bytes");
      }
      return s;
    } catch (IOException e) {
      throw new IllegalArgumentException("truncated paired statistics", e);
    }
  }

  /**
   * Whether the counts could come from {@link PairStats#add}: mismatches among the comparisons,
   * the comparisons and the timed and warm-up pairs together among the pairs, the -1/0/1 loss
   * differences among the labels. (Labels are not bounded by the pairs: {@link
   * PairStats#addLosses} joins a label that arrives later, e.g. for a candidate paired with an A/A
   * copy that never ran.)
   */
  private static boolean countsConsistent(PairStats s) {
    try {
      long pairs = Math.addExact(Math.addExact(s.neither, s.candidateOnly),
          Math.addExact(s.productionOnly, s.both));
      long unit = Math.addExact(Math.addExact(s.unitLossDifferences[0],
          s.unitLossDifferences[1]), s.unitLossDifferences[2]);
      return s.mismatches <= s.compared && s.compared <= pairs && unit <= s.labelled
          && Math.addExact(s.latencyPairs, s.warmupPairs) <= pairs;
    } catch (ArithmeticException e) {
      return false;
    }
  }

  private static LatencyHistogram readHistogram(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IllegalArgumentException("truncated histogram");
    }
    if (length == 0) {
      return null;
    }
    return LatencyHistogram.fromBytes(in.readNBytes(length));
  }

  private static long nonNegative(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("negative count: " + v);
    }
    return v;
  }
}
