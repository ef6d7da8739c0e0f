package dev.shadowrouting.internal.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * The running intersection of each check's intervals over a live test's successive evaluations.
 * A confidence sequence covers its target at all times simultaneously, so the intersection of its
 * intervals over any set of looks covers it too, with the same probability (Howard et al. 2021,
 * section 2; confseq's {@code get_running_intersection}); the intersection only narrows, so a
 * check that FAILed stays FAILed and the verdict is monotone.
 *
 * <p>It depends on when the looks happened, which is why {@link VerdictEngine} applies it only
 * for a live test and {@code PairedStatistics.evaluate()} stays memoryless (and merges exactly).
 *
 * <p>Thread-safe (evaluations of one test may come from its housekeeping and from readers).
 */
public final class RunningIntersection {
  private final Map<String, double[]> bounds = new HashMap<>();

  /**
   * Narrows the check's running interval by {@code [lower, upper]} and returns {lower, upper,
   * contradicted}: the running maximum of the lower bounds (the FAIL side: a FAIL is final) and
   * the running minimum of the upper ones (the PASS side). When a new lower bound passes the
   * running upper one, the looks contradict each other, which under the sequences' assumptions
   * happens with probability at most alpha and in practice means the quantity moved during the
   * test (a candidate warming up, a change of traffic): then the PASS side's history is dropped
   * and the upper bound is this look's, so a PASS never rests on contradicted evidence, and
   * {@code contradicted} (1) says so.
   */
  public synchronized double[] intersect(String check, double lower, double upper) {
    double[] b = bounds.computeIfAbsent(check,
        k -> new double[] {Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 0});
    b[0] = Math.max(b[0], lower);
    b[1] = Math.min(b[1], upper);
    if (b[1] < b[0]) {
      b[1] = Math.max(upper, b[0]);
      b[2] = 1;
    }
    return b.clone();
  }
}
