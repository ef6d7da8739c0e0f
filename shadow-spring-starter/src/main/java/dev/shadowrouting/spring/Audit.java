package dev.shadowrouting.spring;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Variant;
import java.lang.System.Logger.Level;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail of the Actuator endpoint's writes: one INFO line per write, applied or refused,
 * on the {@link System.Logger} {@value #LOGGER} (so it can be routed apart): who (the principal
 * Spring Security or the server authenticated, else {@code anonymous}), the endpoint, the action
 * and its fields, what came of it and the endpoint's variants and tests before and after. Fields
 * are settings (variant names, rates, durations), never payloads; each value is cut to
 * {@value #MAX_VALUE} characters, and a field the endpoint does not know is named without its
 * value. What a caller typed (names, values, the endpoint in the URL) has its control characters
 * replaced, so a write cannot forge a log line.
 *
 * <p>Stateless and thread-safe.
 */
final class Audit {

  /** The logger's name. */
  static final String LOGGER = "dev.shadowrouting.spring.audit";

  static final int MAX_VALUE = 100;

  private static final System.Logger LOG = System.getLogger(LOGGER);

  private Audit() {}

  /** An applied write: what it did, and the endpoint before and after. */
  static void applied(@Nullable Principal who, String endpoint, String action,
      Map<String, String> fields, String result, String before, String after) {
    LOG.log(Level.INFO, () -> "shadow endpoint write by " + who(who) + " on endpoint '"
        + clean(endpoint) + "': " + action + " " + fields(fields) + " applied: " + clean(result)
        + "; before: " + clean(before) + "; after: " + clean(after));
  }

  /** A refused write: why, and the endpoint as it stays (null if there is no such endpoint). */
  static void refused(@Nullable Principal who, String endpoint, @Nullable String action,
      Map<String, String> fields, int status, String reason, @Nullable String state) {
    LOG.log(Level.INFO, () -> "shadow endpoint write by " + who(who) + " on endpoint '"
        + clean(endpoint) + "': " + (action == null ? "(no action)" : cut(action)) + " "
        + fields(fields) + " refused (" + status + "): " + clean(reason)
        + (state == null ? "" : "; unchanged: " + clean(state)));
  }

  /**
   * The endpoint's variants and tests in one line: {@code production [v1 (weight 1.0)], shadows
   * [v2 (sampling 0.25)], tests [v3 RUNNING INCONCLUSIVE]}.
   */
  static String state(ShadowRouter<?, ?> router) {
    List<String> production = new ArrayList<>();
    for (Variant<?, ?> v : router.config().productionVariants()) {
      production.add(v.name() + " (weight " + v.weight() + ")");
    }
    List<String> shadows = new ArrayList<>();
    for (Variant<?, ?> v : router.config().shadowVariants()) {
      shadows.add(v.name() + " (sampling " + v.samplingRate() + ")");
    }
    List<String> tests = new ArrayList<>();
    for (ShadowTest t : router.tests()) {
      tests.add(t.candidate() + " " + t.status() + " " + t.report().verdict()
          + (t.decision() == ShadowTest.Decision.NONE ? "" : " " + t.decision()));
    }
    return "production " + production + ", shadows " + shadows + ", tests " + tests;
  }

  static String who(@Nullable Principal principal) {
    return principal == null || principal.getName() == null ? "anonymous"
        : "'" + cut(principal.getName()) + "'";
  }

  /** At most {@value #MAX_VALUE} characters, without control characters. */
  static String cut(String s) {
    return clean(s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) + "…" : s);
  }

  /** Control characters (a line break among them) as '?': one write is one log line. */
  static String clean(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, '?');
      }
    }
    return b == null ? s : b.toString();
  }

  private static String fields(Map<String, String> fields) {
    StringJoiner j = new StringJoiner(", ", "{", "}");
    fields.forEach((k, v) -> {
      if (!k.equals(WriteFields.ACTION)) {
        j.add(cut(k) + "=" + cut(v));
      }
    });
    return j.toString();
  }
}
