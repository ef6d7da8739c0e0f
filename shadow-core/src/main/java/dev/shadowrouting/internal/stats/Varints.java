package dev.shadowrouting.internal.stats;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Unsigned LEB128 varints of nonnegative longs, the compact integers of the serial forms of
 * {@link LatencyHistogram} and {@link PairStats}: 7 bits a byte, low bits first. Stateless.
 */
final class Varints {
  private Varints() {}

  static void write(DataOutput out, long value) throws IOException {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.writeByte((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  /**
   * Reads a varint of at most 63 bits (every field written is a nonnegative long).
   *
   * @throws java.io.EOFException if the input ends inside it
   * @throws IllegalArgumentException if it is longer than 63 bits
   */
  static long read(DataInput in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
