package dev.shadowrouting.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes {@code BENCHMARKS.md} from one Markdown template per question ({@code
 * benchmarks/questions/NN-name.md}) and the JMH JSON result of that question's run ({@code
 * benchmarks/results/NN-name.json}, written by {@code benchmarks/bench.sh}), so that every number
 * on the page is JMH's own and every table says the command that produced it.
 *
 * <p>A template is plain Markdown with HTML comments the page does not show:
 * <ul>
 *   <li>{@code <!-- command: ARGS -->}: the JMH arguments of the question's run (after {@code
 *       java -jar benchmarks/target/benchmarks.jar}); {@code bench.sh} runs them.</li>
 *   <li>{@code <!-- baseline: ROWS => BASE -->}, any number: rows whose {@code Class.method}
 *       starts with {@code ROWS} are compared with the row {@code BASE} ({@code Class.method},
 *       or {@code *} for the row's own, optionally followed by {@code key=value} parameters)
 *       that has the same other parameters. The table shows the difference and the ratio to
 *       it.</li>
 * </ul>
 * and {@code {{results}}} where the table goes. A template without a command is prose only (a
 * load test's numbers, say). Usage: {@code BenchmarksPage <questions dir> <results dir> <out>}.
 */
public final class BenchmarksPage {

  private static final Pattern COMMAND = Pattern.compile("<!--\\s*command:\\s*(.+?)\\s*-->");
  private static final Pattern BASELINE =
      Pattern.compile("<!--\\s*baseline:\\s*(\\S+)\\s*=>\\s*(\\S+)((?:\\s+\\w+=\\S+)*)\\s*-->");

  private BenchmarksPage() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: BenchmarksPage <questions dir> <results dir> <BENCHMARKS.md>");
      System.exit(2);
    }
    Path questions = Path.of(args[0]);
    Path results = Path.of(args[1]);
    List<Path> templates;
    try (Stream<Path> files = Files.list(questions)) {
      templates = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
    }
    StringBuilder page = new StringBuilder();
    for (Path template : templates) {
      String name = template.getFileName().toString().replaceFirst("\\.md$", "");
      String text = Files.readString(template, StandardCharsets.UTF_8);
      Path json = results.resolve(name + ".json");
      Path env = results.resolve(name + ".env");
      page.append(render(text,
          Files.exists(json) ? new ObjectMapper().readTree(json.toFile()) : null,
          Files.exists(env) ? Files.readString(env, StandardCharsets.UTF_8).strip() : null));
      page.append('\n');
    }
    Files.writeString(Path.of(args[2]), page.toString().stripTrailing() + "\n",
        StandardCharsets.UTF_8);
  }

  /** One question's section: the template with its results table in place of the marker. */
  static String render(String template, JsonNode results, String environment) {
    Matcher command = COMMAND.matcher(template);
    // the comments are for bench.sh and this class; the page shows the command with its table
    String text = template.replaceAll("(?m)^<!--\\s*(command|baseline):.*-->\\R", "");
    if (!text.contains("{{results}}")) {
      return text.strip() + "\n";
    }
    if (!command.find()) {
      throw new IllegalArgumentException("a template with {{results}} needs a command comment");
    }
    String table;
    if (results == null) {
      table = "*(not measured yet: run `benchmarks/bench.sh` with this question's name)*";
    } else {
      table = "`java -jar benchmarks/target/benchmarks.jar " + command.group(1) + "`"
          + (environment == null ? "" : "  \n" + environment) + "\n\n"
          + table(results, baselines(template));
    }
    return text.replace("{{results}}", table).strip() + "\n";
  }

  /** A comparison: rows whose name starts with {@code rows}, against the row {@code base}. */
  record Baseline(String rows, String base, Map<String, String> baseParams) {}

  static List<Baseline> baselines(String template) {
    List<Baseline> out = new ArrayList<>();
    Matcher m = BASELINE.matcher(template);
    while (m.find()) {
      Map<String, String> params = new LinkedHashMap<>();
      for (String kv : m.group(3).trim().split("\\s+")) {
        if (!kv.isEmpty()) {
          params.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
      }
      out.add(new Baseline(m.group(1), m.group(2), params));
    }
    return out;
  }

  static String table(JsonNode results, List<Baseline> baselines) {
    boolean alloc = false;
    for (JsonNode r : results) {
      alloc |= !allocation(r).isMissingNode();
    }
    StringBuilder out = new StringBuilder("| benchmark | parameters | score | ± error | unit "
        + "| baseline | difference | ratio |" + (alloc ? " alloc B/op |" : "") + "\n"
        + "|---|---|---:|---:|---|---|---:|---:|" + (alloc ? "---:|" : "") + "\n");
    for (JsonNode r : results) {
      JsonNode primary = r.get("primaryMetric");
      double score = primary.get("score").asDouble();
      String base = "";
      String delta = "";
      String ratio = "";
      JsonNode b = baseline(results, r, baselines);
      if (b != null && b != r) {
        double baseScore = b.get("primaryMetric").get("score").asDouble();
        base = name(b);
        delta = number(score - baseScore, true);
        ratio = String.format(Locale.ROOT, "%.2fx", score / baseScore);
      }
      out.append("| ").append(name(r)).append(" | ").append(params(r.get("params"), Map.of()))
          .append(" | ").append(number(score, false))
          .append(" | ").append(number(primary.get("scoreError").asDouble(), false))
          .append(" | ").append(primary.get("scoreUnit").asText())
          .append(" | ").append(base).append(" | ").append(delta).append(" | ").append(ratio)
          .append(" |");
      if (alloc) {
        JsonNode a = allocation(r);
        out.append(' ').append(a.isMissingNode() ? "" : number(a.asDouble(), false)).append(" |");
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static JsonNode allocation(JsonNode r) {
    return r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
  }

  /** The first baseline whose rows match {@code row}: its base row with the same other params. */
  static JsonNode baseline(JsonNode results, JsonNode row, List<Baseline> baselines) {
    String name = name(row);
    for (Baseline b : baselines) {
      if (!name.startsWith(b.rows())) {
        continue;
      }
      String others = params(row.get("params"), b.baseParams());
      for (JsonNode r : results) {
        String base = b.base().equals("*") ? name : b.base();
        if (name(r).equals(base) && matches(r.get("params"), b.baseParams())
            && params(r.get("params"), b.baseParams()).equals(others)) {
          return r;
        }
      }
    }
    return null;
  }

  private static boolean matches(JsonNode params, Map<String, String> wanted) {
    for (Map.Entry<String, String> w : wanted.entrySet()) {
      if (params == null || !w.getValue().equals(params.path(w.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  /** {@code Class.method} without the package. */
  static String name(JsonNode row) {
    String full = row.get("benchmark").asText();
    return full.substring(full.lastIndexOf('.', full.lastIndexOf('.') - 1) + 1);
  }

  private static String params(JsonNode params, Map<String, String> except) {
    if (params == null) {
      return "";
    }
    List<String> parts = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      if (!except.containsKey(p.getKey())) {
        parts.add(p.getKey() + "=" + p.getValue().asText());
      }
    }
    return String.join(" ", parts);
  }

  /** Three significant digits at most, grouped thousands, no exponent: 0.734, 12.3, 45,678. */
  static String number(double v, boolean signed) {
    double a = Math.abs(v);
    String digits = a >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
        : a >= 10 ? String.format(Locale.ROOT, "%.1f", v)
        : a >= 1 ? String.format(Locale.ROOT, "%.2f", v)
        : String.format(Locale.ROOT, "%.3f", v);
    return signed && v >= 0 ? "+" + digits : digits;
  }
}
