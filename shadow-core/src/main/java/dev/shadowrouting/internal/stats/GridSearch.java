package dev.shadowrouting.internal.stats;

import java.util.function.LongToDoubleFunction;

/**
 * The crossing of a decreasing function on an integer grid: the largest index {@code k} in
 * {@code [1, top)} where {@code f(k) >= 0}, found from a first guess in a few evaluations (the
 * bounds of {@link BoundedMeanSequence}, where one evaluation is a whole mixture). It brackets the
 * crossing by steps that grow eightfold, then takes secant steps through the two latest points
 * (regula falsi on the bracket until there are two), rounded to the grid and kept strictly inside
 * the bracket, so that near the crossing the grid points on both sides of it are evaluated;
 * bisection when a secant step leaves the bracket or four steps failed to halve it. Stateless.
 */
final class GridSearch {

  /**
   * The index found, 0 if not even {@code f(1)} is non-negative; and the slope of {@code f} per
   * index between the first two points the bracketing evaluated (NaN if it evaluated fewer), which
   * a caller may keep to size the next search's first step.
   */
  record Crossing(long index, double slope) {}

  private GridSearch() {}

  /**
   * @param f decreasing on the grid
   * @param x1 the first guess, in {@code [1, top)}
   * @param f1 {@code f(x1)}, already evaluated
   * @param top an index known to be past the crossing
   * @param fTop {@code f(top)} or an upper bound of it, below 0
   * @param step the first step from {@code x1}, in indices
   */
  static Crossing largestNonNegative(LongToDoubleFunction f, long x1, double f1, long top,
      double fTop, double step) {
    // a: the largest index known non-negative, b: the smallest known negative. x0, x1: the last
    // two indices evaluated (x1 latest)
    long x0 = -1;
    double f0 = Double.NaN;
    long a;
    double fa;
    long b;
    double fb;
    double slope = Double.NaN;
    if (f1 >= 0) {
      a = x1;
      fa = f1;
      b = top;
      fb = fTop;
      for (long t = a + stride(step); t < top; step *= 8, t = a + stride(step)) {
        x0 = x1;
        f0 = f1;
        x1 = t;
        f1 = f.applyAsDouble(t);
        slope = Double.isNaN(slope) ? (f1 - f0) / (x1 - x0) : slope;
        if (f1 < 0) {
          b = x1;
          fb = f1;
          break;
        }
        a = x1;
        fa = f1;
      }
    } else {
      b = x1;
      fb = f1;
      while (true) {
        if (b == 1) {
          return new Crossing(0, slope); // not even the first grid point is non-negative
        }
        x0 = x1;
        f0 = f1;
        x1 = Math.max(1, b - stride(step));
        f1 = f.applyAsDouble(x1);
        slope = Double.isNaN(slope) ? (f1 - f0) / (x1 - x0) : slope;
        if (f1 >= 0) {
          a = x1;
          fa = f1;
          break;
        }
        b = x1;
        fb = f1;
        step *= 8;
      }
    }
    int slow = 0;
    long previousSpan = Long.MAX_VALUE;
    while (b - a > 1) {
      long span = b - a;
      slow = span > previousSpan / 2 ? slow + 1 : 0;
      previousSpan = span;
      double r = x0 < 0 ? b - fb * (b - a) / (fb - fa) : x1 - f1 * (x1 - x0) / (f1 - f0);
      long k;
      if (slow >= 4 || !(r > a && r < b)) {
        k = a + span / 2;
        slow = 0;
      } else {
        k = Math.min(b - 1, Math.max(a + 1, Math.round(r)));
      }
      x0 = x1;
      f0 = f1;
      x1 = k;
      f1 = f.applyAsDouble(k);
      if (f1 >= 0) {
        a = k;
        fa = f1;
      } else {
        b = k;
        fb = f1;
      }
    }
    return new Crossing(a, slope);
  }

  /** At least one grid step, {@code step} rounded. */
  static long stride(double step) {
    return step >= 1 ? (long) Math.min(step + 0.5, 0x1p62) : 1;
  }
}
