package dev.shadowrouting.tck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what a sink reports to have seen with what the kit sent: as multisets of request ids, or
 * as counts when the sink only counts. Stateless and thread-safe.
 */
final class Seen {
  private static final int MAX_LISTED = 10;

  private Seen() {}

  /**
   * Fails unless {@code seen} holds each id of {@code required} exactly as often as it was sent,
   * and ids of {@code optional} at most as often (records a sink may drop by design); anything else
   * is unexpected.
   */
  static void assertIds(String what, Collection<String> seen, Collection<String> required,
      Collection<String> optional) {
    Map<String, Integer> need = counts(required);
    Map<String, Integer> may = counts(optional);
    Map<String, Integer> got = counts(seen);
    List<String> missing = new ArrayList<>();
    List<String> duplicated = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    Set<String> all = new java.util.LinkedHashSet<>(need.keySet());
    all.addAll(got.keySet());
    for (String id : all) {
      int n = need.getOrDefault(id, 0);
      int m = may.getOrDefault(id, 0);
      int g = got.getOrDefault(id, 0);
      if (g < n) {
        missing.add(id + (n > 1 ? " (" + g + " of " + n + ")" : ""));
      } else if (g > n + m) {
        if (n + m == 0) {
          unexpected.add(id + (g > 1 ? " (x" + g + ")" : ""));
        } else {
          duplicated.add(id + " (" + g + " times, sent " + (n + m) + ")");
        }
      }
    }
    if (!missing.isEmpty() || !duplicated.isEmpty() || !unexpected.isEmpty()) {
      throw new AssertionError(what + ": sent " + required.size()
          + (optional.isEmpty() ? "" : " (+" + optional.size() + " the sink may drop)")
          + " records, the sink reports " + seen.size()
          + list("lost", missing) + list("duplicated", duplicated)
          + list("never sent", unexpected));
    }
  }

  /** Fails unless {@code count} is in {@code [required, required + optional]}. */
  static void assertCount(String what, long count, long required, long optional) {
    if (count < required || count > required + optional) {
      throw new AssertionError(what + ": sent records standing for " + required
          + (optional == 0 ? "" : " (+" + optional + " the sink may drop)")
          + " copies, the sink counts " + count
          + (count < required ? " (" + (required - count) + " lost)"
              : " (" + (count - required - optional) + " too many: duplicated?)"));
    }
  }

  private static Map<String, Integer> counts(Collection<String> ids) {
    Map<String, Integer> counts = new HashMap<>(); // HashMap: a rejected copy may have no id (null)
    for (String id : ids) {
      counts.merge(id, 1, Integer::sum);
    }
    return new LinkedHashMap<>(counts);
  }

  private static String list(String label, List<String> ids) {
    if (ids.isEmpty()) {
      return "";
    }
    return "; " + label + " " + ids.size() + ": " + ids.subList(0, Math.min(MAX_LISTED, ids.size()))
        + (ids.size() > MAX_LISTED ? " ..." : "");
  }
}
