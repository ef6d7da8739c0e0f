package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.Verdict;
import dev.shadowrouting.internal.stats.ShadowSim.Side;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SequentialVerdictTest {
  private static final double NAN = Double.NaN;

  /**
   * A sample with {@code pairs} error pairs of which {@code b} candidate-only and {@code c}
   * production-only failures and {@code both} double failures; {@code latencyN} latency pairs with
   * D alternating {@code dMean +- dSpread}; {@code compared} comparisons with {@code mismatches}.
   */
  static PairedSample sample(
      long pairs,
      long b,
      long c,
      long both,
      long latencyN,
      double dMean,
      double dSpread,
      long compared,
      long mismatches) {
    PairedSample s = new PairedSample();
    for (long i = 0; i < pairs; i++) {
      if (i < b) {
        s.errorPair(false, true);
      } else if (i < b + c) {
        s.errorPair(true, false);
      } else if (i < b + c + both) {
        s.errorPair(true, true);
      } else {
        s.errorPair(false, false);
      }
    }
    long production = 1_000_000_000L;
    for (long i = 0; i < latencyN; i++) {
      double d = dMean + (i % 2 == 0 ? dSpread : -dSpread);
      s.latencyPair(Math.round(production * Math.exp(d)), production);
    }
    for (long i = 0; i < compared; i++) {
      s.comparison(i < mismatches);
    }
    return s;
  }

  @Test
  void failReasonsReadWellWithTheNumbers() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    // candidate 21% slower, 130 vs 9 discordant (+2.4% vs +0.5% failures), 95.1% agreement
    PairedSample c = sample(5000, 110, 5, 4, 4812, Math.log(1.21), 0.3, 4812, 236);
    Evaluation e = engine.evaluate(c, null);
    assertThat(e.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(engine.decide(c, null)).isEqualTo(Verdict.FAIL);
    assertThat(e.pairs()).isEqualTo(5000);
    assertThat(e.reasons()).hasSize(3);
    assertThat(e.reasons().get(0))
        .matches(
            "latency: candidate/production run time x1\\.21 \\[1\\.1\\d, 1\\.2\\d\\] \\(98\\.3% CS,"
                + " 4,812 pairs\\) exceeds max x1\\.10 -> FAIL");
    assertThat(e.reasons().get(1))
        .matches(
            "errors: \\+2\\.10 pts \\[\\+\\d\\.\\d\\d, \\+\\d\\.\\d\\d\\] \\(98\\.3% CS; candidate"
                + " 2\\.28%, production 0\\.18% of 5,000 pairs; 110 vs 5 discordant, candidate errs"
                + " more\\) exceeds max \\+0\\.10 pts -> FAIL");
    assertThat(e.reasons().get(2))
        .matches(
            "agreement: 95\\.1% \\[9\\d\\.\\d%, 9\\d\\.\\d%\\] of 4,812 compared \\(98\\.3% CS\\)"
                + " below min 99\\.0% -> FAIL");
    for (CheckResult check : e.checks()) {
      assertThat(check.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(check.confidence()).isCloseTo(1 - 0.05 / 3, within(1e-15));
      assertThat(check.lower()).isLessThanOrEqualTo(check.estimate());
      assertThat(check.estimate()).isLessThanOrEqualTo(check.upper());
    }
    CheckResult latency = e.check("latency").orElseThrow();
    assertThat(latency.estimate()).isCloseTo(1.21, within(1e-6));
    assertThat(latency.threshold()).isCloseTo(1.10, within(1e-15));
    assertThat(latency.n()).isEqualTo(4812);
    CheckResult errors = e.check("errors").orElseThrow();
    assertThat(errors.estimate()).isCloseTo(105.0 / 5000, within(1e-15));
    assertThat(errors.n()).isEqualTo(5000);
    CheckResult agreement = e.check("agreement").orElseThrow();
    assertThat(agreement.estimate()).isCloseTo(1 - 236.0 / 4812, within(1e-15));
    assertThat(agreement.threshold()).isEqualTo(0.99);
  }

  @Test
  void passAndInconclusiveReasons() {
    Thresholds t = new Thresholds(0.10, 0.05, 0.99, 1000, 0.05, 5000);
    SequentialVerdict engine = new SequentialVerdict(t);
    // same speed, errors 10 vs 12 discordant, 99.9% agreement: all PASS
    PairedSample good = sample(20_000, 10, 12, 100, 19_000, 0, 0.3, 19_000, 19);
    Evaluation e = engine.evaluate(good, null);
    assertThat(e.reasons().get(0)).endsWith("within max x1.10 -> PASS");
    assertThat(e.reasons().get(1)).contains("10 vs 12 discordant, neither errs significantly more");
    assertThat(e.reasons().get(1)).endsWith("within max +5.00 pts -> PASS");
    assertThat(e.reasons().get(2)).endsWith("above min 99.0% -> PASS");
    assertThat(e.verdict()).isEqualTo(Verdict.PASS);
    assertThat(engine.decide(good, null)).isEqualTo(Verdict.PASS);

    // the candidate is much better on errors: production errs more
    PairedSample better = sample(20_000, 2, 60, 0, 19_000, 0, 0.3, 19_000, 19);
    assertThat(engine.evaluate(better, null).reasons().get(1))
        .contains("2 vs 60 discordant, production errs more");

    // borderline agreement: 99.0% exactly, straddles
    PairedSample borderline = sample(5000, 0, 0, 0, 5000, 0, 0.3, 5000, 50);
    Evaluation b = engine.evaluate(borderline, null);
    assertThat(b.reasons().get(2))
        .endsWith("straddles min 99.0%: not enough evidence yet -> INCONCLUSIVE");
    assertThat(b.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void nothingIsDecidedBeforeMinSamples() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    // 412 pairs that would FAIL every check
    PairedSample c = sample(412, 100, 0, 0, 312, Math.log(2), 0.1, 312, 200);
    Evaluation e = engine.evaluate(c, null);
    assertThat(e.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(engine.decide(c, null)).isEqualTo(Verdict.INCONCLUSIVE);
    for (String reason : e.reasons()) {
      assertThat(reason).endsWith("; 412 of 1,000 pairs: not enough yet -> INCONCLUSIVE");
    }
    assertThat(e.reasons().get(0)).startsWith("latency: candidate/production run time x2.00 [");
    for (CheckResult check : e.checks()) {
      assertThat(check.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    }
    // the same sample past the gate FAILs
    SequentialVerdict ungated =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 400, 0.05, 5000));
    assertThat(ungated.decide(c, null)).isEqualTo(Verdict.FAIL);
    assertThat(ungated.evaluate(c, null).verdict()).isEqualTo(Verdict.FAIL);
  }

  @Test
  void emptySampleIsInconclusiveWithReadableReasons() {
    SequentialVerdict engine =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 0, 0.05, 5000));
    PairedSample empty = new PairedSample();
    Evaluation e = engine.evaluate(empty, null);
    assertThat(e.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(engine.decide(empty, null)).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(e.reasons())
        .containsExactly(
            "latency: no timed pairs yet -> INCONCLUSIVE",
            "errors: no pairs yet -> INCONCLUSIVE",
            "agreement: nothing compared yet -> INCONCLUSIVE");
    SequentialVerdict gated = new SequentialVerdict(ShadowSim.DEFAULT);
    assertThat(gated.evaluate(empty, null).reasons().get(0))
        .isEqualTo("latency: no timed pairs yet; 0 of 1,000 pairs: not enough yet -> INCONCLUSIVE");
    assertThat(engine.evaluate(empty, new PairedSample()).verdict())
        .isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  void formattingIgnoresTheDefaultLocale() {
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.GERMANY);
      SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
      PairedSample c = sample(5000, 110, 5, 4, 4812, Math.log(1.21), 0.3, 4812, 236);
      assertThat(engine.evaluate(c, null).reasons().get(0))
          .contains("x1.21 [")
          .contains("4,812 pairs");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void bonferroniSplitsAlphaOverEnabledChecks() {
    SequentialVerdict three = new SequentialVerdict(ShadowSim.DEFAULT);
    assertThat(three.alphaPerCheck()).isCloseTo(0.05 / 3, within(1e-18));
    SequentialVerdict one = new SequentialVerdict(new Thresholds(NAN, NAN, 0.99, 0, 0.05, 5000));
    assertThat(one.alphaPerCheck()).isEqualTo(0.05);
    PairedSample c = sample(100, 0, 0, 0, 100, 0, 0.1, 100, 0);
    Evaluation e = one.evaluate(c, null);
    assertThat(e.checks()).extracting(CheckResult::name).containsExactly("agreement");
    assertThat(e.checks().get(0).confidence()).isEqualTo(0.95);
    assertThat(e.reasons().get(0)).contains("(95.0% CS)");
    SequentialVerdict two = new SequentialVerdict(new Thresholds(0.1, 0.01, NAN, 0, 0.05, 5000));
    assertThat(two.alphaPerCheck()).isEqualTo(0.025);
    assertThat(two.evaluate(c, null).checks())
        .extracting(CheckResult::name)
        .containsExactly("latency", "errors");
    assertThat(two.evaluate(c, null).reasons().get(0)).contains("(97.5% CS");
  }

  @Test
  void overallFailsOnAnyFailAndPassesOnlyWhenAllPass() {
    Thresholds t = new Thresholds(0.10, 0.05, 0.99, 1000, 0.05, 5000);
    SequentialVerdict engine = new SequentialVerdict(t);
    // latency FAIL, others PASS
    PairedSample slow = sample(20_000, 10, 12, 0, 19_000, Math.log(1.5), 0.3, 19_000, 19);
    Evaluation e = engine.evaluate(slow, null);
    assertThat(e.checks())
        .extracting(CheckResult::verdict)
        .containsExactly(Verdict.FAIL, Verdict.PASS, Verdict.PASS);
    assertThat(e.verdict()).isEqualTo(Verdict.FAIL);
    // latency INCONCLUSIVE (at the threshold), others PASS
    PairedSample edge = sample(20_000, 10, 12, 0, 19_000, Math.log(1.1), 0.3, 19_000, 19);
    e = engine.evaluate(edge, null);
    assertThat(e.checks())
        .extracting(CheckResult::verdict)
        .containsExactly(Verdict.INCONCLUSIVE, Verdict.PASS, Verdict.PASS);
    assertThat(e.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(engine.decide(edge, null)).isEqualTo(Verdict.INCONCLUSIVE);
  }

  /**
   * With an A/A baseline, mismatches production has with itself are not blamed on the candidate: 3%
   * mismatches on both sides PASSes a 99% agreement threshold with the baseline and FAILs without
   * it. Errors are never adjusted, and the reasons say what was done.
   */
  @Test
  void noiseBaselineAdjustsLatencyAndAgreementButNotErrors() {
    SequentialVerdict engine =
        new SequentialVerdict(new Thresholds(0.10, 0.001, 0.99, 1000, 0.05, 5000));
    PairedSample c = sample(60_000, 30, 30, 0, 60_000, Math.log(1.15), 0.1, 60_000, 1800);
    PairedSample noise = sample(60_000, 30, 30, 0, 60_000, Math.log(1.10), 0.1, 60_000, 1800);
    Evaluation without = engine.evaluate(c, null);
    Evaluation with = engine.evaluate(c, noise);
    assertThat(without.check("agreement").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(with.check("agreement").orElseThrow().verdict()).isEqualTo(Verdict.PASS);
    assertThat(with.check("agreement").orElseThrow().estimate()).isCloseTo(1.0, within(1e-12));
    // latency: x1.15 raw FAILs; x1.15 / x1.10 = +4.5% net of noise PASSes
    assertThat(without.check("latency").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(with.check("latency").orElseThrow().verdict()).isEqualTo(Verdict.PASS);
    assertThat(with.check("latency").orElseThrow().estimate()).isCloseTo(1.15 / 1.10, within(1e-6));
    // errors: identical with or without the baseline
    CheckResult errorsWith = with.check("errors").orElseThrow();
    CheckResult errorsWithout = without.check("errors").orElseThrow();
    assertThat(errorsWith.lower()).isEqualTo(errorsWithout.lower());
    assertThat(errorsWith.upper()).isEqualTo(errorsWithout.upper());
    assertThat(errorsWith.reason()).contains("; not adjusted for noise)");
    assertThat(with.reasons().get(0))
        .contains("net of A/A noise x1.10 (98.3% CS, 60,000 pairs, 60,000 noise pairs)");
    assertThat(with.reasons().get(2))
        .startsWith("agreement: 100.0% [")
        .contains(
            "net of A/A noise (candidate 97.0% of 60,000 compared, production vs itself 97.0% of"
                + " 60,000; 98.3% CS)");
    assertThat(engine.decide(c, noise)).isEqualTo(with.verdict());
    assertThat(engine.decide(c, null)).isEqualTo(Verdict.FAIL);
  }

  /**
   * {@code decide} (the fast path) and {@code evaluate} agree on the verdict, on tens of thousands
   * of states drawn from random streams under random thresholds, with and without a noise baseline;
   * the draw is wide enough that every check reaches every verdict both ways.
   */
  @Test
  void decideAgreesWithEvaluateOnRandomStates() {
    SplittableRandom random = new SplittableRandom(314159);
    double[] errorRates = {0, 0.001, 0.01, 0.03, 0.2, 0.6, 1};
    double[] mismatchRates = {0, 0.001, 0.01, 0.02, 0.05, 0.3, 1};
    Map<String, Map<Boolean, EnumMap<Verdict, Integer>>> seen = new HashMap<>();
    int states = 0;
    for (int stream = 0; stream < 400; stream++) {
      Thresholds t = randomThresholds(random);
      SequentialVerdict engine = new SequentialVerdict(t);
      Side production = new Side(pick(random, errorRates), 0, 0.3, 0);
      Side candidate =
          new Side(
              pick(random, errorRates),
              random.nextDouble(-0.3, 0.5),
              pick(random, new double[] {0.01, 0.1, 0.3, 1}),
              pick(random, mismatchRates));
      boolean withNoise = random.nextBoolean();
      Side noise =
          withNoise
              ? new Side(
                  production.errorRate(),
                  random.nextDouble(-0.1, 0.1),
                  0.3,
                  pick(random, mismatchRates))
              : null;
      PairedSample c = new PairedSample();
      PairedSample n = withNoise ? new PairedSample() : null;
      int horizon = random.nextInt(50, 5000);
      for (int i = 1; i <= horizon; i++) {
        ShadowSim.observe(random, production, candidate, noise, c, n);
        if (i <= 30 || i % 41 == 0 || i == horizon) {
          Evaluation e = engine.evaluate(c, n);
          Verdict fast = engine.decide(c, n);
          assertThat(fast)
              .as("stream %d at %d: %s / noise %s / %s -> %s", stream, i, c, n, t, e.reasons())
              .isEqualTo(e.verdict());
          for (CheckResult check : e.checks()) {
            seen.computeIfAbsent(check.name(), k -> new HashMap<>())
                .computeIfAbsent(withNoise, k -> new EnumMap<>(Verdict.class))
                .merge(check.verdict(), 1, Integer::sum);
          }
          states++;
        }
      }
    }
    System.out.printf(
        "decide == evaluate on %,d random states; per check verdicts seen: %s%n", states, seen);
    assertThat(states).isGreaterThan(20_000);
    for (String check : new String[] {"latency", "errors", "agreement"}) {
      for (boolean noise : new boolean[] {false, true}) {
        if (check.equals("errors") && noise) {
          continue; // errors ignore the baseline
        }
        assertThat(seen.get(check).get(noise))
            .as("%s noise=%s", check, noise)
            .containsKeys(Verdict.values());
      }
    }
  }

  private static Thresholds randomThresholds(SplittableRandom random) {
    double latency = pick(random, new double[] {NAN, 0, 0.05, 0.10, 0.5, -0.2});
    double errors = pick(random, new double[] {NAN, 0, 0.001, 0.01, 0.05, 0.3});
    double agreement = pick(random, new double[] {NAN, 0, 0.5, 0.9, 0.97, 0.99, 0.999, 1});
    if (Double.isNaN(latency) && Double.isNaN(errors) && Double.isNaN(agreement)) {
      agreement = 0.99;
    }
    long minSamples = new long[] {0, 1, 10, 100, 1000}[random.nextInt(5)];
    double alpha = pick(random, new double[] {0.01, 0.05, 0.2});
    long expected = new long[] {10, 1000, 5000, 100_000}[random.nextInt(4)];
    return new Thresholds(latency, errors, agreement, minSamples, alpha, expected);
  }

  private static double pick(SplittableRandom random, double[] values) {
    return values[random.nextInt(values.length)];
  }

  @Test
  void thresholdsAreValidated() {
    assertThatThrownBy(() -> new Thresholds(-1, 0.001, 0.99, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(Double.POSITIVE_INFINITY, 0.001, 0.99, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, -0.001, 0.99, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 1, 0.99, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 1.01, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 0.99, -1, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 0.99, 0, 0, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 0.99, 0, 1, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 0.99, 0, Double.NaN, 10))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(0.1, 0.001, 0.99, 0, 0.05, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Thresholds(NAN, NAN, NAN, 0, 0.05, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one check");
    Thresholds ok = new Thresholds(NAN, 0, NAN, 0, 0.05, 1);
    assertThat(ok.enabledChecks()).isEqualTo(1);
    assertThat(ok.errorsEnabled()).isTrue();
    assertThat(ok.latencyEnabled()).isFalse();
    assertThat(new Interval(0, 1).contains(1)).isTrue();
    assertThat(new Interval(0, 1).contains(1.5)).isFalse();
    assertThatThrownBy(() -> new Interval(1, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
