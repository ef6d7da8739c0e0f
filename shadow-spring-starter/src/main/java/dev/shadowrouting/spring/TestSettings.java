package dev.shadowrouting.spring;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * The settings of a shadow test that the Actuator endpoint's {@code start-test} takes (and the
 * dashboard's form shows): how each is read from the request body into the starter's
 * {@link Test} properties, its default and its allowed range. Defaults are those of a fresh
 * {@link Test}, which holds the core's constants; ranges are the core's own requirements, read off
 * the problems shadow-core reports for values out of every range, so nothing here restates them.
 *
 * <p>Immutable and thread-safe.
 */
final class TestSettings {

  /** One setting of the body: its field name, kind, default and how it is applied. */
  record Setting(String name, Kind kind, Function<Test, Object> defaultValue,
      BiConsumer<Test, String> apply, String outOfRange) {}

  /** How a setting's value is written. */
  enum Kind {
    /** A decimal number, e.g. {@code 0.05}. */
    NUMBER,
    /** A whole number, e.g. {@code 5000}. */
    COUNT,
    /** A duration as Spring Boot reads it, e.g. {@code 30m}, {@code 2h}, {@code PT2H}. */
    DURATION
  }

  /** The settings, in the order the form shows them. */
  static final List<Setting> SETTINGS = List.of(
      number("samplingRate", Test::getSamplingRate, Test::setSamplingRate),
      duration("duration", Test::getDuration, Test::setDuration),
      count("maxRequests", Test::getMaxRequests, Test::setMaxRequests),
      number("maxLatencyIncrease", Test::getMaxLatencyIncrease, Test::setMaxLatencyIncrease),
      number("tailQuantile", Test::getTailQuantile, Test::setTailQuantile),
      number("maxTailLatencyIncrease", Test::getMaxTailLatencyIncrease,
          Test::setMaxTailLatencyIncrease),
      number("maxErrorRateIncrease", Test::getMaxErrorRateIncrease,
          Test::setMaxErrorRateIncrease),
      number("minAgreement", Test::getMinAgreement, Test::setMinAgreement),
      count("minSamples", Test::getMinSamples, Test::setMinSamples),
      number("alpha", Test::getAlpha, Test::setAlpha),
      duration("warmup", Test::getWarmup, Test::setWarmup));

  /** Stands in for the candidate's predictor while the core reports its ranges; never called. */
  private static final Predictor<Object, Object> STAND_IN = input -> {
    throw new UnsupportedOperationException("a stand-in to read the core's ranges, never called");
  };

  /** A range in a core requirement: "[0.0, 1.0]", "(0.0, 0.5]". */
  private static final Pattern RANGE =
      Pattern.compile("[\\[(]([^,\\[\\]()]+), ([^\\[\\]()]+)[\\])]");
  private static final Pattern ISO_DURATION = Pattern.compile("P[0-9DTHMS.]+");

  /** The form's description of each setting, computed once (after the fields above). */
  private static final List<Map<String, Object>> DESCRIPTION = computeDescription();

  private TestSettings() {}

  /** The field names of the settings. */
  static List<String> names() {
    return SETTINGS.stream().map(Setting::name).toList();
  }

  /**
   * Applies every setting {@code given} names onto {@code test}.
   *
   * @throws ShadowEndpointException (400) naming the field and its value if one is no number,
   *     whole number or duration
   */
  static void apply(Test test, Map<String, String> given) {
    for (Setting s : SETTINGS) {
      String value = given.get(s.name());
      if (value != null) {
        s.apply().accept(test, value);
      }
    }
  }

  /**
   * The settings {@code given} names, parsed, by name: what a fleet command carries (core's
   * {@code ShadowOperations.startTest(candidate, settings)} takes these names).
   *
   * @throws ShadowEndpointException (400) as {@link #apply}
   */
  static Map<String, Object> values(Map<String, String> given) {
    Test test = new Test();
    apply(test, given);
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting s : SETTINGS) {
      if (given.containsKey(s.name())) {
        values.put(s.name(), s.defaultValue().apply(test)); // the value apply set
      }
    }
    return values;
  }

  /**
   * For the form: each setting's {@code name}, {@code kind}, {@code default}, the core's
   * {@code requirement} (e.g. {@code in [0.0, 1.0]}) and, for numbers, {@code min} and
   * {@code max} when the range has them (null for an open end).
   */
  static List<Map<String, Object>> describe() {
    return DESCRIPTION;
  }

  private static List<Map<String, Object>> computeDescription() {
    Map<String, String> requirements = requirements();
    Test defaults = new Test();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Setting s : SETTINGS) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("name", s.name());
      d.put("kind", s.kind().name());
      Object value = s.defaultValue().apply(defaults);
      d.put("default", value instanceof Duration duration ? human(duration) : value);
      String requirement = requirements.get(s.name());
      d.put("requirement", requirement == null ? null : readable(requirement));
      Matcher m = requirement == null ? null : RANGE.matcher(requirement);
      if (m != null && m.find() && s.kind() != Kind.DURATION) {
        d.put("min", bound(m.group(1)));
        d.put("max", bound(m.group(2)));
      }
      out.add(d);
    }
    return List.copyOf(out);
  }

  /**
   * The core's requirement of every setting, read off the problems it reports for a spec with
   * every setting out of range (NaN, -1, a negative duration).
   */
  private static Map<String, String> requirements() {
    Test test = new Test();
    test.setCandidate("probe");
    for (Setting s : SETTINGS) {
      s.apply().accept(test, s.outOfRange());
    }
    Map<String, String> requirements = new LinkedHashMap<>();
    try {
      RouterFactory.spec(test, STAND_IN);
    } catch (InvalidConfigurationException e) {
      for (Problem p : e.problems()) {
        requirements.put(p.field(), p.requirement());
      }
    }
    return requirements;
  }

  /** A requirement with ISO durations as a person writes them: "in [1s, 30d]". */
  private static String readable(String requirement) {
    Matcher m = ISO_DURATION.matcher(requirement);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, human(Duration.parse(m.group())));
    }
    m.appendTail(out);
    return out.toString().replace(", " + Long.MAX_VALUE + "]", ", ∞)");
  }

  private static @Nullable Number bound(String text) {
    String t = text.trim();
    if (t.equals(Long.toString(Long.MAX_VALUE))) {
      return null;
    }
    try {
      // not a ?: of the two: it would widen the long to a double
      if (t.contains(".") || t.contains("E")) {
        return Double.parseDouble(t);
      }
      return Long.parseLong(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** "7d", "1h", "30m", "10s", "250ms", "0s": the largest unit that divides the duration. */
  static String human(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return ms / units[i] + names[i];
      }
    }
    return ms == 0 ? "0s" : ms + "ms";
  }

  private static Setting number(String name, Function<Test, Double> get,
      BiConsumer<Test, Double> set) {
    return new Setting(name, Kind.NUMBER, get::apply,
        (t, v) -> set.accept(t, parseNumber(name, v)), "NaN");
  }

  private static Setting count(String name, Function<Test, Long> get, BiConsumer<Test, Long> set) {
    return new Setting(name, Kind.COUNT, get::apply,
        (t, v) -> set.accept(t, parseCount(name, v)), "-1");
  }

  private static Setting duration(String name, Function<Test, Duration> get,
      BiConsumer<Test, Duration> set) {
    return new Setting(name, Kind.DURATION, get::apply,
        (t, v) -> set.accept(t, parseDuration(name, v)), "-1s");
  }

  static double parseNumber(String field, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, field
          + " must be a number but was \"" + value + "\"");
    }
  }

  /** A whole number: 1.5 is refused rather than cut to 1. */
  static long parseCount(String field, String value) {
    double d = parseNumber(field, value);
    if (d != Math.rint(d) || Math.abs(d) > 1e18) {
      throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, field
          + " must be a whole number but was \"" + value + "\"");
    }
    return (long) d;
  }

  static Duration parseDuration(String field, String value) {
    try {
      return DurationStyle.detectAndParse(value.trim());
    } catch (IllegalArgumentException e) {
      throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, field + " must be a duration"
          + " such as \"30m\", \"2h\", \"7d\" or \"PT2H\" but was \"" + value + "\"");
    }
  }
}
