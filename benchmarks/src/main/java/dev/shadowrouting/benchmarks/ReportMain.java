package dev.shadowrouting.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file ({@code -rf json}) into a Markdown table per benchmark: score,
 * error, the difference and ratio against {@code direct} under the same other parameters, and the
 * allocation per call when the run used {@code -prof gc}.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.shadowrouting.benchmarks.ReportMain target/jmh-quick.json}
 */
public final class ReportMain {

  private ReportMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: ReportMain <jmh-result.json>");
      System.exit(2);
    }
    System.out.print(report(new ObjectMapper().readTree(new File(args[0]))));
  }

  static String report(JsonNode results) {
    Map<String, List<JsonNode>> byBenchmark = new LinkedHashMap<>();
    for (JsonNode r : results) {
      byBenchmark.computeIfAbsent(r.get("benchmark").asText(), k -> new ArrayList<>()).add(r);
    }
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, List<JsonNode>> e : byBenchmark.entrySet()) {
      String name = e.getKey().replace("dev.shadowrouting.benchmarks.", "");
      out.append("\n### ").append(name).append("\n\n")
          .append("| params | score | error | unit | vs direct | ratio | alloc B/op |\n")
          .append("|---|---:|---:|---|---:|---:|---:|\n");
      for (JsonNode r : e.getValue()) {
        JsonNode primary = r.get("primaryMetric");
        double score = primary.get("score").asDouble();
        JsonNode direct = direct(e.getValue(), r);
        String delta = "";
        String ratio = "";
        if (direct != null) {
          double base = direct.get("primaryMetric").get("score").asDouble();
          delta = String.format(Locale.ROOT, "%+.1f", score - base);
          ratio = String.format(Locale.ROOT, "%.2fx", score / base);
        }
        JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %s | %s | %s | %s |%n",
            params(r.get("params"), null), score, primary.get("scoreError").asDouble(),
            primary.get("scoreUnit").asText(), delta, ratio,
            alloc.isMissingNode() ? "" : String.format(Locale.ROOT, "%.0f", alloc.asDouble())));
      }
    }
    return out.toString();
  }

  /** The result of {@code impl=direct} with the same other parameters, or null. */
  private static JsonNode direct(List<JsonNode> rows, JsonNode row) {
    String others = params(row.get("params"), "impl");
    for (JsonNode r : rows) {
      JsonNode p = r.get("params");
      if (p != null && "direct".equals(p.path("impl").asText())
          && params(p, "impl").equals(others)) {
        return r;
      }
    }
    return null;
  }

  private static String params(JsonNode params, String except) {
    if (params == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (!p.getKey().equals(except)) {
        parts.add(p.getKey().equals("impl") ? p.getValue().asText()
            : p.getKey() + "=" + p.getValue().asText());
      }
    }
    return String.join(" ", parts);
  }
}
