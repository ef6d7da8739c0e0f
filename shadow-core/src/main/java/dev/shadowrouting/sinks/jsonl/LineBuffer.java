package dev.shadowrouting.sinks.jsonl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;

/**
 * The bytes of serialised lines not yet written to the file. The sink writes only whole lines from
 * it, so a crash can never leave half a line followed by more data. Not thread-safe (the sink
 * guards it).
 */
final class LineBuffer {
  private byte[] bytes;
  private int size;

  LineBuffer(int initialCapacity) {
    this.bytes = new byte[initialCapacity];
  }

  void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  int size() {
    return size;
  }

  /** Forgets every line (they could not be written). */
  void clear() {
    size = 0;
  }

  /** Writes bytes [0, end) to {@code channel}, then keeps only [end, size). */
  void writeTo(WritableByteChannel channel, int end) throws IOException {
    ByteBuffer view = ByteBuffer.wrap(bytes, 0, end);
    while (view.hasRemaining()) {
      channel.write(view);
    }
    System.arraycopy(bytes, end, bytes, 0, size - end);
    size -= end;
  }
}
