package dev.shadowrouting;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The verdict of a {@link VerdictRule} on paired statistics ({@link PairedStatistics#evaluate()},
 * or a shadow test's report): the overall verdict, one {@link CheckResult} per applicable check
 * (latency, tail_latency, errors, then agreement once outputs were compared and quality once
 * losses were recorded), and the number of pairs.
 *
 * <p>Immutable and thread-safe.
 *
 * @param verdict FAIL when a check fails, PASS when every applicable check passes, else
 *     INCONCLUSIVE
 * @param checks the applicable checks' results
 * @param pairs the pairs where both sides reached an outcome
 */
public record Evaluation(Verdict verdict, List<CheckResult> checks, long pairs) {

  /** Copies the list. */
  public Evaluation {
    Objects.requireNonNull(verdict, "verdict");
    checks = List.copyOf(checks);
  }

  /** One readable line per check, each ending with {@code -> VERDICT}. */
  public List<String> reasons() {
    return checks.stream().map(CheckResult::reason).toList();
  }

  /** The result of the check named {@code name} ({@code "latency"}, ...), if applicable. */
  public Optional<CheckResult> check(String name) {
    return checks.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
