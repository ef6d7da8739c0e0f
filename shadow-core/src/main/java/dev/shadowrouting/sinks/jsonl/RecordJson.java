package dev.shadowrouting.sinks.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerationException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import java.io.IOException;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link ShadowRecord} (schema {@value ShadowRecord#SCHEMA_VERSION}, documented
 * in the README): fields in a fixed order, absent values left out. Stateless and thread-safe.
 */
final class RecordJson {
  static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER) // doubles dominate payload cost otherwise
      .build();

  /** Deeper payloads are refused: the likely cause is a cycle, which would never end. */
  static final int MAX_PAYLOAD_DEPTH = 64;

  private RecordJson() {}

  static void write(ShadowRecord r, JsonGenerator g, PayloadWriter payloads) throws IOException {
    g.writeStartObject();
    g.writeNumberField("schema", ShadowRecord.SCHEMA_VERSION);
    g.writeStringField("ts", r.timestamp().toString());
    g.writeStringField("endpoint", r.endpoint());
    stringIfPresent(g, "request_id", r.requestId());
    g.writeStringField("variant", r.variant());
    g.writeStringField("role", r.role().name());
    g.writeStringField("outcome", r.outcome().name());
    if (r.rejectReason() != null) {
      g.writeStringField("reject_reason", r.rejectReason().name());
    }
    if (r.count() != 1) {
      g.writeNumberField("count", r.count()); // aggregated rejections (schema 2)
    }
    if (r.latencyNanos() >= 0) {
      g.writeNumberField("latency_ns", r.latencyNanos());
    }
    if (r.queueWaitNanos() >= 0) {
      g.writeNumberField("queue_wait_ns", r.queueWaitNanos());
    }
    stringIfPresent(g, "error_type", r.errorType());
    stringIfPresent(g, "error_message", r.errorMessage());
    stringIfPresent(g, "error_stack", r.errorStackTrace());
    Comparison c = r.comparison();
    g.writeStringField("comparison", c.result().name());
    if (c.hasScore()) {
      g.writeNumberField("score", c.score());
    }
    if (!c.differingPaths().isEmpty()) {
      g.writeArrayFieldStart("differing_paths");
      for (String path : c.differingPaths()) {
        g.writeString(path);
      }
      g.writeEndArray();
    }
    stringIfPresent(g, "production_variant", r.productionVariant());
    if (r.input() != null) {
      g.writeFieldName("input");
      value(r.input(), g, payloads, 0);
    }
    if (r.output() != null) {
      g.writeFieldName("output");
      value(r.output(), g, payloads, 0);
    }
    g.writeEndObject();
  }

  private static void stringIfPresent(JsonGenerator g, String field, String value)
      throws IOException {
    if (value != null) {
      g.writeStringField(field, value);
    }
  }

  private static void value(Object v, JsonGenerator g, PayloadWriter custom, int depth)
      throws IOException {
    if (depth > MAX_PAYLOAD_DEPTH) {
      throw new JsonGenerationException(
          "payload nested deeper than " + MAX_PAYLOAD_DEPTH + " levels", g);
    }
    if (v == null) {
      g.writeNull();
    } else if (custom.write(v, g)) {
      return;
    } else if (v instanceof CharSequence s) {
      g.writeString(s.toString());
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Number n) {
      number(n, g);
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(String.valueOf(e.getKey()));
        value(e.getValue(), g, custom, depth + 1);
      }
      g.writeEndObject();
    } else if (v instanceof Iterable<?> it) {
      g.writeStartArray();
      for (Object o : it) {
        value(o, g, custom, depth + 1);
      }
      g.writeEndArray();
    } else if (v instanceof byte[] bytes) {
      g.writeBinary(bytes);
    } else if (v.getClass().isArray()) {
      int n = Array.getLength(v);
      g.writeStartArray();
      for (int i = 0; i < n; i++) {
        value(Array.get(v, i), g, custom, depth + 1);
      }
      g.writeEndArray();
    } else {
      g.writeString(v.toString());
    }
  }

  private static void number(Number n, JsonGenerator g) throws IOException {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      g.writeNumber(n.longValue());
    } else if (n instanceof BigInteger b) {
      g.writeNumber(b);
    } else if (n instanceof BigDecimal d) {
      g.writeNumber(d);
    } else {
      g.writeNumber(n.doubleValue()); // non-finite values become the strings "NaN", "Infinity"
    }
  }

  /**
   * Parses one line. Unknown fields are skipped (a newer minor writer may add some).
   *
   * @throws IOException if the line is not one complete record (e.g. the torn last line of a crash)
   */
  static ShadowRecord read(String line) throws IOException {
    try (JsonParser p = FACTORY.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("a record must be a JSON object");
      }
      ShadowRecord.Builder b = ShadowRecord.builder();
      Comparison.Result result = Comparison.Result.NOT_COMPARED;
      double score = Double.NaN;
      List<String> paths = List.of();
      String message = null;
      String stack = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        p.nextToken();
        switch (field) {
          case "ts" -> b.timestamp(Instant.parse(p.getText()));
          case "endpoint" -> b.endpoint(p.getText());
          case "request_id" -> b.requestId(p.getText());
          case "variant" -> b.variant(p.getText());
          case "role" -> b.role(Role.valueOf(p.getText()));
          case "outcome" -> b.outcome(Outcome.valueOf(p.getText()));
          case "reject_reason" -> b.rejectReason(RejectReason.valueOf(p.getText()));
          case "count" -> b.count(p.getLongValue());
          case "latency_ns" -> b.latencyNanos(p.getLongValue());
          case "queue_wait_ns" -> b.queueWaitNanos(p.getLongValue());
          case "error_type" -> b.errorType(p.getText());
          case "error_message" -> message = p.getText();
          case "error_stack" -> stack = p.getText();
          case "comparison" -> result = Comparison.Result.valueOf(p.getText());
          case "score" -> score = p.currentToken() == JsonToken.VALUE_STRING
              ? Double.parseDouble(p.getText()) : p.getDoubleValue();
          case "differing_paths" -> paths = stringArray(p);
          case "production_variant" -> b.productionVariant(p.getText());
          case "input" -> b.input(readValue(p));
          case "output" -> b.output(readValue(p));
          default -> p.skipChildren(); // "schema" and fields of later versions
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new IOException("trailing content after the record");
      }
      return b.errorDetails(message, stack).comparison(comparison(result, score, paths)).build();
    } catch (IllegalArgumentException | NullPointerException | java.time.DateTimeException e) {
      throw new IOException("not a valid record: " + e.getClass().getSimpleName(), e);
    }
  }

  private static Comparison comparison(Comparison.Result result, double score, List<String> paths) {
    Comparison c = switch (result) {
      case MATCH -> Comparison.match();
      case MISMATCH -> Comparison.mismatch();
      case NOT_COMPARED -> Comparison.notCompared();
    };
    if (!Double.isNaN(score)) {
      c = c.withScore(score);
    }
    return paths.isEmpty() ? c : c.withDifferingPaths(paths);
  }

  private static List<String> stringArray(JsonParser p) throws IOException {
    List<String> values = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      values.add(p.getText());
    }
    return values;
  }

  /** A JSON value as plain Java: Map, List, String, Long/Integer/BigInteger, Double, Boolean, null. */
  private static Object readValue(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          p.nextToken();
          map.put(key, readValue(p));
        }
        return map;
      }
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(readValue(p));
        }
        return list;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        return p.getNumberValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return p.getBooleanValue();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected " + p.currentToken());
    }
  }
}
