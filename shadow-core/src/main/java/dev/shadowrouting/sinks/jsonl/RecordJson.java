package dev.shadowrouting.sinks.jsonl;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.internal.Documents;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads records back from their JSON form (written by {@link Documents#record}, schema {@value
 * ShadowRecord#SCHEMA_VERSION}, documented in docs/sinks.md) with jackson-core's parser, whose
 * factory also makes the generator a {@link PayloadWriter} writes through. Stateless and
 * thread-safe.
 */
final class RecordJson {
  static final JsonFactory FACTORY = JsonFactory.builder()
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .disable(StreamWriteFeature.FLUSH_PASSED_TO_STREAM)
      .build();

  private RecordJson() {}

  /**
   * Parses one line. Unknown fields are skipped (a newer minor writer may add some).
   *
   * @throws IOException if the line is not one complete record (e.g. the torn last line of a
   *     crash), with a message that never quotes the line (it may hold payloads)
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
    } catch (JsonEOFException e) {
      throw new IOException("the line ends inside a JSON value (a torn last line?)", e);
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the content, which may be a payload: only where it broke
      throw new IOException("not valid JSON" + (e.getLocation() == null ? ""
          : " at column " + e.getLocation().getColumnNr()), e);
    } catch (NullPointerException e) { // ShadowRecord's builder names the missing field
      throw new IOException("not a valid record: no " + e.getMessage(), e);
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
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
