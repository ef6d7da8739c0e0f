package dev.shadowrouting.internal.util;

import java.nio.charset.StandardCharsets;

/**
 * MurmurHash3 x86_32 (Austin Appleby's public-domain reference, {@code MurmurHash3_x86_32}) of the
 * UTF-8 bytes of a string: the sampling hash whose formula docs/how-it-works.md publishes, so that
 * any language reproduces a key's sampling decision. Inlined rather than taken from Guava so core
 * does not impose Guava (and its version) on every user; pinned against Guava's
 * {@code murmur3_32_fixed} and the reference's published vectors in the tests.
 *
 * <p>Strings are encoded on the fly, without allocating, which is what the caller's path needs; a
 * string with an unpaired surrogate is hashed as {@link String#getBytes} encodes it (a
 * {@code '?'} in its place), as Guava does. Stateless and thread-safe.
 */
public final class Murmur3 {
  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private Murmur3() {}

  /** The hash of {@code s}'s UTF-8 bytes with {@code seed}. */
  public static int hashUtf8(int seed, String s) {
    int h = seed;
    int buffer = 0; // up to 3 pending bytes, little-endian, as the reference reads blocks
    int pending = 0;
    int length = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int bytes;
      int value;
      if (c < 0x80) {
        value = c;
        bytes = 1;
      } else if (c < 0x800) {
        value = (0xC0 | (c >>> 6)) | ((0x80 | (c & 0x3F)) << 8);
        bytes = 2;
      } else if (!Character.isSurrogate(c)) {
        value = (0xE0 | (c >>> 12)) | ((0x80 | ((c >>> 6) & 0x3F)) << 8)
            | ((0x80 | (c & 0x3F)) << 16);
        bytes = 3;
      } else {
        int cp = Character.codePointAt(s, i);
        if (cp == c || !Character.isHighSurrogate(c)) {
          return hashBytes(seed, s.getBytes(StandardCharsets.UTF_8)); // unpaired surrogate
        }
        i++;
        value = (0xF0 | (cp >>> 18)) | ((0x80 | ((cp >>> 12) & 0x3F)) << 8)
            | ((0x80 | ((cp >>> 6) & 0x3F)) << 16) | ((0x80 | (cp & 0x3F)) << 24);
        bytes = 4;
      }
      length += bytes;
      // append `bytes` bytes of `value` to the pending block, mixing each full 4-byte block
      for (int b = 0; b < bytes; b++) {
        buffer |= ((value >>> (8 * b)) & 0xFF) << (8 * pending);
        if (++pending == 4) {
          h = mixH(h, mixK(buffer));
          buffer = 0;
          pending = 0;
        }
      }
    }
    if (pending > 0) {
      h ^= mixK(buffer);
    }
    return fmix(h ^ length);
  }

  /** The reference algorithm on bytes. */
  public static int hashBytes(int seed, byte[] data) {
    int h = seed;
    int blocks = data.length / 4;
    for (int i = 0; i < blocks; i++) {
      int k = (data[4 * i] & 0xFF) | (data[4 * i + 1] & 0xFF) << 8
          | (data[4 * i + 2] & 0xFF) << 16 | (data[4 * i + 3] & 0xFF) << 24;
      h = mixH(h, mixK(k));
    }
    int tail = 0;
    int rest = data.length & 3;
    for (int i = rest - 1; i >= 0; i--) {
      tail = (tail << 8) | (data[4 * blocks + i] & 0xFF);
    }
    if (rest > 0) {
      h ^= mixK(tail);
    }
    return fmix(h ^ data.length);
  }

  private static int mixK(int k) {
    return Integer.rotateLeft(k * C1, 15) * C2;
  }

  private static int mixH(int h, int k) {
    return Integer.rotateLeft(h ^ k, 13) * 5 + 0xe6546b64;
  }

  private static int fmix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
