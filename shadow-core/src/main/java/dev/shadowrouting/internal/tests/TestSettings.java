package dev.shadowrouting.internal.tests;

import dev.shadowrouting.Problem;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The settings of a shadow test that can travel: what a start-test names besides its candidate,
 * by the {@link ShadowTestSpec.Builder}'s setter names, as values a person or a JSON body gives
 * (numbers, booleans, ISO-8601 durations, check names) and as the canonical strings a fleet
 * command carries. Every instance builds the same spec from the same canonical settings, so the
 * test has the same {@code fleetId} everywhere, and the same as a test built from the same values
 * in code or configuration. Code (predictor, comparator, quality metric, clock) does not travel:
 * the candidate is a shadow variant every instance already has. Stateless.
 */
public final class TestSettings {

  private enum Kind { NUMBER, INTEGER, BOOLEAN, DURATION, CHECKS }

  private record Setting(Kind kind, BiConsumer<ShadowTestSpec.Builder<?, ?>, String> apply) {}

  private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

  static {
    number("samplingRate", (b, v) -> b.samplingRate(v));
    duration("duration", (b, v) -> b.duration(v));
    integer("maxRequests", (b, v) -> b.maxRequests(v));
    number("maxLatencyIncrease", (b, v) -> b.maxLatencyIncrease(v));
    number("maxErrorRateIncrease", (b, v) -> b.maxErrorRateIncrease(v));
    number("minAgreement", (b, v) -> b.minAgreement(v));
    number("tailQuantile", (b, v) -> b.tailQuantile(v));
    number("maxTailLatencyIncrease", (b, v) -> b.maxTailLatencyIncrease(v));
    number("alpha", (b, v) -> b.alpha(v));
    duration("warmup", (b, v) -> b.warmup(v));
    SETTINGS.put("withoutChecks", new Setting(Kind.CHECKS, (b, v) -> {
      for (String check : v.split(",")) {
        b.withoutCheck(Check.valueOf(check));
      }
    }));
    integer("minSamples", (b, v) -> b.minSamples(v));
    bool("continueAfterFail", (b, v) -> b.continueAfterFail(v));
    number("stopIfErrorRateAbove", (b, v) -> b.stopIfErrorRateAbove(v));
    number("stopIfTimeoutRateAbove", (b, v) -> b.stopIfTimeoutRateAbove(v));
    number("stopIfRejectedRateAbove", (b, v) -> b.stopIfRejectedRateAbove(v));
    integer("guardMinCalls", (b, v) -> b.guardMinCalls(v));
    bool("noiseBaseline", (b, v) -> b.noiseBaseline(v));
  }

  /** The names of the settings a start-test takes. */
  public static final Set<String> NAMES = java.util.Collections.unmodifiableSet(SETTINGS.keySet());

  private TestSettings() {}

  private static void number(String name, BiConsumer<ShadowTestSpec.Builder<?, ?>, Double> set) {
    SETTINGS.put(name, new Setting(Kind.NUMBER, (b, v) -> set.accept(b, Double.valueOf(v))));
  }

  private static void integer(String name, BiConsumer<ShadowTestSpec.Builder<?, ?>, Long> set) {
    SETTINGS.put(name, new Setting(Kind.INTEGER, (b, v) -> set.accept(b, Long.valueOf(v))));
  }

  private static void bool(String name, BiConsumer<ShadowTestSpec.Builder<?, ?>, Boolean> set) {
    SETTINGS.put(name, new Setting(Kind.BOOLEAN, (b, v) -> set.accept(b, Boolean.valueOf(v))));
  }

  private static void duration(String name,
      BiConsumer<ShadowTestSpec.Builder<?, ?>, Duration> set) {
    SETTINGS.put(name, new Setting(Kind.DURATION, (b, v) -> set.accept(b, Duration.parse(v))));
  }

  /**
   * The canonical form of {@code settings}: each value as the string a command carries, sorted
   * by name. A name that is not a setting, or a value of the wrong kind, is added to {@code
   * errors} (ranges are the spec builder's to check).
   */
  public static Map<String, String> canonical(Map<String, ?> settings, ConfigErrors errors) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ?> e : settings.entrySet()) {
      String name = e.getKey();
      Object value = e.getValue();
      Setting setting = SETTINGS.get(name);
      if (setting == null) {
        errors.add(new Problem(String.valueOf(name), value, "one of the settings " + NAMES));
        continue;
      }
      String canonical = value == null ? null : canonical(setting.kind(), value);
      if (canonical == null) {
        errors.add(new Problem(name, value, requirement(setting.kind())));
      } else if (!canonical.isEmpty()) {
        out.put(name, canonical);
      }
    }
    return out;
  }

  /** The value as its canonical string, "" for no checks, or null if it is of the wrong kind. */
  private static String canonical(Kind kind, Object value) {
    try {
      return switch (kind) {
        case NUMBER -> value instanceof Number n ? Double.toString(n.doubleValue())
            : value instanceof String s ? Double.toString(Double.parseDouble(s.trim())) : null;
        case INTEGER -> value instanceof Long || value instanceof Integer
            || value instanceof Short || value instanceof Byte
            ? Long.toString(((Number) value).longValue())
            : value instanceof String s ? Long.toString(Long.parseLong(s.trim())) : null;
        case BOOLEAN -> value instanceof Boolean b ? b.toString()
            : value instanceof String s && (s.equalsIgnoreCase("true")
                || s.equalsIgnoreCase("false")) ? s.toLowerCase(Locale.ROOT) : null;
        case DURATION -> value instanceof Duration d ? d.toString()
            : value instanceof String s ? Duration.parse(s.trim()).toString() : null;
        case CHECKS -> checks(value);
      };
    } catch (NumberFormatException | DateTimeParseException e) {
      return null;
    }
  }

  /** Check names (a collection, or one string separated by commas), in the checks' order. */
  private static String checks(Object value) {
    Collection<?> given = value instanceof Collection<?> c ? c
        : value instanceof String s ? Arrays.asList(s.split(",")) : null;
    if (given == null) {
      return null;
    }
    EnumSet<Check> checks = EnumSet.noneOf(Check.class);
    for (Object o : given) {
      String name = String.valueOf(o).trim().toUpperCase(Locale.ROOT);
      if (!name.isEmpty()) {
        try {
          checks.add(o instanceof Check c ? c : Check.valueOf(name));
        } catch (IllegalArgumentException e) {
          return null;
        }
      }
    }
    List<String> names = new ArrayList<>();
    checks.forEach(c -> names.add(c.name()));
    return String.join(",", names);
  }

  private static String requirement(Kind kind) {
    return switch (kind) {
      case NUMBER -> "a number";
      case INTEGER -> "an integer";
      case BOOLEAN -> "true or false";
      case DURATION -> "an ISO-8601 duration such as PT1H";
      case CHECKS -> "a list of checks from " + Arrays.toString(Check.values());
    };
  }

  /**
   * The spec of a test of {@code candidate} under {@code settings} (given or canonical).
   *
   * @throws dev.shadowrouting.InvalidConfigurationException naming every setting that is not
   *     one, of the wrong kind or out of range
   */
  public static <I, O> ShadowTestSpec<I, O> spec(Variant<I, O> candidate,
      Map<String, ?> settings) {
    ConfigErrors errors = new ConfigErrors("shadow test of '" + candidate.name()
        + "' is invalid");
    Map<String, String> canonical = canonical(settings, errors);
    errors.throwIfAny();
    ShadowTestSpec.Builder<I, O> b = ShadowTestSpec.builder(candidate);
    canonical.forEach((name, value) -> SETTINGS.get(name).apply().accept(b, value));
    return b.build();
  }
}
