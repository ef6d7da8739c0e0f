package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.VerdictRule;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.hipparchus.analysis.solvers.BracketedUnivariateSolver;
import org.hipparchus.analysis.solvers.BracketingNthOrderBrentSolver;
import org.junit.jupiter.api.Test;

/**
 * The verdict's bounds computed with few evaluations (memos, warm starts) against the plain
 * searches they stand for: the same results, whatever was computed before.
 */
class FastBoundsTest {

  /**
   * {@link OneSidedNormalMixture#boundOnSum} (Newton bracket, replayed bisection, memo) is bit for
   * bit the bisection, for growing, random and repeated v, at several levels and tunings.
   */
  @Test
  void normalMixtureBoundIsTheBisectionsBitForBit() {
    SplittableRandom random = new SplittableRandom(7);
    for (double alpha : new double[] {0.01, 0.0125, 0.05, 0.5}) {
      for (long tuning : new long[] {1, 300, 5_000, 1_000_000}) {
        OneSidedNormalMixture m = OneSidedNormalMixture.tunedFor(tuning, alpha);
        for (int i = 0; i < 4_000; i++) {
          double v = switch (i % 4) {
            case 0 -> i + 1;
            case 1 -> Math.floor(Math.exp(random.nextDouble() * 25)) + 1;
            case 2 -> random.nextDouble() * 1e4 + 1e-3;
            default -> 100_000 + (i & 15);
          };
          assertThat(m.boundOnSum(v)).as("alpha %s, N* %s, v %s", alpha, tuning, v)
              .isEqualTo(m.boundOnSumByBisection(v));
        }
        assertThat(m.boundOnSum(0)).isInfinite();
        assertThat(m.boundOnSum(Double.POSITIVE_INFINITY)).isInfinite();
      }
    }
  }

  /**
   * {@link PairStats#latencyLongRunVariance} (batches of every size counted in one pass, squares
   * summed at the chosen size only) is the level-by-level computation it replaced, which built each
   * batch size from the one below by adding neighbours, on grids of every density and span, merged
   * or not: NaN for the same states, else equal to rounding (the sums are added in another order).
   */
  @Test
  void longRunVarianceIsTheLevelByLevelComputation() throws ReflectiveOperationException {
    SplittableRandom random = new SplittableRandom(11);
    int finite = 0;
    for (int trial = 0; trial < 400; trial++) {
      PairStats s = new PairStats();
      long pairs = (long) Math.exp(random.nextDouble() * 11);
      long spanMillis = (long) Math.exp(random.nextDouble() * 20) + 1;
      long t0 = 1_796_292_000_000L + random.nextLong(1_000_000);
      for (long i = 0; i < pairs; i++) {
        long t = t0 + (random.nextDouble() < 0.3 ? i * spanMillis / Math.max(1, pairs)
            : random.nextLong(spanMillis));
        long p = 1_000_000 + random.nextLong(500_000);
        long c = (long) (p * Math.exp(0.1 + 0.3 * random.nextGaussian()));
        s.add(t, false, Outcome.SUCCESS, p, Outcome.SUCCESS, c, -1, Double.NaN, Double.NaN);
      }
      if (trial % 3 == 0) {
        s.merge(s.copy());
      }
      double expected = levelByLevel(s);
      double actual = s.latencyLongRunVariance();
      if (Double.isNaN(expected)) {
        assertThat(actual).as("trial %d: %s", trial, s).isNaN();
      } else {
        assertThat(actual).as("trial %d: %s", trial, s)
            .isCloseTo(expected, within(1e-12 * expected));
        finite++;
      }
    }
    assertThat(finite).isGreaterThan(200);
  }

  /** The long-run variance as first written: each level built from the one below, in place. */
  private static double levelByLevel(PairStats s) throws ReflectiveOperationException {
    long latencyPairs = s.latencyPairs();
    long lo = (long) field(s, "lo");
    long hi = (long) field(s, "hi");
    if (latencyPairs < 2 || lo > hi) {
      return Double.NaN;
    }
    double mean = s.latencyMean();
    double target = Math.sqrt(latencyPairs);
    int from = (int) (lo - (long) field(s, "base"));
    int size = (int) (hi - lo + 1);
    long[] pairs = Arrays.copyOfRange((long[]) field(s, "bucketPairs"), from, from + size);
    double[] sums = Arrays.copyOfRange((double[]) field(s, "bucketSums"), from, from + size);
    long first = lo;
    double previous = Double.NaN;
    for (int j = 0; j <= 62; j++) {
      long groups = 0;
      double sq = 0;
      for (int k = 0; k < size; k++) {
        if (pairs[k] != 0) {
          groups++;
          double deviation = sums[k] - pairs[k] * mean;
          sq += deviation * deviation;
        }
      }
      if (groups < PairStats.MIN_BATCHES) {
        return previous;
      }
      double variance =
          sq / latencyPairs * groups / (groups - 1.0) * PairStats.upperLimitFactor(groups);
      if ((double) latencyPairs / groups >= target) {
        return variance;
      }
      previous = variance;
      long half = first >> 1;
      for (int k = 0; k < size; k++) {
        long p = pairs[k];
        double sum = sums[k];
        pairs[k] = 0;
        sums[k] = 0;
        int to = (int) (((first + k) >> 1) - half);
        pairs[to] += p;
        sums[to] += sum;
      }
      size = (int) (((first + size - 1) >> 1) - half + 1);
      first = half;
    }
    return previous;
  }

  private static Object field(PairStats s, String name) throws ReflectiveOperationException {
    Field f = PairStats.class.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(s);
  }

  /**
   * The errors and agreement bounds (a search on a grid of 2^-40 of the range, started from the
   * last bound, remembered by counts) are the largest excluded grid point: bit for bit what a new
   * sequence computes from nothing, within 1e-12 of the range of the reference root finder's (the
   * first version's), and never tighter than the exact bound. Counts come from growing streams
   * (successive bounds start from the last one), from two streams read in turn, and at random (n
   * from 1 to 1e12), so the searches start from good, poor and no hints, and some are memo hits.
   */
  @Test
  void boundedMeanBoundsAreTheGridPointWhateverCameBefore() {
    SplittableRandom random = new SplittableRandom(12);
    int interior = 0;
    for (double[] support : new double[][] {{-1, 0, 1}, {0, 1}, {-2, 0.5, 1, 7}}) {
      double lo = Arrays.stream(support).min().orElseThrow();
      double range = Arrays.stream(support).max().orElseThrow() - lo;
      double unit = range * BoundedMeanSequence.GRID;
      for (double alpha : new double[] {0.0125, 0.05}) {
        BoundedMeanSequence used = BoundedMeanSequence.of(support, alpha, 1000);
        long[][] streams = new long[2][support.length];
        for (int trial = 0; trial < 900; trial++) {
          long[] counts;
          if (trial % 3 == 2) {
            long n = (long) Math.pow(10, random.nextDouble(0, 12));
            counts = new long[support.length];
            for (int j = 0; j < support.length; j++) {
              counts[j] = (long) (n * random.nextDouble() * (j == 0 ? 1 : 0.05));
            }
          } else {
            long[] stream = streams[trial % 3];
            int adds = 1 + random.nextInt(trial < 300 ? 5 : 5_000);
            for (int k = 0; k < adds; k++) {
              double u = random.nextDouble();
              stream[u < 0.01 ? 0 : u < 0.022 ? support.length - 1 : 1 % (support.length - 1)]++;
            }
            counts = stream.clone();
          }
          BoundedMeanSequence cold = BoundedMeanSequence.of(support, alpha, 1000);
          double lower = used.lowerBound(counts);
          double upper = used.upperBound(counts);
          String what = Arrays.toString(support) + " " + Arrays.toString(counts);
          assertThat(lower).as(what).isEqualTo(cold.lowerBound(counts))
              .isEqualTo(used.lowerBound(counts.clone()));
          assertThat(upper).as(what).isEqualTo(cold.upperBound(counts))
              .isEqualTo(used.upperBound(counts.clone()));
          assertThat(lower).as(what)
              .isCloseTo(brentLowerBound(used, counts), within(1.0e-12 * range));
          assertThat(upper).as(what)
              .isCloseTo(brentUpperBound(used, counts), within(1.0e-12 * range));
          long k = Math.round((lower - lo) / unit);
          assertThat(lower).isEqualTo(lo + k * unit);
          if (k > 0) {
            assertThat(used.rejectsAtMost(counts, lower)).as(what).isTrue();
            interior++;
          }
          assertThat(used.rejectsAtMost(counts, lo + (k + 1) * unit)).as(what).isFalse();
        }
      }
    }
    assertThat(interior).isGreaterThan(3_000);
  }

  /** {@link BoundedMeanSequence#lowerBound} as first written, by Hipparchus' Brent solver. */
  static double brentLowerBound(BoundedMeanSequence seq, long[] counts) {
    double[] support = seq.support();
    return brentBound(support, counts, seq.alpha(), m -> seq.logMixtureAtMost(counts, m));
  }

  /** {@link BoundedMeanSequence#upperBound}: the lower bound of {@code -X}, negated. */
  static double brentUpperBound(BoundedMeanSequence seq, long[] counts) {
    double[] negated = Arrays.stream(seq.support()).map(v -> -v).toArray();
    return -brentBound(negated, counts, seq.alpha(), m -> seq.logMixtureAtLeast(counts, -m));
  }

  /**
   * The crossing of {@code ln M(m) = ln(1/alpha)} on {@code (lo, mean]} by {@link
   * BracketingNthOrderBrentSolver} from the middle, stopped at a bracket of {@code 1e-12 (hi -
   * lo)}, its excluded end returned; lo when not even {@code lo + 1e-12 (hi - lo)} is excluded.
   */
  private static double brentBound(double[] values, long[] counts, double alpha,
      DoubleUnaryOperator logMixture) {
    double lo = Arrays.stream(values).min().orElseThrow();
    double hi = Arrays.stream(values).max().orElseThrow();
    long n = 0;
    double sum = 0;
    for (int j = 0; j < values.length; j++) {
      n += counts[j];
      sum += counts[j] * (values[j] - lo);
    }
    double logThreshold = -Math.log(alpha);
    double tolerance = 1e-12 * (hi - lo);
    double mean = lo + sum / Math.max(n, 1);
    double left = lo + tolerance;
    if (n == 0 || !(mean > left) || logMixture.applyAsDouble(left) < logThreshold) {
      return lo;
    }
    BracketedUnivariateSolver.Interval bracket =
        new BracketingNthOrderBrentSolver(0, tolerance, 0, 5).solveInterval(200,
            m -> logMixture.applyAsDouble(m) - logThreshold, left, mean, 0.5 * (left + mean));
    return bracket.getLeftValue() >= 0 ? bracket.getLeftAbscissa() : bracket.getRightAbscissa();
  }

  /**
   * An engine that has evaluated before (its bounded sequences start from their last bounds and
   * remember bounds by counts, its normal mixtures and quantile sequences theirs) evaluates exactly
   * as a new one, narrowing included: two live tests side by side, one keeping its engine, the
   * other building a new engine at every look, each with its own running intersection, fed the
   * same pairs. The streams' latency ratio, error and mismatch rates move halfway, so that later
   * looks contradict earlier ones and the PASS side's history is dropped; some have an A/A copy's
   * agreement differences, 0/1 or continuous losses, a warm-up; every look is read twice.
   */
  @Test
  void anEngineThatRemembersEvaluatesAsANewOne() {
    SplittableRandom random = new SplittableRandom(14);
    int narrowed = 0;
    int contradicted = 0;
    for (int stream = 0; stream < 8; stream++) {
      VerdictRule rule = stream % 4 == 3
          ? VerdictRule.builder().alpha(0.01).maxErrorRateIncrease(0.01).build()
          : VerdictRule.defaults();
      VerdictEngine kept = new VerdictEngine(rule);
      RunningIntersection keptLooks = new RunningIntersection();
      RunningIntersection newEngineLooks = new RunningIntersection();
      PairStats s = new PairStats();
      long t = 1_796_292_000_000L;
      for (int look = 0; look < 60; look++) {
        boolean late = look >= 30;
        long adds = 1 + (long) Math.exp(random.nextDouble() * (look < 5 ? 4 : 7.5));
        for (long i = 0; i < adds; i++, t += 2) {
          long p = 1_000_000 + random.nextLong(500_000);
          double shift = late ? 0.25 : stream % 2 == 0 ? -0.05 : 0.05;
          long c = (long) (p * Math.exp(shift + 0.2 * random.nextGaussian()));
          Outcome po = random.nextDouble() < 0.01 ? Outcome.ERROR : Outcome.SUCCESS;
          Outcome co = random.nextDouble() < (late ? 0.05 : 0.005) ? Outcome.ERROR
              : random.nextDouble() < 0.002 ? Outcome.TIMEOUT : Outcome.SUCCESS;
          int agreement = random.nextDouble() < (late ? 0.9 : 0.999) ? 1 : 0;
          double loss = random.nextDouble() < 0.3 ? random.nextInt(2) : Double.NaN;
          double candidateLoss = stream % 4 == 1 ? loss + 0.1 * random.nextGaussian()
              : late ? 1 : loss;
          s.add(t, stream == 2 && look < 3, po, p, co, c, agreement, loss, candidateLoss);
          if (stream % 4 == 2) {
            s.addAgreementDifference(agreement == 0, random.nextDouble() < 0.005);
          }
        }
        for (int read = 0; read < 2; read++) {
          Evaluation withHistory = kept.evaluate(s, keptLooks);
          assertThat(withHistory).as("stream %d look %d", stream, look)
              .isEqualTo(new VerdictEngine(rule).evaluate(s, newEngineLooks));
          Evaluation memoryless = kept.evaluate(s);
          if (read == 0) {
            assertThat(memoryless).isEqualTo(new VerdictEngine(rule).evaluate(s));
          }
          for (int k = 0; k < memoryless.checks().size(); k++) {
            CheckResult raw = memoryless.checks().get(k);
            CheckResult seen = withHistory.checks().get(k);
            narrowed += raw.lower() != seen.lower() || raw.upper() != seen.upper() ? 1 : 0;
            contradicted += seen.reason().contains("changed during the test") ? 1 : 0;
          }
        }
      }
    }
    assertThat(narrowed).isGreaterThan(500);
    assertThat(contradicted).isGreaterThan(10);
  }

  /** {@link VerdictEngine#count} writes what {@code %,d} does. */
  @Test
  void countsAreGroupedAsTheFormatterGroupsThem() {
    SplittableRandom random = new SplittableRandom(13);
    for (int i = 0; i < 20_000; i++) {
      long n = switch (i % 4) {
        case 0 -> random.nextLong(2_000);
        case 1 -> random.nextLong();
        case 2 -> -random.nextLong(1_000_000_000L);
        default -> (long) Math.pow(10, random.nextDouble(0, 18));
      };
      assertThat(VerdictEngine.count(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
    }
    for (long n : new long[] {0, -1, 999, 1000, -1000, -999_999, Long.MAX_VALUE, Long.MIN_VALUE}) {
      assertThat(VerdictEngine.count(n)).isEqualTo(String.format(Locale.ROOT, "%,d", n));
    }
  }

  /**
   * {@link VerdictEngine#fixed} writes what {@code %.Nf} and {@code %+.Nf} do: random doubles of
   * every size, exact ties at the rounded digit and their neighbours, -0.0 and values that round to
   * zero, NaN and infinities.
   */
  @Test
  void fixedPointIsWrittenAsTheFormatterWritesIt() {
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 120_000; i++) {
      int decimals = 1 + random.nextInt(4);
      double tie = (random.nextLong(-100_000, 100_000) + 0.5) / Math.pow(10, decimals);
      double x = switch (i % 6) {
        case 0 -> random.nextDouble(-5, 5);
        case 1 -> (random.nextBoolean() ? 1 : -1) * Math.exp(random.nextDouble(-40, 40));
        case 2 -> tie;
        case 3 -> Math.nextUp(tie);
        case 4 -> Math.nextDown(tie);
        default -> random.nextLong(-1_000_000, 1_000_000) / Math.pow(10, random.nextInt(8));
      };
      boolean plus = random.nextBoolean();
      assertThat(VerdictEngine.fixed(x, decimals, plus)).as("%s to %d", x, decimals)
          .isEqualTo(String.format(Locale.ROOT, (plus ? "%+." : "%.") + decimals + "f", x));
    }
    for (double x : new double[] {0.0, -0.0, 0.005, 0.015, 1.005, 2.675, -0.001, 9.995, 0.3,
        1e-300, 1.5e16, 2e-3, 1e23, Double.MIN_VALUE, Double.MAX_VALUE, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      for (int decimals = 1; decimals <= 4; decimals++) {
        for (boolean plus : new boolean[] {false, true}) {
          assertThat(VerdictEngine.fixed(x, decimals, plus)).as("%s to %d", x, decimals)
              .isEqualTo(String.format(Locale.ROOT, (plus ? "%+." : "%.") + decimals + "f", x));
        }
      }
    }
  }
}
