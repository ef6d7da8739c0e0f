package dev.shadowrouting.internal;

import java.io.OutputStream;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The one JSON serialiser of shadow-routing: writes any document (a record, a snapshot, a report,
 * see {@link Documents}) as compact UTF-8 JSON, without a JSON library. The bytes are what
 * Jackson's defaults write for the same values, so a document reads the same whether it was written
 * here or by an application's JSON mapper (the Spring Actuator endpoint serves the {@link
 * Documents.Tree} form of the same documents):
 *
 * <ul>
 *   <li>members in the order given;
 *   <li>strings: {@code \" \\ \b \f \n \r \t} escaped, other control characters as
 *       <code>&#92;u00XX</code>, everything else as UTF-8; a lone surrogate, which UTF-8 cannot
 *       carry, as <code>&#92;uXXXX</code>;
 *   <li>integers as digits, doubles as {@link Double#toString(double)}, non-finite doubles as the
 *       strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (documents that say
 *       {@code null} for them write null themselves).
 * </ul>
 *
 * <p>{@link #value(Object)} writes arbitrary values (payloads, trees): maps (keys as strings),
 * iterables and arrays natively, {@code byte[]} as base64, other numbers as doubles (BigInteger and
 * BigDecimal exactly), and anything else as its {@code toString()}; an optional {@link ValueHook}
 * is asked first for each of them (the JSON Lines sink's {@code PayloadWriter}). The typed
 * values ({@code value(long)}, ...) are written directly: a document's own members never reach
 * the hook.
 *
 * <p>Not thread-safe: one instance per document being written ({@link #reset()} reuses it).
 */
public final class Json implements Documents.Writer {

  /** Values nested deeper than this are refused: the likely cause is a cycle, which never ends. */
  public static final int MAX_NESTING = 64;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /**
   * Writes some values itself, as raw JSON bytes through {@link Json#raw()}. Called on the
   * writer's thread, so it needs no thread-safety of its own unless it is shared by writers.
   */
  @FunctionalInterface
  public interface ValueHook {
    /** Writes {@code value} as exactly one JSON value and returns true, or writes nothing. */
    boolean write(Object value);
  }

  private final @Nullable ValueHook hook;
  private final OutputStream raw = new OutputStream() {
    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  };

  private byte[] bytes = new byte[512];
  private int size;
  /** Per open container (index: depth), whether it has a member or element yet. */
  private boolean[] started = new boolean[16];
  private int depth;
  private boolean afterName;

  /** A writer without a hook. */
  public Json() {
    this(null);
  }

  /** A writer that asks {@code hook} first for each value given to {@link #value(Object)}. */
  public Json(@Nullable ValueHook hook) {
    this.hook = hook;
  }

  /** Forgets what was written, keeping the buffer. */
  public void reset() {
    size = 0;
    depth = 0;
    afterName = false;
  }

  /** Bytes written so far: {@code bytes()[0, size())}. */
  public int size() {
    return size;
  }

  /** The buffer (valid up to {@link #size()}); a later write may replace it. */
  public byte[] bytes() {
    return bytes;
  }

  /** Appends bytes as they are, for a {@link ValueHook} and for separators between documents. */
  public OutputStream raw() {
    return raw;
  }

  @Override
  public String toString() {
    return new String(bytes, 0, size, StandardCharsets.UTF_8);
  }

  @Override
  public Json beginObject() {
    beforeValue();
    open('{');
    return this;
  }

  @Override
  public Json endObject() {
    close('}');
    return this;
  }

  @Override
  public Json beginArray() {
    beforeValue();
    open('[');
    return this;
  }

  @Override
  public Json endArray() {
    close(']');
    return this;
  }

  @Override
  public Json name(String name) {
    if (started[depth]) {
      ascii(',');
    }
    started[depth] = true;
    quoted(name);
    ascii(':');
    afterName = true;
    return this;
  }

  @Override
  public Json value(@Nullable String value) {
    beforeValue();
    if (value == null) {
      ascii("null");
    } else {
      quoted(value);
    }
    return this;
  }

  @Override
  public Json value(long value) {
    beforeValue();
    digits(value);
    return this;
  }

  @Override
  public Json value(double value) {
    beforeValue();
    number(value);
    return this;
  }

  @Override
  public Json value(boolean value) {
    beforeValue();
    ascii(value ? "true" : "false");
    return this;
  }

  @Override
  public Json nullValue() {
    beforeValue();
    ascii("null");
    return this;
  }

  /**
   * @throws IllegalArgumentException if {@code value} is nested deeper than {@link #MAX_NESTING}
   */
  @Override
  public Json value(@Nullable Object value) {
    any(value, 0);
    return this;
  }

  private void any(@Nullable Object v, int nesting) {
    if (nesting > MAX_NESTING) {
      throw new IllegalArgumentException("value nested deeper than " + MAX_NESTING + " levels");
    }
    beforeValue();
    if (v == null) {
      ascii("null");
    } else if (hook != null && hook.write(v)) {
      return;
    } else if (v instanceof CharSequence s) {
      quoted(s.toString());
    } else if (v instanceof Boolean b) {
      ascii(b ? "true" : "false");
    } else if (v instanceof Number n) {
      number(n);
    } else if (v instanceof Map<?, ?> m) {
      open('{');
      for (Map.Entry<?, ?> e : m.entrySet()) {
        name(String.valueOf(e.getKey()));
        any(e.getValue(), nesting + 1);
      }
      close('}');
    } else if (v instanceof Iterable<?> it) {
      open('[');
      for (Object o : it) {
        any(o, nesting + 1);
      }
      close(']');
    } else if (v instanceof byte[] b) {
      quoted(Base64.getEncoder().encodeToString(b)); // Jackson's default variant: padded, one line
    } else if (v.getClass().isArray()) {
      open('[');
      int n = Array.getLength(v);
      for (int i = 0; i < n; i++) {
        any(Array.get(v, i), nesting + 1);
      }
      close(']');
    } else {
      quoted(v.toString());
    }
  }

  private void number(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      digits(n.longValue());
    } else if (n instanceof BigInteger || n instanceof BigDecimal) {
      ascii(n.toString());
    } else {
      number(n.doubleValue());
    }
  }

  private void number(double d) {
    if (Double.isFinite(d)) {
      ascii(Double.toString(d));
    } else {
      quoted(Double.toString(d)); // NaN, Infinity, -Infinity: not JSON numbers
    }
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
    } else if (depth > 0) {
      if (started[depth]) {
        ascii(',');
      }
      started[depth] = true;
    }
  }

  private void open(char bracket) {
    ascii(bracket);
    if (++depth == started.length) {
      started = Arrays.copyOf(started, depth * 2);
    }
    started[depth] = false;
  }

  private void close(char bracket) {
    ascii(bracket);
    depth--;
  }

  private void ascii(char c) {
    ensure(1);
    bytes[size++] = (byte) c;
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      bytes[size++] = (byte) s.charAt(i);
    }
  }

  private void digits(long v) {
    if (v == Long.MIN_VALUE) {
      ascii(Long.toString(v)); // its absolute value is no long
      return;
    }
    ensure(20);
    if (v < 0) {
      bytes[size++] = '-';
      v = -v;
    }
    int n = 1;
    for (long limit = 10; n < 19 && v >= limit; limit *= 10) {
      n++;
    }
    int p = size + n;
    size = p;
    do {
      bytes[--p] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
  }

  /** A JSON string in UTF-8; room is made for the longest form of the rest, 6 bytes a char. */
  private void quoted(String s) {
    int n = s.length();
    ensure(n + 2);
    byte[] b = bytes;
    int p = size;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      if (b.length - p < 7) { // an escape or a 4-byte sequence, and the closing quote
        size = p;
        ensure(7 + 3 * (n - i));
        b = bytes;
      }
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
        } else {
          p = escape(c, b, p);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | c >> 6);
        b[p++] = (byte) (0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        b[p++] = (byte) (0xE0 | c >> 12);
        b[p++] = (byte) (0x80 | c >> 6 & 0x3F);
        b[p++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | cp >> 18);
        b[p++] = (byte) (0x80 | cp >> 12 & 0x3F);
        b[p++] = (byte) (0x80 | cp >> 6 & 0x3F);
        b[p++] = (byte) (0x80 | cp & 0x3F);
      } else {
        p = unicodeEscape(c, b, p);
      }
    }
    b[p++] = '"';
    size = p;
  }

  private static int escape(char c, byte[] b, int p) {
    char shortForm = switch (c) {
      case '"' -> '"';
      case '\\' -> '\\';
      case '\b' -> 'b';
      case '\f' -> 'f';
      case '\n' -> 'n';
      case '\r' -> 'r';
      case '\t' -> 't';
      default -> 0;
    };
    if (shortForm == 0) {
      return unicodeEscape(c, b, p);
    }
    b[p++] = '\\';
    b[p++] = (byte) shortForm;
    return p;
  }

  private static int unicodeEscape(char c, byte[] b, int p) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[c >> 12];
    b[p++] = HEX[c >> 8 & 0xF];
    b[p++] = HEX[c >> 4 & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }

  private void ensure(int more) {
    if (bytes.length - size < more) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }
}
