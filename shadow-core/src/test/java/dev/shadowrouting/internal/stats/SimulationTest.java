package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Verdict;
import dev.shadowrouting.internal.stats.ShadowSim.Side;
import dev.shadowrouting.internal.stats.ShadowSim.Summary;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of the engine alone (no router, no threads), {@link SequentialVerdict#decide}
 * called after <em>every</em> observation, as a dashboard refreshed continuously would. Production:
 * 1% errors, ln run time ~ N(ln 500us, 0.3). Thresholds unless said otherwise: +10% latency, +0.1
 * pt errors, 99% agreement, 1,000 minimum pairs, alpha 0.05, tuned for 5,000 pairs. Each test
 * prints a one-line summary for the docs.
 */
class SimulationTest {
  private static final double ALPHA = 0.05;
  private static final int HORIZON = 5000;

  /** (a) An identical candidate, watched after every one of 5,000 observations, 1,000 times. */
  @Test
  void identicalCandidateIsRarelyEverFailed() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Summary s = ShadowSim.simulate(engine, ShadowSim.IDENTICAL, null, 1000, HORIZON, 1, false);
    System.out.printf(
        "(a) identical candidate (1%% vs 1%% errors, same latency, 99.7%% agreement), decide()"
            + " after each of %,d obs x %,d runs: ever FAIL in %d runs (rate %.4f, alpha %.2f);"
            + " PASS by %,d in %.4f (the +0.1 pt error check rarely can PASS that early)%n",
        HORIZON, s.runs(), s.fails(), s.failRate(), ALPHA, HORIZON, s.passRate());
    assertThat(s.failRate()).isLessThanOrEqualTo(ALPHA);
  }

  /**
   * (a') The null at every boundary at once: latency exactly +10%, errors exactly +0.1 pt (1.1% vs
   * 1%, independent), agreement exactly 99%. A candidate exactly at its thresholds is within them,
   * so any FAIL is a false alarm; overall and per check at most alpha.
   */
  @Test
  void candidateExactlyAtEveryThresholdIsRarelyEverFailed() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Side boundary = new Side(0.011, Math.log(1.10), 0.3, 0.01);
    Summary s = ShadowSim.simulate(engine, boundary, null, 1000, HORIZON, 2, false);
    System.out.printf(
        "(a') candidate exactly at every threshold (x1.10, +0.1 pt, 99.0%%), decide() after each of"
            + " %,d obs x %,d runs: ever FAIL %.4f (latency %.4f, errors %.4f, agreement %.4f;"
            + " alpha %.2f, %.4f per check)%n",
        HORIZON,
        s.runs(),
        s.failRate(),
        s.failedByRate(0),
        s.failedByRate(1),
        s.failedByRate(2),
        ALPHA,
        ALPHA / 3);
    assertThat(s.failRate()).isLessThanOrEqualTo(ALPHA);
    for (int check = 0; check < 3; check++) {
      assertThat(s.failedByRate(check)).isLessThanOrEqualTo(ALPHA);
    }

    // the same with a 100-pair gate: validity does not hinge on the 1,000-pair one
    SequentialVerdict lightlyGated =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 100, ALPHA, 5000));
    Summary light = ShadowSim.simulate(lightlyGated, boundary, null, 500, HORIZON, 3, false);
    System.out.printf(
        "(a') same, minSamples 100, %,d runs: ever FAIL %.4f (latency %.4f, errors %.4f, agreement"
            + " %.4f)%n",
        light.runs(),
        light.failRate(),
        light.failedByRate(0),
        light.failedByRate(1),
        light.failedByRate(2));
    assertThat(light.failRate()).isLessThanOrEqualTo(ALPHA);
  }

  /** (b) A candidate 20% slower FAILs on latency. */
  @Test
  void slowerCandidateFailsOnLatency() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Side slow = new Side(0.01, Math.log(1.2), 0.3, 0.003);
    Summary s = ShadowSim.simulate(engine, slow, null, 500, HORIZON, 4, false);
    System.out.printf(
        "(b) candidate x1.20 slower: FAIL within %,d obs in %.4f of %,d runs (on latency %.4f);"
            + " median observations to FAIL %,d%n",
        HORIZON, s.failRate(), s.runs(), s.failedByRate(0), s.medianFail());
    assertThat(s.failRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(s.failedByRate(0)).isGreaterThanOrEqualTo(0.95);
    printWithLightGate("(b)", slow, 0, 11);
  }

  /** The detection time is the 1,000-pair gate above; with a 100-pair gate it is the sequence's. */
  private static void printWithLightGate(String label, Side candidate, int check, long seed) {
    SequentialVerdict engine =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 100, ALPHA, 5000));
    Summary s = ShadowSim.simulate(engine, candidate, null, 300, HORIZON, seed, false);
    System.out.printf(
        "%s same with minSamples 100: FAIL in %.4f of %,d runs (on the check %.4f); median"
            + " observations to FAIL %,d%n",
        label, s.failRate(), s.runs(), s.failedByRate(check), s.medianFail());
    assertThat(s.failedByRate(check)).isGreaterThanOrEqualTo(0.95);
  }

  /** (c) A candidate with +2 percentage points of errors FAILs on errors. */
  @Test
  void moreErrorsFailOnErrors() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Side flaky = new Side(0.03, 0, 0.3, 0.003);
    Summary s = ShadowSim.simulate(engine, flaky, null, 500, HORIZON, 5, false);
    System.out.printf(
        "(c) candidate 3%% errors vs production 1%% (+2 pts): FAIL within %,d obs in %.4f of %,d"
            + " runs (on errors %.4f); median observations to FAIL %,d%n",
        HORIZON, s.failRate(), s.runs(), s.failedByRate(1), s.medianFail());
    assertThat(s.failRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(s.failedByRate(1)).isGreaterThanOrEqualTo(0.95);
    printWithLightGate("(c)", flaky, 1, 12);
  }

  /** (d) A candidate agreeing 95% of the time FAILs a 99% agreement threshold. */
  @Test
  void disagreeingCandidateFailsOnAgreement() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Side wrong = new Side(0.01, 0, 0.3, 0.05);
    Summary s = ShadowSim.simulate(engine, wrong, null, 500, HORIZON, 6, false);
    System.out.printf(
        "(d) candidate 95%% agreement vs min 99%%: FAIL within %,d obs in %.4f of %,d runs (on"
            + " agreement %.4f); median observations to FAIL %,d%n",
        HORIZON, s.failRate(), s.runs(), s.failedByRate(2), s.medianFail());
    assertThat(s.failRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(s.failedByRate(2)).isGreaterThanOrEqualTo(0.95);
    printWithLightGate("(d)", wrong, 2, 13);
  }

  /**
   * (e) 50 observations of an identical candidate: INCONCLUSIVE, both behind the 1,000-pair gate
   * and with the gate at 1 (the sequences are then simply too wide to PASS).
   */
  @Test
  void fiftyObservationsAreInconclusive() {
    SequentialVerdict gated = new SequentialVerdict(ShadowSim.DEFAULT);
    SequentialVerdict ungated =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 1, ALPHA, 5000));
    SplittableRandom root = new SplittableRandom(7);
    int runs = 200;
    int inconclusive = 0;
    for (int r = 0; r < runs; r++) {
      SplittableRandom random = root.split();
      PairedSample c = new PairedSample();
      for (int i = 0; i < 50; i++) {
        ShadowSim.observe(random, ShadowSim.IDENTICAL, null, c, null);
      }
      assertThat(gated.decide(c, null)).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(gated.evaluate(c, null).verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      Evaluation e = ungated.evaluate(c, null);
      assertThat(e.verdict()).as("%s", e.reasons()).isEqualTo(Verdict.INCONCLUSIVE);
      assertThat(ungated.decide(c, null)).isEqualTo(Verdict.INCONCLUSIVE);
      // not one check is close to PASS: every sequence still straddles its threshold
      for (CheckResult check : e.checks()) {
        assertThat(check.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
      }
      inconclusive++;
    }
    System.out.printf(
        "(e) 50 observations of an identical candidate: INCONCLUSIVE in %d of %d runs, with"
            + " minSamples 1000 and with minSamples 1%n",
        inconclusive, runs);
  }

  /**
   * (f) An identical candidate eventually PASSes when the thresholds are reachable at this error
   * rate (+1 pt errors instead of +0.1 pt); and how long the +0.1 pt threshold would take, on the
   * expected counts.
   */
  @Test
  void identicalCandidateEventuallyPasses() {
    Thresholds reachable = new Thresholds(0.10, 0.01, 0.99, 1000, ALPHA, 5000);
    SequentialVerdict engine = new SequentialVerdict(reachable);
    int horizon = 30_000;
    Summary s = ShadowSim.simulate(engine, ShadowSim.IDENTICAL, null, 300, horizon, 8, true);
    System.out.printf(
        "(f) identical candidate, thresholds x1.10 / +1 pt / 99%%: PASS within %,d obs in %.4f of"
            + " %,d runs, median observations to PASS %,d (FAIL in %d runs)%n",
        horizon, s.passRate(), s.runs(), s.medianPass(), s.fails());
    assertThat(s.passRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(s.failRate()).isLessThanOrEqualTo(ALPHA);

    // each check alone at alpha/3, on the expected counts of the identical candidate
    long latencyN = pairsToPass(new Thresholds(0.10, Double.NaN, Double.NaN, 0, ALPHA / 3, 5000));
    long agreementN = pairsToPass(new Thresholds(Double.NaN, Double.NaN, 0.99, 0, ALPHA / 3, 5000));
    long errorsN = pairsToPass(new Thresholds(Double.NaN, 0.01, Double.NaN, 0, ALPHA / 3, 5000));
    long errorsDefaultN =
        pairsToPass(new Thresholds(Double.NaN, 0.001, Double.NaN, 0, ALPHA / 3, 5000));
    System.out.printf(
        "(f) pairs to PASS on expected counts (1%% vs 1%% errors, 99.7%% agreement, sd(D) 0.42):"
            + " latency x1.10 %,d; agreement 99%% %,d; errors +1 pt %,d; errors +0.1 pt %,d%n",
        latencyN, agreementN, errorsN, errorsDefaultN);
    assertThat(errorsDefaultN).isGreaterThan(errorsN);
  }

  /**
   * The smallest n at which a candidate with exactly the expected counts of {@link
   * ShadowSim#IDENTICAL} PASSes (binary search; the verdict is monotone along expected counts).
   */
  private static long pairsToPass(Thresholds t) {
    SequentialVerdict engine = new SequentialVerdict(t);
    long lo = 1;
    long hi = 1;
    while (engine.decide(expected(hi), null) != Verdict.PASS) {
      lo = hi;
      hi *= 2;
      if (hi > 1L << 26) {
        return -1;
      }
    }
    while (hi - lo > Math.max(1, lo / 200)) {
      long mid = (lo + hi) / 2;
      if (engine.decide(expected(mid), null) == Verdict.PASS) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** Expected counts after n pairs of the identical candidate (production 1%, candidate 1%). */
  private static PairedSample expected(long n) {
    double p = 0.01;
    long b = Math.round(n * p * (1 - p));
    long both = Math.round(n * p * p);
    long ok = n - 2 * b - both;
    long mismatches = Math.round(ok * 0.003);
    // latency D alternating +-sd: mean 0, sample variance ~ 2 * 0.3^2
    return SequentialVerdictTest.sample(n, b, b, both, ok, 0, 0.3 * Math.sqrt(2), ok, mismatches);
  }

  /**
   * (g) Noise baseline: candidate and production's A/A copy both disagree with production 3% of the
   * time. Against 99% agreement that is no FAIL with the baseline (the candidate is no worse than
   * production is with itself) and a FAIL without it.
   */
  @Test
  void noiseBaselineKeepsProductionsOwnMismatchesOffTheCandidate() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    Side candidate = new Side(0.01, 0, 0.3, 0.03);
    Side noise = new Side(0.01, 0, 0.3, 0.03);
    Summary with = ShadowSim.simulate(engine, candidate, noise, 500, HORIZON, 9, false);
    Summary without = ShadowSim.simulate(engine, candidate, null, 300, HORIZON, 10, false);
    System.out.printf(
        "(g) candidate and A/A noise both 97%% agreement, min 99%%: with the baseline ever FAIL"
            + " %.4f of %,d runs (alpha %.2f); without it FAIL %.4f of %,d runs (on agreement"
            + " %.4f), median observations to FAIL %,d%n",
        with.failRate(),
        with.runs(),
        ALPHA,
        without.failRate(),
        without.runs(),
        without.failedByRate(2),
        without.medianFail());
    assertThat(with.failRate()).isLessThanOrEqualTo(ALPHA);
    assertThat(without.failRate()).isGreaterThanOrEqualTo(0.95);
    assertThat(without.failedByRate(2)).isGreaterThanOrEqualTo(0.95);
  }
}
