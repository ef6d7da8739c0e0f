package dev.shadowrouting.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The serialiser against Jackson (what an application's JSON mapper writes for the same tree),
 * byte for byte, on random documents and on the edges; and what only it writes (payload types).
 */
class JsonTest {

  private static String json(Object value) {
    return new Json().value(value).toString();
  }

  @Test
  void writesAnyDocumentTreeAsJacksonDoes() {
    // the seed is the example: a failure names the seed that reproduces it
    qt().withExamples(3_000).forAll(longs().all()).checkAssert(seed -> {
      Object tree = tree(new Random(seed), 0);
      assertThat(json(tree)).as("seed %d", seed).isEqualTo(JacksonOracle.write(tree));
    });
  }

  @Test
  void escapesAsJacksonDoes() {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x800; c++) {
      all.append(c);
    }
    all.append("\u2028\u2029\uFEFF\uFFFF\uD83D\uDE00 \"quoted\" back\\slash /slash");
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put(all.toString(), all.toString());

    assertThat(json(doc)).isEqualTo(JacksonOracle.write(doc));
    assertThat(json("\u0000\u001f\u007f\n\t\"\\"))
        .isEqualTo("\"\\u0000\\u001F\u007f\\n\\t\\\"\\\\\"");
  }

  @Test
  void writesSurrogatePairsAsUtf8AndALoneSurrogateEscaped() {
    Json pair = new Json().value("\uD83D\uDE00");
    assertThat(Arrays.copyOf(pair.bytes(), pair.size()))
        .isEqualTo("\"\uD83D\uDE00\"".getBytes(StandardCharsets.UTF_8));
    assertThat(json("a\uD83Db")).isEqualTo("\"a\\uD83Db\"");
    assertThat(json("\uDE00\uD83D")).isEqualTo("\"\\uDE00\\uD83D\"");
    assertThat(json("end\uD83D")).isEqualTo("\"end\\uD83D\"");
  }

  @Test
  void writesNumbersAsJacksonDoes() {
    List<Object> numbers = new ArrayList<>(List.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE,
        999_999_999_999_999_999L, 1_000_000_000_000_000_000L, Integer.MIN_VALUE, 0.0, -0.0, 1.0,
        0.1, 1e7, 1.0E-3, 9.999999E-4, 1e23, 2e23, Double.MIN_VALUE, Double.MAX_VALUE,
        Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY));
    for (long n = 1; n > 0; n *= 10) {
      numbers.add(n);
      numbers.add(n - 1);
      numbers.add(-n);
    }
    assertThat(json(numbers)).isEqualTo(JacksonOracle.write(numbers));
    assertThat(json(List.of(Double.NaN, Double.NEGATIVE_INFINITY)))
        .isEqualTo("[\"NaN\",\"-Infinity\"]");
  }

  @Test
  void writesPayloadTypesNativelyAndTheRestAsText() {
    record Point(int x, int y) {}
    Map<Object, Object> keys = new LinkedHashMap<>();
    keys.put(1, List.of());
    keys.put(null, Map.of());

    assertThat(json(new int[] {1, 2})).isEqualTo("[1,2]");
    assertThat(json(new float[][] {{0.5f}, {0.1f}})).isEqualTo("[[0.5],[0.10000000149011612]]");
    assertThat(json(new byte[] {1, 2, 3, (byte) 0xFF})).isEqualTo("\"AQID/w==\"");
    assertThat(json(new Object[] {"a", null, true, 'c'})).isEqualTo("[\"a\",null,true,\"c\"]");
    assertThat(json(keys)).isEqualTo("{\"1\":[],\"null\":{}}");
    assertThat(json(new StringBuilder("sb"))).isEqualTo("\"sb\"");
    assertThat(json(new BigDecimal("1E+3"))).isEqualTo("1E+3");
    assertThat(json(new BigInteger("123456789012345678901234567890")))
        .isEqualTo("123456789012345678901234567890");
    assertThat(json(new AtomicLong(5))).isEqualTo("5.0");
    assertThat(json((short) 7)).isEqualTo("7");
    assertThat(json(new Point(1, 2))).isEqualTo("\"Point[x=1, y=2]\"");
  }

  @Test
  void refusesValuesNestedDeeperThanTheLimit() {
    List<Object> deep = new ArrayList<>();
    List<Object> innermost = deep;
    for (int i = 0; i < Json.MAX_NESTING; i++) {
      List<Object> next = new ArrayList<>();
      innermost.add(next);
      innermost = next;
    }
    assertThat(json(deep)).startsWith("[[[").endsWith("]]]");
    innermost.add(List.of());
    assertThatThrownBy(() -> json(deep)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value nested deeper than 64 levels");
  }

  @Test
  void theHookIsAskedFirstForEveryNonNullValueNestedOnesIncluded() {
    List<Object> asked = new ArrayList<>();
    Json out = new Json(value -> {
      asked.add(value);
      return false;
    });
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("a", List.of(1, "x"));
    doc.put("b", null);

    assertThat(out.value(doc).toString()).isEqualTo("{\"a\":[1,\"x\"],\"b\":null}");
    assertThat(asked).containsExactly(doc, List.of(1, "x"), 1, "x");
  }

  @Test
  void whatTheHookWritesTakesThePlaceOfTheValue() {
    Json[] out = new Json[1];
    out[0] = new Json(value -> {
      if (!(value instanceof Character c)) {
        return false;
      }
      byte[] raw = ("{\"char\":" + (int) c + "}").getBytes(StandardCharsets.UTF_8);
      try {
        out[0].raw().write(raw); // as the JSON Lines sink's PayloadWriter writes
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return true;
    });
    out[0].beginObject().name("first").value(List.of('a', "b", 'c')).name("then").value(1L)
        .endObject();

    assertThat(out[0].toString())
        .isEqualTo("{\"first\":[{\"char\":97},\"b\",{\"char\":99}],\"then\":1}");
  }

  @Test
  void resetStartsANewDocumentInTheSameBuffer() {
    Json out = new Json();
    out.beginObject().name("a").value("x".repeat(2_000)).endObject();
    out.reset();
    out.beginArray().value(true).nullValue().value(2.5).endArray();
    assertThat(out.toString()).isEqualTo("[true,null,2.5]");
  }

  // ---- random documents: what a document holds, strings from the whole of Unicode ----------

  private static Object tree(Random r, int depth) {
    int kind = depth >= 4 ? 2 + r.nextInt(6) : r.nextInt(8);
    switch (kind) {
      case 0 -> {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          map.put(string(r), tree(r, depth + 1));
        }
        return map;
      }
      case 1 -> {
        List<Object> list = new ArrayList<>();
        for (int i = r.nextInt(5); i > 0; i--) {
          list.add(tree(r, depth + 1));
        }
        return list;
      }
      case 2, 3 -> {
        return string(r);
      }
      case 4 -> {
        return switch (r.nextInt(3)) {
          case 0 -> r.nextLong();
          case 1 -> (long) r.nextInt(1000) - 500;
          default -> r.nextInt();
        };
      }
      case 5 -> {
        return switch (r.nextInt(4)) {
          case 0 -> Double.longBitsToDouble(r.nextLong()); // any double, NaNs included
          case 1 -> r.nextInt(100_000) / 1000.0;
          case 2 -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
          default -> (double) r.nextLong();
        };
      }
      case 6 -> {
        return r.nextBoolean();
      }
      default -> {
        return null;
      }
    }
  }

  /** ASCII, control characters, Latin-1, the rest of the BMP and valid surrogate pairs. */
  private static String string(Random r) {
    StringBuilder s = new StringBuilder();
    for (int i = r.nextInt(12); i > 0; i--) {
      int cp = switch (r.nextInt(5)) {
        case 0 -> r.nextInt(0x20);
        case 1 -> 0x20 + r.nextInt(0x60);
        case 2 -> 0x80 + r.nextInt(0x780);
        case 3 -> {
          int c = 0x800 + r.nextInt(0x10000 - 0x800 - 0x800);
          yield c >= Character.MIN_SURROGATE ? c + 0x800 : c;
        }
        default -> Character.MIN_SUPPLEMENTARY_CODE_POINT
            + r.nextInt(Character.MAX_CODE_POINT - Character.MIN_SUPPLEMENTARY_CODE_POINT + 1);
      };
      s.appendCodePoint(cp);
    }
    return s.toString();
  }
}
