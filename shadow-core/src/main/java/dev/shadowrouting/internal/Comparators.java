package dev.shadowrouting.internal;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Objects;

/** Built-in {@link OutputComparator}s. Stateless and thread-safe. */
public final class Comparators {

  private Comparators() {}

  public static final OutputComparator<Object> EQUALITY =
      (production, shadow) -> Comparison.of(Objects.deepEquals(production, shadow));

  /**
   * Element-wise numeric tolerance over numbers, primitive and object arrays of any rank, and lists.
   * Score: the largest absolute difference seen.
   */
  public static final class NumericTolerance<O> implements OutputComparator<O> {
    private final double absolute;
    private final double relative;

    public NumericTolerance(double absolute, double relative) {
      ConfigErrors errors = new ConfigErrors("numericTolerance is invalid");
      errors.requireFiniteAtLeast("absolute", absolute, 0.0);
      errors.requireFiniteAtLeast("relative", relative, 0.0);
      errors.throwIfAny();
      this.absolute = absolute;
      this.relative = relative;
    }

    @Override
    public Comparison compare(O production, O shadow) {
      double[] maxDiff = {0.0};
      boolean matches = compareNode(production, shadow, maxDiff);
      return Comparison.of(matches, maxDiff[0]);
    }

    private boolean compareNode(Object p, Object s, double[] maxDiff) {
      if (p instanceof Number pn && s instanceof Number sn) {
        return within(pn.doubleValue(), sn.doubleValue(), maxDiff);
      }
      if (p != null && s != null && p.getClass().isArray() && s.getClass().isArray()) {
        int n = Array.getLength(p);
        if (n != Array.getLength(s)) {
          maxDiff[0] = Double.POSITIVE_INFINITY;
          return false;
        }
        boolean all = true;
        for (int i = 0; i < n; i++) {
          // Array.get boxes; acceptable off the caller's thread and keeps one code path for
          // every element type and rank.
          all &= compareNode(Array.get(p, i), Array.get(s, i), maxDiff);
        }
        return all;
      }
      if (p instanceof List<?> pl && s instanceof List<?> sl) {
        if (pl.size() != sl.size()) {
          maxDiff[0] = Double.POSITIVE_INFINITY;
          return false;
        }
        boolean all = true;
        for (int i = 0; i < pl.size(); i++) {
          all &= compareNode(pl.get(i), sl.get(i), maxDiff);
        }
        return all;
      }
      return Objects.deepEquals(p, s);
    }

    private boolean within(double p, double s, double[] maxDiff) {
      if (Double.isNaN(p) || Double.isNaN(s)) {
        if (Double.isNaN(p) && Double.isNaN(s)) {
          return true;
        }
        maxDiff[0] = Double.POSITIVE_INFINITY;
        return false;
      }
      if (p == s) { // also equal infinities
        return true;
      }
      if (Double.isInfinite(p) || Double.isInfinite(s)) { // rel * Inf would accept any number
        maxDiff[0] = Double.POSITIVE_INFINITY;
        return false;
      }
      double diff = Math.abs(p - s);
      maxDiff[0] = Math.max(maxDiff[0], diff);
      return diff <= Math.max(absolute, relative * Math.max(Math.abs(p), Math.abs(s)));
    }

    @Override
    public String toString() {
      return "numericTolerance(absolute=" + absolute + ", relative=" + relative + ")";
    }
  }
}
