package dev.shadowrouting.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestReport.Check;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a {@link ShadowTestReport} (documented in the README, pinned by a golden test):
 * fields in a fixed order, durations in milliseconds, latencies in nanoseconds, rates as fractions,
 * absent values as {@code null}. Uses jackson-core's streaming API only. Stateless, thread-safe.
 */
public final class ReportJson {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ReportJson() {}

  public static String write(ShadowTestReport r) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("endpoint", r.endpoint());
      g.writeStringField("candidate", r.candidate());
      g.writeStringField("status", r.status().name());
      g.writeStringField("verdict", r.verdict().name());
      g.writeStringField("decision", r.decision().name());
      g.writeStringField("startedAt", r.startedAt().toString());
      g.writeStringField("endedAt", r.endedAt() == null ? null : r.endedAt().toString());
      g.writeStringField("endReason", r.endReason());
      g.writeNumberField("elapsedMillis", r.elapsed().toMillis());
      g.writeNumberField("durationMillis", r.duration().toMillis());
      g.writeNumberField("progress", r.progress());
      g.writeNumberField("calls", r.calls());
      g.writeNumberField("maxRequests", r.maxRequests());
      g.writeNumberField("samplingRate", r.samplingRate());
      g.writeArrayFieldStart("productionVariants");
      for (String p : r.productionVariants()) {
        g.writeString(p);
      }
      g.writeEndArray();
      g.writeNumberField("unmatchedLabels", r.unmatchedLabels());
      g.writeArrayFieldStart("checks");
      for (Check c : r.checks()) {
        g.writeStartObject();
        g.writeStringField("name", c.name());
        g.writeStringField("verdict", c.verdict().name());
        number(g, "estimate", c.estimate());
        number(g, "lower", c.lower());
        number(g, "upper", c.upper());
        number(g, "threshold", c.threshold());
        number(g, "confidence", c.confidence());
        g.writeNumberField("n", c.n());
        g.writeStringField("reason", c.reason());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeArrayFieldStart("variants");
      for (VariantReport v : r.variants()) {
        variant(g, v);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }

  private static void variant(JsonGenerator g, VariantReport v) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", v.name());
    g.writeStringField("side", v.side().name());
    g.writeNumberField("invocations", v.invocations());
    g.writeNumberField("errors", v.errors());
    g.writeNumberField("timeouts", v.timeouts());
    g.writeNumberField("rejected", v.rejected());
    latency(g, "runTime", v.runTime());
    latency(g, "queueWait", v.queueWait());
    latency(g, "routerTime", v.routerTime());
    g.writeNumberField("compared", v.compared());
    g.writeNumberField("mismatches", v.mismatches());
    number(g, "agreement", v.agreement().isPresent() ? v.agreement().getAsDouble() : Double.NaN);
    number(g, "agreementLower", v.agreementLower());
    number(g, "agreementUpper", v.agreementUpper());
    g.writeArrayFieldStart("mismatchSamples");
    for (String id : v.mismatchSamples()) {
      g.writeString(id);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("fieldMismatches");
    for (Map.Entry<String, Long> e : new TreeMap<>(v.fieldMismatches()).entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeStringField("qualityMetric", v.qualityMetric());
    number(g, "quality", v.quality().isPresent() ? v.quality().getAsDouble() : Double.NaN);
    g.writeNumberField("labels", v.labels());
    number(g, "throughputPerSecond", v.throughputPerSecond());
    g.writeEndObject();
  }

  private static void latency(JsonGenerator g, String field, LatencySummary s)
      throws IOException {
    g.writeObjectFieldStart(field);
    g.writeNumberField("count", s.count());
    g.writeNumberField("p50Nanos", s.p50Nanos());
    g.writeNumberField("p90Nanos", s.p90Nanos());
    g.writeNumberField("p99Nanos", s.p99Nanos());
    g.writeNumberField("p999Nanos", s.p999Nanos());
    g.writeNumberField("maxNanos", s.maxNanos());
    g.writeEndObject();
  }

  /** NaN and infinities are not JSON numbers: absent values are written as null. */
  private static void number(JsonGenerator g, String field, double value) throws IOException {
    if (Double.isFinite(value)) {
      g.writeNumberField(field, value);
    } else {
      g.writeNullField(field);
    }
  }
}
