package dev.shadowrouting.spring;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The fields each action of the Actuator endpoint's write takes, and the check that a body names
 * no other: Actuator hands an operation only the fields it declares and drops the rest without a
 * word, so {@code "sampling-rate": 0.05} beside {@code "action": "start-test"} would start a test
 * at the default rate. A field this endpoint does not know, or one the action does not use, is a
 * 400 naming it and the action's fields (with the nearest, for a misspelling).
 *
 * <p>Stateless.
 */
final class WriteFields {

  /** The body's field naming the action. */
  static final String ACTION = "action";

  /** Each action's fields besides {@code action}, in the order the docs list them. */
  static final Map<String, List<String>> BY_ACTION = byAction();

  private WriteFields() {}

  private static Map<String, List<String>> byAction() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    m.put("promote", List.of("variant", "force"));
    m.put("discard", List.of("variant", "force"));
    List<String> start = new ArrayList<>(List.of("candidate", "predictor", "shadow"));
    start.addAll(TestSettings.names());
    m.put("start-test", List.copyOf(start));
    // "candidate" names the test to stop as well as "variant" does
    m.put("stop-test", List.of("variant", "candidate"));
    m.put("sampling-rate", List.of("variant", "samplingRate"));
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The actions, in order. */
  static List<String> actions() {
    return List.copyOf(BY_ACTION.keySet());
  }

  /**
   * The action named, lower case.
   *
   * @throws ShadowEndpointException (400) if it is missing or unknown, naming the actions
   */
  static String action(@Nullable Object action) {
    if (action == null || action.toString().isBlank()) {
      throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, "the body needs an \""
          + ACTION + "\": one of " + actions());
    }
    String a = action.toString().trim().toLowerCase(Locale.ROOT);
    if (!BY_ACTION.containsKey(a)) {
      throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, "unknown action \"" + action
          + "\": the actions are " + actions());
    }
    return a;
  }

  /**
   * Checks that {@code fields} (every key of the body and query, the action's own included) are
   * the action's.
   *
   * @return the action, lower case
   * @throws ShadowEndpointException (400) for a missing or unknown action, or naming every field
   *     the action does not take, the action's fields, and for a misspelling the nearest one
   */
  static String check(@Nullable Object action, Collection<String> fields) {
    String a = action(action);
    List<String> allowed = new ArrayList<>();
    allowed.add(ACTION);
    allowed.addAll(BY_ACTION.get(a));
    List<String> unknown = new ArrayList<>();
    List<String> elsewhere = new ArrayList<>();
    for (String f : fields) {
      if (!allowed.contains(f)) {
        (known(f) ? elsewhere : unknown).add(f);
      }
    }
    if (unknown.isEmpty() && elsewhere.isEmpty()) {
      return a;
    }
    StringBuilder m = new StringBuilder();
    if (!unknown.isEmpty()) {
      m.append(unknown.size() == 1 ? "unknown field " : "unknown fields ").append(quoted(unknown));
      for (String f : unknown) {
        String near = nearest(f, allowed);
        if (near != null) {
          m.append(" (\"").append(f).append("\": did you mean \"").append(near).append("\"?)");
        }
      }
    }
    if (!elsewhere.isEmpty()) {
      m.append(m.length() == 0 ? "" : "; ").append(elsewhere.size() == 1 ? "field " : "fields ")
          .append(quoted(elsewhere)).append(elsewhere.size() == 1 ? " does" : " do")
          .append(" not apply to \"").append(a).append('"');
    }
    m.append(": the fields of \"").append(a).append("\" are ").append(allowed);
    throw new ShadowEndpointException(ShadowEndpoint.BAD_REQUEST, m.toString());
  }

  private static boolean known(String field) {
    for (List<String> f : BY_ACTION.values()) {
      if (f.contains(field)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The allowed field a misspelt one most likely meant: the same letters in another case or
   * dashed ({@code sampling-rate} for {@code samplingRate}), else the nearest by edit distance.
   */
  static @Nullable String nearest(String field, List<String> allowed) {
    String plain = field.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
    for (String a : allowed) {
      if (a.toLowerCase(Locale.ROOT).equals(plain)) {
        return a;
      }
    }
    return UnknownKeys.nearest(field, allowed);
  }

  private static String quoted(List<String> fields) {
    return "\"" + String.join("\", \"", fields) + "\"";
  }
}
