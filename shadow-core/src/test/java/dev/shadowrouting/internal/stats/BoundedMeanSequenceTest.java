package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class BoundedMeanSequenceTest {
  private static final double ALPHA = 0.05;
  private static final long N_STAR = 1000;
  private static final double[] ERRORS = {-1, 0, 1};
  private static final double[] BERNOULLI = {0, 1};

  // ---------------------------------------------------------------------------------------------
  // the martingale itself

  /**
   * {@code ln K_n(m, lambda)} from counts equals the log of the product taken observation by
   * observation, in a shuffled order, both as a sum of logs and as a plain product of doubles (n
   * small enough not to underflow): the capital depends on the counts only.
   */
  @Test
  void logWealthFromCountsIsTheProductOverAnyOrder() {
    Random random = new Random(5);
    long[][] countsCases = {{3, 40, 7}, {0, 100, 0}, {12, 150, 1}, {60, 60, 60}};
    for (long[] counts : countsCases) {
      for (int shuffle = 0; shuffle < 3; shuffle++) {
        List<Double> sequence = sequenceOf(ERRORS, counts);
        Collections.shuffle(sequence, random);
        for (double m : new double[] {-0.5, -0.01, 0, 0.02, 0.3}) {
          for (double lambda : new double[] {0.01, 0.2, 0.5, 0.9 / (m + 1)}) {
            double sumOfLogs = 0;
            double product = 1;
            for (double x : sequence) {
              sumOfLogs += Math.log1p(lambda * (x - m));
              product *= 1 + lambda * (x - m);
            }
            double fromCounts = BoundedMeanSequence.logWealth(ERRORS, counts, m, lambda);
            assertThat(fromCounts)
                .as("counts %s m=%s lambda=%s", Arrays.toString(counts), m, lambda)
                .isCloseTo(sumOfLogs, within(1e-11 * Math.max(1, Math.abs(sumOfLogs))))
                .isCloseTo(Math.log(product), within(1e-9 * Math.max(1, Math.abs(sumOfLogs))));
          }
        }
      }
    }
  }

  /**
   * The mixture, brute force: {@code sum_k w_k prod_i (1 + lambda_k (X_i - m))} over a shuffled
   * sequence with plain doubles (no logs, no log-sum-exp), for both sides; the weights sum to 1 (so
   * {@code M_0 = 1}) and every bet is in {@code (0, 0.9 / (m - a)]}, so every factor is at least
   * 0.1.
   */
  @Test
  void mixtureIsTheWeightedSumOfTheCapitals() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    double[] weights = Arrays.stream(seq.logWeights()).map(Math::exp).toArray();
    assertThat(Arrays.stream(weights).sum()).isCloseTo(1.0, within(1e-14));
    Random random = new Random(6);
    long[][] countsCases = {{3, 40, 7}, {0, 100, 0}, {12, 150, 1}, {30, 30, 30}, {0, 0, 0}};
    for (long[] counts : countsCases) {
      List<Double> sequence = sequenceOf(ERRORS, counts);
      Collections.shuffle(sequence, random);
      for (double m : new double[] {-0.999, -0.3, -0.01, 0, 0.05, 0.4, 0.999}) {
        double[] lowerBets = seq.lowerBets(m);
        double[] upperBets = seq.upperBets(m);
        double lowerMixture = 0;
        double upperMixture = 0;
        for (int k = 0; k < weights.length; k++) {
          assertThat(lowerBets[k]).isPositive().isLessThanOrEqualTo(0.9 / (m + 1) * (1 + 1e-15));
          assertThat(upperBets[k]).isPositive().isLessThanOrEqualTo(0.9 / (1 - m) * (1 + 1e-15));
          double lowerCapital = weights[k];
          double upperCapital = weights[k];
          for (double x : sequence) {
            lowerCapital *= 1 + lowerBets[k] * (x - m);
            upperCapital *= 1 + upperBets[k] * (m - x);
          }
          lowerMixture += lowerCapital;
          upperMixture += upperCapital;
        }
        assertThat(seq.logMixtureAtMost(counts, m))
            .as("at most, counts %s m=%s", Arrays.toString(counts), m)
            .isCloseTo(Math.log(lowerMixture), within(1e-9 * Math.max(1, Math.log(lowerMixture))));
        assertThat(seq.logMixtureAtLeast(counts, m))
            .as("at least, counts %s m=%s", Arrays.toString(counts), m)
            .isCloseTo(Math.log(upperMixture), within(1e-9 * Math.max(1, Math.log(upperMixture))));
      }
    }
  }

  /**
   * The mixture leaves out bets whose capital its tangent bound shows negligible: against the
   * log-sum-exp over all 40 bets, the same to the last bits, for n from 10 to 1e12 (where the body
   * is left out), both sides, at points across the support.
   */
  @Test
  void leavingOutNegligibleBetsChangesNothing() {
    SplittableRandom random = new SplittableRandom(4);
    for (double[] support : new double[][] {ERRORS, BERNOULLI}) {
      BoundedMeanSequence seq = BoundedMeanSequence.of(support, ALPHA, N_STAR);
      double[] negated = Arrays.stream(support).map(v -> -v).toArray();
      double[] logWeights = seq.logWeights();
      for (int trial = 0; trial < 2_000; trial++) {
        long n = (long) Math.pow(10, random.nextDouble(1, 12));
        long[] counts = new long[support.length];
        counts[0] = n;
        for (int j = 1; j < support.length; j++) {
          counts[j] = (long) (n * random.nextDouble(0, 0.05));
        }
        double m = support[0] + (support[support.length - 1] - support[0]) * random.nextDouble();
        double atMost = fullLogMixture(support, counts, m, seq.lowerBets(m), logWeights);
        double atLeast = fullLogMixture(negated, counts, -m, seq.upperBets(m), logWeights);
        assertThat(seq.logMixtureAtMost(counts, m)).as("%s at most %s", Arrays.toString(counts), m)
            .isCloseTo(atMost, within(1e-15 * Math.max(1, Math.abs(atMost))));
        assertThat(seq.logMixtureAtLeast(counts, m))
            .as("%s at least %s", Arrays.toString(counts), m)
            .isCloseTo(atLeast, within(1e-15 * Math.max(1, Math.abs(atLeast))));
      }
    }
  }

  private static double fullLogMixture(double[] values, long[] counts, double m, double[] bets,
      double[] logWeights) {
    double max = Double.NEGATIVE_INFINITY;
    double[] logs = new double[bets.length];
    for (int k = 0; k < bets.length; k++) {
      logs[k] = logWeights[k] + BoundedMeanSequence.logWealth(values, counts, m, bets[k]);
      max = Math.max(max, logs[k]);
    }
    double sum = 0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    return max + Math.log(sum);
  }

  /**
   * Against confseq ({@code gostevehoward/confseq} at 70b1ef3, {@code src/confseq/betting.py}): its
   * {@code diversified_betting_mart} (theta = 1 for the lower side, 0 for the upper, trunc_scale =
   * 1, these bets and weights passed as constant {@code lambdas_fns} and {@code lambdas_weights}),
   * run over a shuffled sequence with the given counts, gave the final {@code ln M_n(m)} below; its
   * grid inversion {@code cs_from_martingale} (4,000 breaks) gave the bounds, which it rounds
   * outwards by one break, so the exact bound lies within one break inside them.
   */
  @Test
  void matchesConfseqsBettingMartingaleAndGridInversion() {
    BoundedMeanSequence bernoulli = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    BoundedMeanSequence halves = BoundedMeanSequence.of(new double[] {0, 0.5, 1}, ALPHA, N_STAR);
    // {m, ln M for "mean <= m", ln M for "mean >= m"}
    checkConfseq(
        bernoulli,
        new long[] {497, 3},
        new double[][] {
          {0.003, -0.584285892816411, -1.94931526205806},
          {0.0054, -1.30756311753494, -1.6508326849811},
          {0.503, -3.5862718646748, 311.461900037042}
        },
        0.0005,
        0.02025);
    checkConfseq(
        bernoulli,
        new long[] {180, 20},
        new double[][] {
          {0.05, 2.59337540208054, -2.3620040415956},
          {0.09000000000000001, -0.907274058158902, -1.44167169485253},
          {0.55, -3.14677068226232, 87.2796648258049}
        },
        0.04775,
        0.17075);
    checkConfseq(
        halves,
        new long[] {9, 480, 11},
        new double[][] {
          {0.251, 296.434673316796, -3.36267490144665},
          {0.4518, 29.3975215646985, -2.33909007437088},
          {0.751, -3.36034923399996, 292.928574981969}
        },
        0.48775,
        0.51675);
    checkConfseq(
        halves,
        new long[] {40, 900, 60},
        new double[][] {
          {0.255, 542.568098733063, -3.64977135142192},
          {0.459, 40.0757731896084, -2.83138025519697},
          {0.755, -3.63945924586848, 506.402019530525}
        },
        0.49525,
        0.52525);
  }

  private static void checkConfseq(
      BoundedMeanSequence seq,
      long[] counts,
      double[][] logMixtures,
      double confseqLower,
      double confseqUpper) {
    for (double[] row : logMixtures) {
      assertThat(seq.logMixtureAtMost(counts, row[0]))
          .as("at most %s", row[0])
          .isCloseTo(row[1], within(1e-11 * Math.max(1, Math.abs(row[1]))));
      assertThat(seq.logMixtureAtLeast(counts, row[0]))
          .as("at least %s", row[0])
          .isCloseTo(row[2], within(1e-11 * Math.max(1, Math.abs(row[2]))));
    }
    double oneBreak = 1.0 / 4000;
    assertThat(seq.lowerBound(counts)).isBetween(confseqLower, confseqLower + oneBreak);
    assertThat(seq.upperBound(counts)).isBetween(confseqUpper - oneBreak, confseqUpper);
  }

  /**
   * The mixture for "{@code mean <= m}" never increases with m, and the one for "{@code mean >= m}"
   * never decreases (the condition on the bets' slopes in the class comment): checked on fine grids
   * of m for random counts, including near both ends and across the kink where the N*-tuned bet
   * meets the cap.
   */
  @Test
  void mixturesAreMonotoneInM() {
    SplittableRandom random = new SplittableRandom(8);
    for (double[] support : new double[][] {ERRORS, BERNOULLI, {0, 0.25, 3}}) {
      double a = support[0];
      double b = support[support.length - 1];
      for (long nStar : new long[] {1, 30, 1000, 1_000_000}) {
        BoundedMeanSequence seq = BoundedMeanSequence.of(support, ALPHA, nStar);
        for (int trial = 0; trial < 10; trial++) {
          long[] counts = randomCounts(random, support.length);
          double previousAtMost = Double.POSITIVE_INFINITY;
          double previousAtLeast = Double.NEGATIVE_INFINITY;
          int steps = 2000;
          for (int i = 1; i < steps; i++) {
            // denser near both ends, where the bets change fastest
            double t = 0.5 - 0.5 * Math.cos(Math.PI * i / steps);
            double m = a + (b - a) * t;
            double atMost = seq.logMixtureAtMost(counts, m);
            double atLeast = seq.logMixtureAtLeast(counts, m);
            assertThat(atMost)
                .as("at most, %s m=%s", Arrays.toString(counts), m)
                .isLessThanOrEqualTo(previousAtMost + 1e-12 * Math.abs(previousAtMost));
            assertThat(atLeast)
                .as("at least, %s m=%s", Arrays.toString(counts), m)
                .isGreaterThanOrEqualTo(previousAtLeast - 1e-12 * Math.abs(previousAtLeast));
            previousAtMost = atMost;
            previousAtLeast = atLeast;
          }
        }
      }
    }
  }

  /**
   * Each bound is the edge of the set the one-evaluation tests leave: the returned bound is
   * rejected (conservative side) and a point one tolerance inside is not; the bounds straddle the
   * sample mean; with nothing observed they are the ends of the support.
   */
  @Test
  void boundsAreTheEdgesOfTheNonRejectedSet() {
    SplittableRandom random = new SplittableRandom(9);
    for (double[] support : new double[][] {ERRORS, BERNOULLI, {-2, 0.5, 1, 7}}) {
      BoundedMeanSequence seq = BoundedMeanSequence.of(support, ALPHA, N_STAR);
      double a = Arrays.stream(support).min().orElseThrow();
      double b = Arrays.stream(support).max().orElseThrow();
      double tolerance = 1.01e-12 * (b - a);
      assertThat(seq.lowerBound(new long[support.length])).isEqualTo(a);
      assertThat(seq.upperBound(new long[support.length])).isEqualTo(b);
      for (int trial = 0; trial < 300; trial++) {
        long[] counts = randomCounts(random, support.length);
        double mean = meanOf(support, counts);
        double lower = seq.lowerBound(counts);
        double upper = seq.upperBound(counts);
        if (Double.isNaN(mean)) {
          continue; // nothing observed: the ends, checked above
        }
        assertThat(lower).isBetween(a, mean + 1e-12);
        assertThat(upper).isBetween(mean - 1e-12, b);
        if (lower > a) {
          assertThat(seq.rejectsAtMost(counts, lower)).isTrue();
        }
        assertThat(seq.rejectsAtMost(counts, lower + tolerance)).isFalse();
        if (upper < b) {
          assertThat(seq.rejectsAtLeast(counts, upper)).isTrue();
        }
        assertThat(seq.rejectsAtLeast(counts, upper - tolerance)).isFalse();
      }
    }
  }

  /** Observations only at the lower end: no evidence above it, whatever n. */
  @Test
  void onlyTheSmallestValueObservedGivesTheSmallestValue() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    for (long n : new long[] {1, 10, 1_000_000_000L}) {
      assertThat(seq.lowerBound(new long[] {n, 0})).isZero();
      assertThat(seq.upperBound(new long[] {0, n})).isEqualTo(1.0);
      assertThat(seq.logMixtureAtMost(new long[] {n, 0}, 0)).isZero();
      assertThat(seq.logMixtureAtMost(new long[] {n, 1}, 0)).isInfinite();
    }
    // the upper bound after n zeros shrinks like ln(1/alpha)/n, as it must for a 0-1 variable
    assertThat(seq.upperBound(new long[] {1000, 0})).isLessThan(0.006);
  }

  /**
   * {@code (X - a)/(b - a)} has the bounds of X, rescaled: the construction has no preferred unit.
   */
  @Test
  void boundsAreAffineEquivariant() {
    BoundedMeanSequence errors = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    BoundedMeanSequence halves = BoundedMeanSequence.of(new double[] {0, 0.5, 1}, ALPHA, N_STAR);
    SplittableRandom random = new SplittableRandom(10);
    for (int trial = 0; trial < 200; trial++) {
      long[] counts = randomCounts(random, 3);
      assertThat(2 * halves.lowerBound(counts) - 1)
          .isCloseTo(errors.lowerBound(counts), within(1e-10));
      assertThat(2 * halves.upperBound(counts) - 1)
          .isCloseTo(errors.upperBound(counts), within(1e-10));
    }
  }

  /** n up to 1e12: finite, ordered, and still shrinking (the tail of small bets). */
  @Test
  void largeCountsStayFiniteAndKeepShrinking() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    double previousWidth = Double.POSITIVE_INFINITY;
    for (long n = 1000; n <= 1_000_000_000_000L; n *= 10) {
      long[] counts = {n / 100, n - n / 100 - n / 50, n / 50}; // mean 0.01, variance ~0.03
      double lower = seq.lowerBound(counts);
      double upper = seq.upperBound(counts);
      assertThat(lower).isFinite().isLessThan(0.01);
      assertThat(upper).isFinite().isGreaterThan(0.01);
      double width = upper - lower;
      assertThat(width).as("n=%d", n).isLessThan(previousWidth);
      previousWidth = width;
    }
    // at n = 1e12 the half-width is within a small factor of the fixed-n normal one
    // (1.645 sqrt(0.0299 / 1e12) = 2.8e-7)
    assertThat(previousWidth / 2).isLessThan(5 * 2.8e-7);
  }

  // ---------------------------------------------------------------------------------------------
  // mergeability

  /**
   * Shards that tally their own observations and add the tallies give exactly the bounds of one
   * engine that tallied the concatenated sequence (in any order): the bounds are a function of the
   * counts alone.
   */
  @Test
  void mergingShardsGivesTheBoundsOfTheUnion() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    SplittableRandom random = new SplittableRandom(11);
    for (int trial = 0; trial < 200; trial++) {
      int n = random.nextInt(1, 5000);
      double pCandidate = random.nextDouble(0, 0.2);
      double pProduction = random.nextDouble(0, 0.2);
      int[] sequence = new int[n];
      for (int i = 0; i < n; i++) {
        sequence[i] = errorIndex(random, pCandidate, pProduction);
      }
      int shards = random.nextInt(2, 9);
      long[] merged = new long[3];
      int start = 0;
      for (int s = 0; s < shards; s++) {
        int end = s == shards - 1 ? n : random.nextInt(start, n + 1);
        long[] shard = new long[3];
        for (int i = start; i < end; i++) {
          shard[sequence[i]]++;
        }
        for (int j = 0; j < 3; j++) {
          merged[j] += shard[j];
        }
        start = end;
      }
      long[] union = new long[3];
      for (int i = n - 1; i >= 0; i--) { // another order, same tally
        union[sequence[i]]++;
      }
      assertThat(seq.lowerBound(merged)).isCloseTo(seq.lowerBound(union), within(1e-9));
      assertThat(seq.upperBound(merged)).isCloseTo(seq.upperBound(union), within(1e-9));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // coverage at the boundary, read after every observation

  /**
   * The true mean exactly at a threshold, the bounds read after every one of 5,000 observations,
   * 2,000 runs: the fraction of runs in which the lower bound ever rose above the truth (a false
   * FAIL), and in which the upper bound ever fell below it (a false PASS), each at most alpha + 3
   * binomial standard errors. Paired errors 2% vs 1% (difference exactly +1 pt), independent and
   * positively correlated; mismatches exactly 1%.
   */
  @Test
  void coversTheMeanUniformlyOverTimeAtTheBoundary() {
    int runs = 2000;
    int horizon = 5000;
    BoundedMeanSequence errors = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    BoundedMeanSequence bernoulli = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    report(
        "errors 2% vs 1% (independent), mean +0.01",
        coverage(errors, errorsSource(0.02, 0.01, 0), 0.01, runs, horizon, 21));
    report(
        "errors 2% vs 1% (0.5% fail together), mean +0.01",
        coverage(errors, errorsSource(0.02, 0.01, 0.005), 0.01, runs, horizon, 22));
    report(
        "mismatches exactly 1%",
        coverage(bernoulli, bernoulliSource(0.01), 0.01, runs, horizon, 23));
  }

  /** The same for rare events (0.1%, over 10,000 observations) and for small n (first 50). */
  @Test
  void coversRareEventsAndSmallSamples() {
    BoundedMeanSequence errors = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    BoundedMeanSequence bernoulli = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    report(
        "rare: mismatches 0.1%",
        coverage(bernoulli, bernoulliSource(0.001), 0.001, 1000, 10_000, 31));
    report(
        "rare: errors 0.2% vs 0.1%, mean +0.001",
        coverage(errors, errorsSource(0.002, 0.001, 0), 0.001, 1000, 10_000, 32));
    report(
        "small n: Bernoulli(0.5)", coverage(bernoulli, bernoulliSource(0.5), 0.5, 20_000, 50, 33));
    report(
        "small n: errors 30% vs 20%, mean +0.1",
        coverage(errors, errorsSource(0.3, 0.2, 0), 0.1, 20_000, 50, 34));
    BoundedMeanSequence tunedForTwenty = BoundedMeanSequence.of(BERNOULLI, ALPHA, 20);
    report(
        "small n, N* = 20: Bernoulli(0.2)",
        coverage(tunedForTwenty, bernoulliSource(0.2), 0.2, 20_000, 50, 35));
  }

  private static void report(String what, Coverage c) {
    double se = Math.sqrt(ALPHA * (1 - ALPHA) / c.runs());
    System.out.printf(
        Locale.ROOT,
        "BoundedMeanSequence coverage, %s (alpha %.2f per side, N* %d, %,d runs x %,d obs,"
            + " read after every obs): lower bound ever above the mean %.4f +- %.4f, upper bound"
            + " ever below it %.4f +- %.4f (binomial SE at alpha %.4f)%n",
        what,
        ALPHA,
        c.nStar(),
        c.runs(),
        c.horizon(),
        c.lowerMissRate(),
        binomialSe(c.lowerMissRate(), c.runs()),
        c.upperMissRate(),
        binomialSe(c.upperMissRate(), c.runs()),
        se);
    assertThat(c.lowerMissRate()).as(what + ", lower").isLessThanOrEqualTo(ALPHA + 3 * se);
    assertThat(c.upperMissRate()).as(what + ", upper").isLessThanOrEqualTo(ALPHA + 3 * se);
  }

  private static double binomialSe(double rate, int runs) {
    return Math.sqrt(rate * (1 - rate) / runs);
  }

  private record Coverage(
      long nStar, int runs, int horizon, double lowerMissRate, double upperMissRate) {}

  /**
   * Runs that draw observations (indices into the support) and, after each, ask whether each
   * one-sided sequence excludes the true mean {@code mu}. Because the mixtures are monotone in m,
   * "the lower bound is above mu" is "the lower mixture at mu is at least 1/alpha", so each run
   * tracks only the log-capitals of the bets at the single point mu (constants there), one addition
   * per bet and observation. Since {@code sum_k w_k K_k <= (sum_k w_k) max_k K_k}, the sum is only
   * formed once the largest capital could carry it to 1/alpha; if it is within rounding of that,
   * the sequence itself decides ({@link BoundedMeanSequence#rejectsAtMost}), and its bound is
   * checked to agree. Every tenth run also checks that the bounds at the end agree with the run's
   * fate.
   */
  private static Coverage coverage(
      BoundedMeanSequence seq, Source source, double mu, int runs, int horizon, long seed) {
    double[] support = seq.support();
    Tracker lowerTracker = new Tracker(seq, seq.lowerBets(mu), mu, 1);
    Tracker upperTracker = new Tracker(seq, seq.upperBets(mu), mu, -1);
    double tolerance = 1.01e-12 * (support[support.length - 1] - support[0]);
    SplittableRandom random = new SplittableRandom(seed);
    int lowerMisses = 0;
    int upperMisses = 0;
    for (int r = 0; r < runs; r++) {
      long[] counts = new long[support.length];
      double[] lower = new double[lowerTracker.bets()];
      double[] upper = new double[upperTracker.bets()];
      boolean lowerMissed = false;
      boolean upperMissed = false;
      for (int n = 1; n <= horizon && !(lowerMissed && upperMissed); n++) {
        int j = source.draw(random);
        counts[j]++;
        if (!lowerMissed
            && lowerTracker.mayHaveCrossed(lower, j)
            && seq.rejectsAtMost(counts, mu)) {
          lowerMissed = true;
          assertThat(seq.lowerBound(counts)).isGreaterThanOrEqualTo(mu - tolerance);
        }
        if (!upperMissed
            && upperTracker.mayHaveCrossed(upper, j)
            && seq.rejectsAtLeast(counts, mu)) {
          upperMissed = true;
          assertThat(seq.upperBound(counts)).isLessThanOrEqualTo(mu + tolerance);
        }
      }
      if (lowerMissed) {
        lowerMisses++;
      } else if (r % 10 == 0) {
        assertThat(seq.lowerBound(counts)).isLessThanOrEqualTo(mu);
      }
      if (upperMissed) {
        upperMisses++;
      } else if (r % 10 == 0) {
        assertThat(seq.upperBound(counts)).isGreaterThanOrEqualTo(mu);
      }
    }
    return new Coverage(
        seq.tunedFor(), runs, horizon, (double) lowerMisses / runs, (double) upperMisses / runs);
  }

  /**
   * The log-capitals of one side's bets at a fixed point m: {@code ln(1 + lambda_k * sign * (v_j -
   * m))} per observation of {@code v_j} ({@code sign = -1}: bets on {@code -X}, the upper side).
   */
  private static final class Tracker {
    private final double[][] steps;
    private final double[] logWeights;
    private final double logThreshold = -Math.log(ALPHA);

    /** {@code ln(1/alpha) - ln(sum_k w_k)}: no single capital below it can make a crossing. */
    private final double singleCapitalThreshold;

    Tracker(BoundedMeanSequence seq, double[] bets, double m, int sign) {
      double[] support = seq.support();
      this.logWeights = seq.logWeights();
      double weights = Arrays.stream(logWeights).map(Math::exp).sum();
      this.singleCapitalThreshold = logThreshold - Math.log(weights);
      this.steps = new double[support.length][bets.length];
      for (int j = 0; j < support.length; j++) {
        for (int k = 0; k < bets.length; k++) {
          steps[j][k] = Math.log1p(bets[k] * sign * (support[j] - m));
        }
      }
    }

    int bets() {
      return logWeights.length;
    }

    /**
     * Adds an observation of {@code v_j} to the log-capitals; whether the mixture is now within
     * rounding of {@code 1/alpha} or above.
     */
    boolean mayHaveCrossed(double[] logCapitals, int j) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < logCapitals.length; k++) {
        logCapitals[k] += steps[j][k];
        max = Math.max(max, logCapitals[k]);
      }
      if (max < singleCapitalThreshold - 1e-6) {
        return false;
      }
      double sum = 0;
      for (int k = 0; k < logCapitals.length; k++) {
        sum += Math.exp(logWeights[k] + logCapitals[k] - max);
      }
      return max + Math.log(sum) >= logThreshold - 1e-6;
    }
  }

  /** Draws the index of an observation's value in the support. */
  @FunctionalInterface
  private interface Source {
    int draw(SplittableRandom random);
  }

  /**
   * Index into {@code {-1, 0, 1}} of {@code 1{candidate fails} - 1{production fails}}, with
   * marginal failure probabilities {@code pc}, {@code pp} and {@code both} of failing together.
   */
  private static Source errorsSource(double pc, double pp, double both) {
    return random -> {
      double u = random.nextDouble();
      if (u < both) {
        return 1; // both fail: difference 0
      }
      if (u < pc) {
        return 2; // only the candidate fails
      }
      if (u < pc + pp - both) {
        return 0; // only production fails
      }
      return 1;
    };
  }

  private static int errorIndex(SplittableRandom random, double pc, double pp) {
    int candidate = random.nextDouble() < pc ? 1 : 0;
    int production = random.nextDouble() < pp ? 1 : 0;
    return candidate - production + 1;
  }

  private static Source bernoulliSource(double p) {
    return random -> random.nextDouble() < p ? 1 : 0;
  }

  // ---------------------------------------------------------------------------------------------
  // power, against the issue's targets

  /**
   * Median pairs until the upper bound falls below the threshold (a PASS of that check), 1,000
   * runs, alpha 0.05 per side: error difference of 1% vs 1% errors against +0.01 (target <= 2,000;
   * the issue measured 5,661 for the box of two beta-binomial sequences, 2,305 for one two-sided
   * sequence on the difference, 1,513 one-sided), and a true 0.3% mismatch rate against 1% (target
   * <= 1,500; Beta(1,1) mixture 2,950, prior tuned to n 1,690, one-sided 1,190). The project's
   * {@link BetaBinomial} (uniform prior) at the same alpha is run on the same mismatch streams.
   */
  @Test
  void medianPairsToPassMeetTheIssuesTargets() {
    int runs = 1000;
    StringBuilder table = new StringBuilder();
    double errorsAtDefault = 0;
    double agreementAtDefault = 0;
    for (long nStar : new long[] {500, N_STAR, 5000}) {
      double errors =
          medianPairsToPass(
              BoundedMeanSequence.of(ERRORS, ALPHA, nStar),
              errorsSource(0.01, 0.01, 0.0001),
              0.01,
              runs,
              41);
      double agreement =
          medianPairsToPass(
              BoundedMeanSequence.of(BERNOULLI, ALPHA, nStar),
              bernoulliSource(0.003),
              0.01,
              runs,
              42);
      table.append(
          String.format(
              Locale.ROOT,
              "%n  N* %,5d: errors 1%% vs 1%% under +0.01 after %,.0f pairs (target 2,000);"
                  + " 0.3%% mismatches under 1%% after %,.0f pairs (target 1,500)",
              nStar,
              errors,
              agreement));
      if (nStar == N_STAR) {
        errorsAtDefault = errors;
        agreementAtDefault = agreement;
      }
    }
    double betaBinomial = medianPairsForBetaBinomial(0.003, 0.01, runs, 42);
    System.out.printf(
        Locale.ROOT,
        "BoundedMeanSequence power (alpha %.2f per side, %,d runs, median pairs until the upper"
            + " bound is below the threshold):%s%n  BetaBinomial uniform prior, same alpha, same"
            + " mismatch streams: %,.0f pairs%n",
        ALPHA,
        runs,
        table,
        betaBinomial);
    assertThat(errorsAtDefault).isLessThanOrEqualTo(2000);
    assertThat(agreementAtDefault).isLessThanOrEqualTo(1500);
    assertThat(agreementAtDefault).isLessThan(betaBinomial);
  }

  /** Median n at which "{@code mean >= threshold}" is first rejected (runs censored at 50,000). */
  private static double medianPairsToPass(
      BoundedMeanSequence seq, Source source, double threshold, int runs, long seed) {
    Tracker tracker = new Tracker(seq, seq.upperBets(threshold), threshold, -1);
    SplittableRandom random = new SplittableRandom(seed);
    double[] stops = new double[runs];
    for (int r = 0; r < runs; r++) {
      long[] counts = new long[seq.support().length];
      double[] upper = new double[tracker.bets()];
      stops[r] = Double.POSITIVE_INFINITY;
      for (int n = 1; n <= 50_000; n++) {
        int j = source.draw(random);
        counts[j]++;
        if (tracker.mayHaveCrossed(upper, j) && seq.rejectsAtLeast(counts, threshold)) {
          stops[r] = n;
          assertThat(seq.upperBound(counts)).isLessThanOrEqualTo(threshold + 1e-11);
          break;
        }
      }
    }
    return median(stops);
  }

  /** The same stopping rule for {@link BetaBinomial#uniform}: the interval's upper end below. */
  private static double medianPairsForBetaBinomial(
      double p, double threshold, int runs, long seed) {
    BetaBinomial bb = BetaBinomial.uniform(ALPHA);
    SplittableRandom random = new SplittableRandom(seed);
    double[] stops = new double[runs];
    for (int r = 0; r < runs; r++) {
      long s = 0;
      stops[r] = Double.POSITIVE_INFINITY;
      for (int n = 1; n <= 50_000; n++) {
        if (random.nextDouble() < p) {
          s++;
        }
        if (s < threshold * n && bb.excludes(s, n, threshold)) {
          stops[r] = n;
          break;
        }
      }
    }
    return median(stops);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  // ---------------------------------------------------------------------------------------------
  // width against the beta-binomial mixture

  /**
   * One-sided bounds for a proportion observed at 0.3% and at 30%, at alpha 0.05 each, against the
   * project's {@link BetaBinomial} (uniform prior, whose interval ends are each valid one-sided
   * bounds at the same alpha): the betting sequence is tighter on both sides from a few hundred
   * observations on, most around N*.
   */
  @Test
  void tighterThanTheUniformBetaBinomialMixture() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    BetaBinomial bb = BetaBinomial.uniform(ALPHA);
    StringBuilder table = new StringBuilder();
    for (double p : new double[] {0.003, 0.3}) {
      for (long n : new long[] {300, 1000, 3000, 10_000, 100_000, 1_000_000, 100_000_000}) {
        long s = Math.round(p * n);
        long[] counts = {n - s, s};
        Interval beta = bb.interval(s, n);
        double lower = seq.lowerBound(counts);
        double upper = seq.upperBound(counts);
        double hat = (double) s / n;
        table.append(
            String.format(
                Locale.ROOT,
                "%n  p^=%.3f n=%,11d: upper - p^ %.3e (BetaBinomial %.3e, ratio %.2f),"
                    + " p^ - lower %.3e (BetaBinomial %.3e, ratio %.2f)",
                hat,
                n,
                upper - hat,
                beta.upper() - hat,
                (upper - hat) / (beta.upper() - hat),
                hat - lower,
                hat - beta.lower(),
                (hat - lower) / (hat - beta.lower())));
        assertThat(upper).as("p=%s n=%d", p, n).isLessThan(beta.upper());
        assertThat(lower).as("p=%s n=%d", p, n).isGreaterThan(beta.lower());
      }
    }
    System.out.printf(
        Locale.ROOT,
        "BoundedMeanSequence vs BetaBinomial(1,1), one-sided distances from p^ (alpha %.2f, N*"
            + " %d):%s%n",
        ALPHA,
        N_STAR,
        table);
  }

  // ---------------------------------------------------------------------------------------------
  // cost

  /** Microseconds per bound and per one-evaluation test, over counts with n from 1 to 1e9. */
  @Tag("perf")
  @Test
  void boundsTakeTensOfMicroseconds() {
    BoundedMeanSequence seq = BoundedMeanSequence.of(ERRORS, ALPHA, N_STAR);
    SplittableRandom random = new SplittableRandom(51);
    long[][] cases = new long[20_000][];
    for (int i = 0; i < cases.length; i++) {
      long n = (long) Math.pow(10, random.nextDouble(0, 9));
      long up = (long) (n * random.nextDouble(0, 0.05));
      long down = (long) (n * random.nextDouble(0, 0.05));
      cases[i] = new long[] {down, n - up - down, up};
    }
    double sink = 0;
    double perBound = 0;
    double perTest = 0;
    for (int rep = 0; rep < 3; rep++) { // the first repetitions warm the JIT up
      long start = System.nanoTime();
      for (long[] counts : cases) {
        sink += seq.lowerBound(counts) + seq.upperBound(counts);
      }
      perBound = (System.nanoTime() - start) / 1e3 / (2.0 * cases.length);
      start = System.nanoTime();
      for (long[] counts : cases) {
        sink += seq.logMixtureAtLeast(counts, 0.01);
      }
      perTest = (System.nanoTime() - start) / 1e3 / cases.length;
    }
    System.out.printf(
        Locale.ROOT,
        "[perf] BoundedMeanSequence on {-1, 0, 1}: %.1f us per bound, %.2f us per one-evaluation"
            + " test (checksum %.3f)%n",
        perBound,
        perTest,
        sink);
    assertThat(perBound).isLessThan(100);
    assertThat(perTest).isLessThan(10);
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> BoundedMeanSequence.of(new double[] {1}, ALPHA, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedMeanSequence.of(new double[] {0, 0, 1}, ALPHA, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedMeanSequence.of(new double[] {0, Double.NaN}, ALPHA, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedMeanSequence.of(BERNOULLI, 0, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedMeanSequence.of(BERNOULLI, ALPHA, 0))
        .isInstanceOf(IllegalArgumentException.class);
    BoundedMeanSequence seq = BoundedMeanSequence.of(BERNOULLI, ALPHA, N_STAR);
    assertThatThrownBy(() -> seq.lowerBound(new long[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> seq.upperBound(new long[] {1, -2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> seq.lowerBound(new long[] {Long.MAX_VALUE, 1}))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> seq.logMixtureAtMost(new long[] {1, 1}, Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    // the support's order is the counts' order
    BoundedMeanSequence reversed = BoundedMeanSequence.of(new double[] {1, 0}, ALPHA, N_STAR);
    assertThat(reversed.lowerBound(new long[] {20, 180}))
        .isEqualTo(seq.lowerBound(new long[] {180, 20}));
  }

  private static List<Double> sequenceOf(double[] support, long[] counts) {
    List<Double> sequence = new ArrayList<>();
    for (int j = 0; j < support.length; j++) {
      for (long c = 0; c < counts[j]; c++) {
        sequence.add(support[j]);
      }
    }
    return sequence;
  }

  /** Counts with n from 0 to ~1e6, often with some values unobserved. */
  private static long[] randomCounts(SplittableRandom random, int k) {
    long n = (long) Math.pow(10, random.nextDouble(0, 6));
    long[] counts = new long[k];
    for (int j = 0; j < k; j++) {
      counts[j] = random.nextInt(4) == 0 ? 0 : (long) (n * random.nextDouble());
    }
    return counts;
  }

  private static double meanOf(double[] support, long[] counts) {
    double sum = 0;
    long n = 0;
    for (int j = 0; j < support.length; j++) {
      sum += support[j] * counts[j];
      n += counts[j];
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
