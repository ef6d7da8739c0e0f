package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link QuantileSequence}: the ranks against confseq's inversion of the boundary, the exact
 * crossing probability of the count process, the order statistics against sorted arrays and
 * histograms, mergeability, and seeded coverage simulations read after every observation.
 */
class QuantileSequenceTest {
  private static final double ALPHA = 0.05;
  private static final long N_STAR = 5000;
  private static final int HORIZON = 5000;

  /**
   * confseq's {@code demo/quantiles.py} turns the continuous boundary {@code f} (confseq's {@code
   * beta_binomial_mixture_bound}, here {@link BetaBinomialMixtureTest#boundary}) into order
   * statistics: lower index {@code floor(t (p - f_lo / t) + 1)}, upper index {@code ceil(t (p +
   * f_hi / t))}. The exact integer searches must give the same ranks wherever the boundary is
   * reachable, and no bound (0, n + 1) where it is not (where the demo falls back to the sample
   * minimum and maximum). The ranks must not depend on the order n is asked in (the hint is only a
   * hint).
   */
  @Test
  void ranksAreConfseqsInversionOfTheBoundary() {
    double[][] configs = {{0.99, 0.025, 5000}, {0.99, 0.05, 500}, {0.5, 0.05, 100}};
    for (double[] config : configs) {
      double p = config[0];
      double alpha = config[1];
      long nStar = (long) config[2];
      QuantileSequence sequence = QuantileSequence.of(p, alpha, nStar);
      double vOpt = p * (1 - p) * nStar;
      BetaBinomialMixture above = BetaBinomialMixture.tunedFor(vOpt, alpha, p, 1 - p);
      BetaBinomialMixture below = BetaBinomialMixture.tunedFor(vOpt, alpha, 1 - p, p);
      long firstLower = -1;
      long firstUpper = -1;
      List<long[]> asked = new ArrayList<>();
      for (long n = 1; n <= 20_000; n += (n < 3000 ? 1 : 13)) {
        double v = p * (1 - p) * n;
        double fHi = BetaBinomialMixtureTest.boundary(above, v, alpha, p);
        double fLo = BetaBinomialMixtureTest.boundary(below, v, alpha, 1 - p);
        long upper = sequence.upperRank(n);
        long lower = sequence.lowerRank(n);
        if (fHi < v / p) {
          assertThat(upper).as("p=%s n=%d", p, n).isEqualTo((long) Math.ceil(n * (p + fHi / n)));
          firstUpper = firstUpper < 0 ? n : firstUpper;
        } else {
          assertThat(upper).as("p=%s n=%d", p, n).isEqualTo(n + 1);
        }
        if (fLo < v / (1 - p)) {
          assertThat(lower)
              .as("p=%s n=%d", p, n)
              .isEqualTo((long) Math.floor(n * (p - fLo / n) + 1));
          firstLower = firstLower < 0 ? n : firstLower;
        } else {
          assertThat(lower).as("p=%s n=%d", p, n).isZero();
        }
        asked.add(new long[] {n, lower, upper});
      }
      // a fresh sequence asked in random order (hints from far away) gives the same ranks
      Collections.shuffle(asked, new java.util.Random(7));
      QuantileSequence fresh = QuantileSequence.of(p, alpha, nStar);
      for (long[] row : asked.subList(0, 500)) {
        assertThat(fresh.lowerRank(row[0])).isEqualTo(row[1]);
        assertThat(fresh.upperRank(row[0])).isEqualTo(row[2]);
      }
      System.out.printf(
          Locale.ROOT,
          "QuantileSequence p=%s alpha=%s N*=%d: ranks = confseq's inversion for every n <= 3,000"
              + " and every 13th to 20,000; first lower bound at n=%d, first upper bound at n=%d%n",
          p,
          alpha,
          nStar,
          firstLower,
          firstUpper);
    }
  }

  /**
   * Exact crossing probability of the count process by dynamic programming: {@code A_n ~
   * Binomial(n, p)} step by step, with the mass that leaves the band ({@code A_n < l_n} for the
   * lower side, {@code A_n >= u_n} for the upper) removed at each n. By the coupling in {@link
   * QuantileSequence}'s comment this is the probability that each bound ever misses a continuous
   * distribution's quantile; the mixture guarantees at most alpha over an infinite horizon, so over
   * any finite one too. The program does see a band that is too narrow: the same construction at
   * level 0.4 must cross more often than 0.05.
   */
  @Test
  void exactCrossingProbabilityOfTheCountIsAtMostAlpha() {
    for (double[] config :
        new double[][] {{0.99, 5000, 5000}, {0.99, 500, 5000}, {0.5, 100, 2000}}) {
      double p = config[0];
      long nStar = (long) config[1];
      int horizon = (int) config[2];
      QuantileSequence sequence = QuantileSequence.of(p, ALPHA, nStar);
      long[][] ranks = TailSim.ranks(sequence, horizon);
      double lower = crossingProbability(p, ranks, horizon, true, false);
      double upper = crossingProbability(p, ranks, horizon, false, true);
      double either = crossingProbability(p, ranks, horizon, true, true);
      System.out.printf(
          Locale.ROOT,
          "exact crossing probability to n=%,d, p=%s alpha=%s N*=%d: lower %.5f, upper %.5f,"
              + " either %.5f%n",
          horizon,
          p,
          ALPHA,
          nStar,
          lower,
          upper,
          either);
      assertThat(lower).isLessThanOrEqualTo(ALPHA);
      assertThat(upper).isLessThanOrEqualTo(ALPHA);
      assertThat(either).isLessThanOrEqualTo(2 * ALPHA);
    }
    long[][] narrow = TailSim.ranks(QuantileSequence.of(0.99, 0.4, N_STAR), HORIZON);
    assertThat(crossingProbability(0.99, narrow, HORIZON, true, false)).isGreaterThan(ALPHA);
  }

  /**
   * {@code P(exists n <= horizon: A_n outside the band)} for {@code A_n ~ Binomial(n, p)}, the band
   * being {@code A_n >= l_n} (if {@code lowerSide}) and {@code A_n < u_n} (if {@code upperSide}).
   */
  static double crossingProbability(
      double p, long[][] ranks, int horizon, boolean lowerSide, boolean upperSide) {
    double[] mass = new double[horizon + 2];
    mass[0] = 1;
    double crossed = 0;
    for (int n = 1; n <= horizon; n++) {
      for (int k = n; k >= 1; k--) {
        mass[k] = mass[k] * (1 - p) + mass[k - 1] * p;
      }
      mass[0] *= 1 - p;
      if (lowerSide) {
        for (int k = 0; k < ranks[0][n]; k++) {
          crossed += mass[k];
          mass[k] = 0;
        }
      }
      if (upperSide) {
        for (long k = ranks[1][n]; k <= n; k++) {
          crossed += mass[(int) k];
          mass[(int) k] = 0;
        }
      }
    }
    return crossed;
  }

  /**
   * The bounds against sorted arrays: the raw bounds are {@code X_(l_n)} and {@code X_(u_n)}, and
   * the histogram's bracket them within one bucket (lower edge below the raw lower bound, upper
   * edge above the raw upper one, each within 1.1%); the estimate is in the bucket of {@code
   * X_(ceil(p n))}.
   */
  @Test
  void histogramBoundsBracketTheOrderStatisticsOfASortedArray() {
    QuantileSequence sequence = QuantileSequence.of(0.99, ALPHA, N_STAR);
    SplittableRandom random = new SplittableRandom(41);
    for (int n : new int[] {1, 10, 500, 1000, 1500, 3000, 5000, 20_000, 100_000}) {
      long[] values = new long[n];
      LatencyHistogram h = new LatencyHistogram();
      for (int i = 0; i < n; i++) {
        values[i] = TailSim.lognormal(random, TailSim.LN_500_US, 1);
        h.record(values[i]);
      }
      Arrays.sort(values);
      long l = sequence.lowerRank(n);
      long u = sequence.upperRank(n);
      QuantileBounds bounds = sequence.bounds(h);
      if (l == 0) {
        assertThat(bounds.lower()).isZero();
      } else {
        double raw = values[(int) l - 1];
        assertThat(bounds.lower()).isLessThanOrEqualTo(raw).isGreaterThan(raw / 1.011);
      }
      if (u > n) {
        assertThat(bounds.upper()).isInfinite();
      } else {
        double raw = values[(int) u - 1];
        assertThat(bounds.upper()).isGreaterThan(raw).isLessThanOrEqualTo(raw * 1.011);
      }
      long estimateRank = (long) Math.ceil(0.99 * n - 1e-6);
      assertThat(LatencyHistogram.bucketOf(values[(int) estimateRank - 1]))
          .isEqualTo(h.bucketOfRank(estimateRank));
      assertThat(bounds.estimate()).isBetween(bounds.lower(), bounds.upper());
    }
    QuantileBounds empty = sequence.bounds(new LatencyHistogram());
    assertThat(empty.estimate()).isNaN();
    assertThat(empty.lower()).isZero();
    assertThat(empty.upper()).isInfinite();
  }

  /** Random shards, merged: the same bounds as one histogram fed the union, to the last bit. */
  @Test
  void mergedShardsGiveTheBoundsOfTheUnion() {
    SplittableRandom random = new SplittableRandom(43);
    QuantileSequence sequence = QuantileSequence.of(0.99, ALPHA, N_STAR);
    for (int trial = 0; trial < 50; trial++) {
      int shards = 1 + random.nextInt(16);
      LatencyHistogram[] parts = new LatencyHistogram[shards];
      for (int s = 0; s < shards; s++) {
        parts[s] = new LatencyHistogram(1_000_000_000L);
      }
      LatencyHistogram union = new LatencyHistogram(1_000_000_000L);
      int n = random.nextInt(30_000);
      for (int i = 0; i < n; i++) {
        long nanos = TailSim.lognormal(random, TailSim.LN_500_US, 1.5);
        parts[random.nextInt(shards)].record(nanos);
        union.record(nanos);
      }
      LatencyHistogram merged = LatencyHistogram.fromBytes(parts[shards - 1].toBytes());
      for (int s = shards - 2; s >= 0; s--) {
        merged.merge(LatencyHistogram.fromBytes(parts[s].toBytes()));
      }
      QuantileBounds expected = QuantileSequence.of(0.99, ALPHA, N_STAR).bounds(union);
      QuantileBounds got = sequence.bounds(merged);
      assertThat(got).isEqualTo(expected);
      assertThat(got.lower()).isCloseTo(expected.lower(), within(1e-9 * expected.lower()));
    }
  }

  /**
   * (3) Coverage uniformly over time, read after <em>every</em> observation: p99 of lognormal(ln
   * 500us, sigma 1) run times, each one-sided bound at alpha = 0.05, N* = 5,000, 1,000 runs of
   * 5,000 observations. A run misses when its bound, at some n, excludes the true p99. Raw bounds
   * (order statistics of the exact values: {@code X_(l) > q} iff {@code #{X <= q} < l}) and
   * histogram bounds are both read at every n; a histogram miss must also be a raw miss (the
   * histogram is never tighter). The raw rates are compared with the exact crossing probability.
   */
  @Test
  void coversTheP99UniformlyOverTimeAfterEveryObservation() {
    int runs = 1000;
    QuantileSequence sequence = QuantileSequence.of(0.99, ALPHA, N_STAR);
    long[][] ranks = TailSim.ranks(sequence, HORIZON);
    long q = TailSim.lognormalQuantile(0.99, TailSim.LN_500_US, 1);
    SplittableRandom random = new SplittableRandom(101);
    int rawLower = 0;
    int rawUpper = 0;
    int rawEither = 0;
    int histLower = 0;
    int histUpper = 0;
    double[] lowerAtEnd = new double[runs];
    double[] upperAtEnd = new double[runs];
    for (int r = 0; r < runs; r++) {
      LatencyHistogram h = new LatencyHistogram();
      long atOrBelow = 0;
      long strictlyBelow = 0;
      boolean rl = false;
      boolean ru = false;
      boolean hl = false;
      boolean hu = false;
      for (int n = 1; n <= HORIZON; n++) {
        long x = TailSim.lognormal(random, TailSim.LN_500_US, 1);
        h.record(x);
        atOrBelow += x <= q ? 1 : 0;
        strictlyBelow += x < q ? 1 : 0;
        rl |= atOrBelow < ranks[0][n];
        ru |= strictlyBelow >= ranks[1][n];
        hl |= TailSim.lower(h, ranks) > q;
        hu |= TailSim.upper(h, ranks) < q;
        if (r < 10 && n % 500 == 0) {
          TailSim.checkAgainstSequence(h, ranks, sequence);
        }
      }
      assertThat(!hl || rl).isTrue();
      assertThat(!hu || ru).isTrue();
      rawLower += rl ? 1 : 0;
      rawUpper += ru ? 1 : 0;
      rawEither += rl || ru ? 1 : 0;
      histLower += hl ? 1 : 0;
      histUpper += hu ? 1 : 0;
      lowerAtEnd[r] = TailSim.lower(h, ranks) / q;
      upperAtEnd[r] = TailSim.upper(h, ranks) / q;
    }
    double exactLower = crossingProbability(0.99, ranks, HORIZON, true, false);
    double exactUpper = crossingProbability(0.99, ranks, HORIZON, false, true);
    double se = TailSim.se(ALPHA, runs);
    Arrays.sort(lowerAtEnd);
    Arrays.sort(upperAtEnd);
    System.out.printf(
        Locale.ROOT,
        "(3) p99 coverage, lognormal sigma 1, alpha %.2f per side, N*=%d, read after every one of"
            + " %,d obs x %,d runs: ever missed: lower %.4f (histogram %.4f; exact %.4f), upper"
            + " %.4f (histogram %.4f; exact %.4f), either %.4f; SE at alpha %.4f; median bounds at"
            + " n=%,d: [%.3f q, %.3f q]%n",
        ALPHA,
        N_STAR,
        HORIZON,
        runs,
        (double) rawLower / runs,
        (double) histLower / runs,
        exactLower,
        (double) rawUpper / runs,
        (double) histUpper / runs,
        exactUpper,
        (double) rawEither / runs,
        se,
        HORIZON,
        lowerAtEnd[runs / 2],
        upperAtEnd[runs / 2]);
    assertThat((double) rawLower / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
    assertThat((double) rawUpper / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
    // the simulation agrees with the exact crossing probabilities (4 SEs at the exact rate)
    assertThat((double) rawLower / runs)
        .isCloseTo(exactLower, within(4 * TailSim.se(exactLower, runs) + 1e-9));
    assertThat((double) rawUpper / runs)
        .isCloseTo(exactUpper, within(4 * TailSim.se(exactUpper, runs) + 1e-9));
  }

  /**
   * Coverage at small n, read after every observation: the median (p = 0.5, N* = 100) over the
   * first 200 observations, 20,000 runs; and p99 tuned small (N* = 500) over the first 1,500, 4,000
   * runs. Only the count matters for a continuous distribution, so the observations are uniforms
   * and {@code q = p}.
   */
  @Test
  void coversAtSmallN() {
    StringBuilder summary = new StringBuilder();
    SplittableRandom random = new SplittableRandom(103);
    for (double[] config : new double[][] {{0.5, 100, 200, 20_000}, {0.99, 500, 1500, 4000}}) {
      double p = config[0];
      QuantileSequence sequence = QuantileSequence.of(p, ALPHA, (long) config[1]);
      int horizon = (int) config[2];
      int runs = (int) config[3];
      long[][] ranks = TailSim.ranks(sequence, horizon);
      int lowerMisses = 0;
      int upperMisses = 0;
      for (int r = 0; r < runs; r++) {
        long below = 0;
        boolean lower = false;
        boolean upper = false;
        for (int n = 1; n <= horizon; n++) {
          below += random.nextDouble() < p ? 1 : 0;
          lower |= below < ranks[0][n];
          upper |= below >= ranks[1][n];
        }
        lowerMisses += lower ? 1 : 0;
        upperMisses += upper ? 1 : 0;
      }
      double se = TailSim.se(ALPHA, runs);
      summary.append(
          String.format(
              Locale.ROOT,
              "%n  p=%s N*=%d, n <= %,d, %,d runs: lower %.4f, upper %.4f (SE %.4f; exact %.4f,"
                  + " %.4f)",
              p,
              (long) config[1],
              horizon,
              runs,
              (double) lowerMisses / runs,
              (double) upperMisses / runs,
              se,
              crossingProbability(p, ranks, horizon, true, false),
              crossingProbability(p, ranks, horizon, false, true)));
      assertThat((double) lowerMisses / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
      assertThat((double) upperMisses / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
    }
    System.out.println("coverage at small n, alpha 0.05 per side, every observation:" + summary);
  }

  /**
   * Atoms at the quantile, read through the histogram after every observation: with {@code P(1 ms)
   * = 0.99}, the p99 is 1 ms and {@code F(q) = p} exactly (the lower bound's worst case); with
   * {@code P(1 ms) = 0.9899} it is 2 ms and {@code F(q-)} is just below p (the upper bound's). Ties
   * are where an off-by-one between "below" and "at or below" would show.
   */
  @Test
  void coversWithAnAtomAtTheQuantile() {
    int runs = 1000;
    int horizon = 3000;
    QuantileSequence sequence = QuantileSequence.of(0.99, ALPHA, N_STAR);
    long[][] ranks = TailSim.ranks(sequence, horizon);
    SplittableRandom random = new SplittableRandom(107);
    StringBuilder summary = new StringBuilder();
    for (double atOneMs : new double[] {0.99, 0.9899}) {
      long q = atOneMs >= 0.99 ? 1_000_000 : 2_000_000;
      int lowerMisses = 0;
      int upperMisses = 0;
      for (int r = 0; r < runs; r++) {
        LatencyHistogram h = new LatencyHistogram();
        boolean lower = false;
        boolean upper = false;
        for (int n = 1; n <= horizon; n++) {
          h.record(random.nextDouble() < atOneMs ? 1_000_000 : 2_000_000);
          lower |= TailSim.lower(h, ranks) > q;
          upper |= TailSim.upper(h, ranks) < q;
        }
        lowerMisses += lower ? 1 : 0;
        upperMisses += upper ? 1 : 0;
      }
      double se = TailSim.se(ALPHA, runs);
      summary.append(
          String.format(
              Locale.ROOT,
              " P(1ms)=%s (p99 = %d ms): lower %.4f, upper %.4f;",
              atOneMs,
              q / 1_000_000,
              (double) lowerMisses / runs,
              (double) upperMisses / runs));
      assertThat((double) lowerMisses / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
      assertThat((double) upperMisses / runs).isLessThanOrEqualTo(ALPHA + 3 * se);
    }
    System.out.printf(
        "atoms at the p99, histogram read after every one of %,d obs x %,d runs, ever missed:%s"
            + " SE at alpha %.4f%n",
        horizon, runs, summary, TailSim.se(ALPHA, runs));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> QuantileSequence.of(1, ALPHA, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuantileSequence.of(0, ALPHA, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuantileSequence.of(0.99, 0.5, N_STAR))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuantileSequence.of(0.99, ALPHA, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> QuantileSequence.of(0.99, ALPHA, N_STAR).lowerRank(-1))
        .isInstanceOf(IllegalArgumentException.class);
    QuantileSequence sequence = QuantileSequence.of(0.99, ALPHA, N_STAR);
    assertThat(sequence.lowerRank(0)).isZero();
    assertThat(sequence.upperRank(0)).isEqualTo(1);
  }
}
