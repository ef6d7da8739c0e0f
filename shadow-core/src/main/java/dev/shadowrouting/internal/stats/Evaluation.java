package dev.shadowrouting.internal.stats;

import dev.shadowrouting.Verdict;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The full result of {@link SequentialVerdict#evaluate}: the overall verdict, one {@link
 * CheckResult} per enabled check (in the order latency, errors, agreement) and the number of pairs.
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict the overall verdict
 * @param checks the enabled checks' results
 * @param pairs the pairs that reached an outcome on both sides
 */
public record Evaluation(Verdict verdict, List<CheckResult> checks, long pairs) {

  /** Copies the list. */
  public Evaluation {
    Objects.requireNonNull(verdict, "verdict");
    checks = List.copyOf(checks);
  }

  /** One readable line per enabled check. */
  public List<String> reasons() {
    return checks.stream().map(CheckResult::reason).toList();
  }

  /** The result of the check named {@code name}, if it is enabled. */
  public Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
