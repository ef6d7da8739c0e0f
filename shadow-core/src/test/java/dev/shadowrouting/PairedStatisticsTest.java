package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestSpec.Check;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The verdict engine through its public API only: {@link VerdictRule}, {@link PairedObservation},
 * {@link PairedStatistics} and {@link Evaluation}.
 */
class PairedStatisticsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:15:30Z");
  private static final long DAY_SECONDS = 86_400;

  /** The issue's example, as written there (its long lines too), and what it gives. */
  @Test
  void theIssuesExampleWorksAsWritten() {
    PairedStatistics other = PairedStatistics.create(VerdictRule.defaults());
    other.add(PairedObservation.builder().production(Outcome.SUCCESS, 1_000_000L)
        .candidate(Outcome.TIMEOUT, 50_000_000L).timestamp(T0.plusSeconds(1)).build());

    VerdictRule rule = VerdictRule.builder().maxLatencyIncrease(0.10).tailQuantile(0.99).maxTailLatencyIncrease(0.25).maxErrorRateIncrease(0.001).minAgreement(0.99).maxQualityDecrease(0.01).alpha(0.05).build();
    PairedStatistics stats = PairedStatistics.create(rule);
    stats.add(PairedObservation.builder().production(Outcome.SUCCESS, 1_200_000L).candidate(Outcome.SUCCESS, 1_450_000L).agreement(true).losses(0.0, 1.0).timestamp(Instant.parse("2026-12-03T10:15:30Z")).build());
    PairedStatistics all = stats.merge(other); Evaluation e = all.evaluate(); // e.verdict(), e.checks(), e.reasons(), e.pairs()
    byte[] bytes = all.toBytes(); PairedStatistics.fromBytes(bytes);

    assertThat(rule).isEqualTo(VerdictRule.defaults());
    assertThat(e.verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(e.pairs()).isEqualTo(2);
    assertThat(e.checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors", "agreement", "quality");
    // the timed-out candidate is a latency pair too, at the time it was given up on
    assertThat(e.checks()).extracting(CheckResult::n).containsExactly(2L, 2L, 2L, 1L, 1L);
    assertThat(e.reasons()).hasSize(5).allSatisfy(r -> assertThat(r).endsWith("-> INCONCLUSIVE"));
    assertThat(e.reasons().get(0)).startsWith("latency: candidate/production run time x")
        .endsWith("2 of " + VerdictRule.LATENCY_FLOOR + " pairs: not enough yet -> INCONCLUSIVE");
    assertThat(e.check("latency").orElseThrow().estimate())
        .isCloseTo(Math.sqrt(1.45 / 1.2 * 50), within(1e-12));
    assertThat(e.check("tail_latency").orElseThrow().reason())
        .contains("1 candidate timeouts counted as at least");
    assertThat(e.check("quality").orElseThrow().estimate()).isEqualTo(1.0);

    PairedStatistics back = PairedStatistics.fromBytes(bytes);
    assertThat(back.rule()).isEqualTo(rule);
    assertThat(back.start()).isEmpty();
    assertThat(back.pairs()).isEqualTo(2);
    assertThat(back.evaluate()).isEqualTo(e);
    assertThat(back.toBytes()).isEqualTo(bytes);
  }

  /** Many pairs: the verdicts the thresholds call for, the same after a round trip. */
  @Test
  void decidesPassAndFailOnEnoughPairs() {
    PairedStatistics same = PairedStatistics.create(VerdictRule.defaults());
    PairedStatistics slower = PairedStatistics.create(VerdictRule.defaults());
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 30_000; i++) {
      long production = Math.round(1e6 * Math.exp(0.3 * r.nextGaussian()));
      Instant t = T0.plusMillis(10L * i);
      same.add(PairedObservation.builder().production(Outcome.SUCCESS, production)
          .candidate(Outcome.SUCCESS, production).agreement(true).losses(0, 0).timestamp(t)
          .build());
      slower.add(PairedObservation.builder().production(Outcome.SUCCESS, production)
          .candidate(Outcome.SUCCESS, Math.round(production * 1.6)).agreement(true)
          .timestamp(t).build());
    }
    Evaluation pass = same.evaluate();
    assertThat(pass.verdict()).as("%s", pass.reasons()).isEqualTo(Verdict.PASS);
    assertThat(pass.checks()).hasSize(5);
    Evaluation fail = slower.evaluate();
    assertThat(fail.verdict()).as("%s", fail.reasons()).isEqualTo(Verdict.FAIL);
    assertThat(fail.check("latency").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(fail.check("tail_latency").orElseThrow().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(fail.check("quality")).as("no losses recorded: not applicable").isEmpty();
    assertThat(PairedStatistics.fromBytes(slower.toBytes()).evaluate()).isEqualTo(fail);
  }

  // ---- merge ---------------------------------------------------------------------------------

  private static PairedObservation pair(Instant t, long productionNanos, long candidateNanos) {
    return PairedObservation.builder().production(Outcome.SUCCESS, productionNanos)
        .candidate(Outcome.SUCCESS, candidateNanos).agreement(true).timestamp(t).build();
  }

  @Test
  void mergeIsPureAndHoldsBoth() {
    PairedStatistics a = PairedStatistics.create(VerdictRule.defaults());
    PairedStatistics b = PairedStatistics.create(VerdictRule.defaults());
    for (int i = 0; i < 300; i++) {
      a.add(pair(T0.plusSeconds(i), 1_000_000, 1_050_000));
      b.add(pair(T0.plusSeconds(3 * DAY_SECONDS + i), 2_000_000, 1_000_000));
    }
    byte[] aBefore = a.toBytes();
    byte[] bBefore = b.toBytes();
    Evaluation aEvaluation = a.evaluate();

    PairedStatistics both = a.merge(b);
    assertThat(a.toBytes()).isEqualTo(aBefore);
    assertThat(b.toBytes()).isEqualTo(bBefore);
    assertThat(a.evaluate()).isEqualTo(aEvaluation);
    assertThat(both).isNotSameAs(a).isNotSameAs(b);
    assertThat(both.pairs()).isEqualTo(600);
    assertThat(both.evaluate().check("latency").orElseThrow().n()).isEqualTo(600);

    // the result is independent of its inputs, and they of it
    both.add(pair(T0, 1, 1));
    assertThat(a.toBytes()).isEqualTo(aBefore);
    assertThat(b.toBytes()).isEqualTo(bBefore);
    a.add(pair(T0, 1, 1));
    assertThat(both.pairs()).isEqualTo(601);

    // either way round, and with an empty one
    assertThat(b.merge(PairedStatistics.fromBytes(aBefore)).evaluate())
        .isEqualTo(PairedStatistics.fromBytes(aBefore).merge(b).evaluate());
    PairedStatistics empty = PairedStatistics.create(VerdictRule.defaults());
    assertThat(empty.merge(b).toBytes()).isEqualTo(bBefore);
    assertThat(b.merge(empty).toBytes()).isEqualTo(bBefore);
    assertThat(empty.pairs()).isZero();
  }

  @Test
  void mergeOfDifferentRulesOrStartsNamesBoth() {
    VerdictRule strict = VerdictRule.builder().maxLatencyIncrease(0.05).build();
    VerdictRule loose = VerdictRule.builder().maxLatencyIncrease(0.5).build();
    PairedStatistics a = PairedStatistics.create(strict);
    PairedStatistics b = PairedStatistics.create(loose);
    assertThatIllegalArgumentException().isThrownBy(() -> a.merge(b))
        .withMessageContaining("different rules")
        .withMessageContaining(strict.toString()).withMessageContaining(loose.toString());

    Instant other = T0.plusSeconds(60);
    PairedStatistics at = PairedStatistics.create(strict, T0);
    PairedStatistics atOther = PairedStatistics.create(strict, other);
    assertThatIllegalArgumentException().isThrownBy(() -> at.merge(atOther))
        .withMessageContaining("different starts")
        .withMessageContaining(T0.toString()).withMessageContaining(other.toString());
    assertThatIllegalArgumentException().isThrownBy(() -> at.merge(a))
        .withMessageContaining("different starts").withMessageContaining(T0.toString())
        .withMessageContaining("null");
  }

  // ---- warm-up -------------------------------------------------------------------------------

  @Test
  void aWarmupNeedsAStart() {
    VerdictRule rule = VerdictRule.builder().warmup(Duration.ofSeconds(10)).build();
    assertThatIllegalArgumentException().isThrownBy(() -> PairedStatistics.create(rule))
        .withMessageContaining("warm-up of PT10S");
    assertThat(PairedStatistics.create(rule, T0).start()).contains(T0);
    assertThat(PairedStatistics.create(rule, T0).rule()).isEqualTo(rule);
  }

  /**
   * Pairs that start before {@code start + warmup}, before the start too, are left out of the
   * latency checks (the latency check's n) and reported in its reason; they still count for the
   * errors. The pair at exactly {@code start + warmup} counts.
   */
  @Test
  void pairsInTheWarmupAreLeftOutOfTheLatencyCheck() {
    Duration warmup = Duration.ofSeconds(10);
    VerdictRule rule = VerdictRule.builder().warmup(warmup).build();
    PairedStatistics stats = PairedStatistics.create(rule, T0);
    stats.add(pair(T0.minusSeconds(5), 1_000_000, 3_000_000));
    for (int i = 0; i < 49; i++) {
      stats.add(pair(T0.plusMillis(200L * i), 1_000_000, 3_000_000)); // 3x slower: cold
    }
    stats.add(pair(T0.plus(warmup).minusNanos(1), 1_000_000, 3_000_000));
    for (int i = 0; i < 150; i++) {
      stats.add(pair(T0.plus(warmup).plusMillis(100L * i), 1_000_000, 1_000_000));
    }
    Evaluation e = stats.evaluate();
    CheckResult latency = e.check("latency").orElseThrow();
    assertThat(latency.n()).isEqualTo(150);
    assertThat(latency.estimate()).isEqualTo(1.0);
    assertThat(latency.reason()).contains("51 warm-up pairs at x3.00 left out");
    assertThat(e.check("tail_latency").orElseThrow().n()).isEqualTo(150);
    assertThat(e.check("errors").orElseThrow().n()).isEqualTo(201);
    assertThat(e.pairs()).isEqualTo(201);

    // through the serial form and a merge with a shard of the same start
    PairedStatistics shard = PairedStatistics.create(rule, T0);
    shard.add(pair(T0.plusSeconds(1), 1_000_000, 3_000_000));
    shard.add(pair(T0.plusSeconds(11), 1_000_000, 1_000_000));
    CheckResult merged = PairedStatistics.fromBytes(stats.toBytes()).merge(shard).evaluate()
        .check("latency").orElseThrow();
    assertThat(merged.n()).isEqualTo(151);
    assertThat(merged.reason()).contains("52 warm-up pairs");
  }

  /** The warm-up ends at {@code start + warmup} to the nanosecond, not rounded to millis. */
  @Test
  void theWarmupEndsExactly() {
    Instant start = Instant.parse("2026-12-03T10:15:30.000900Z");
    Duration warmup = Duration.ofNanos(1_500_000); // 1.5 ms: ends at .002400
    PairedStatistics stats =
        PairedStatistics.create(VerdictRule.builder().warmup(warmup).build(), start);
    stats.add(pair(Instant.parse("2026-12-03T10:15:30.002399999Z"), 1_000_000, 1_000_000));
    stats.add(pair(Instant.parse("2026-12-03T10:15:30.002100Z"), 1_000_000, 1_000_000));
    stats.add(pair(Instant.parse("2026-12-03T10:15:30.000500Z"), 1_000_000, 1_000_000));
    assertThat(stats.evaluate().check("latency").orElseThrow().n()).as("all in the warm-up")
        .isZero();
    stats.add(pair(Instant.parse("2026-12-03T10:15:30.002400Z"), 1_000_000, 1_000_000));
    assertThat(stats.evaluate().check("latency").orElseThrow().n()).isEqualTo(1);
  }

  // ---- serial form ---------------------------------------------------------------------------

  /** Rule, start and statistics come back equal, to the nanosecond, and merge with the original. */
  @Test
  void serialFormRoundTripsRuleStartAndStatistics() {
    VerdictRule rule = VerdictRule.builder().maxLatencyIncrease(0.2).tailQuantile(0.95)
        .maxTailLatencyIncrease(0.5).maxErrorRateIncrease(0.01).minAgreement(0.9)
        .maxQualityDecrease(0.05).alpha(0.1).warmup(Duration.ofNanos(2_500_000_001L))
        .withoutCheck(Check.AGREEMENT).build();
    Instant start = Instant.parse("2026-12-03T10:15:30.123456789Z");
    PairedStatistics stats = PairedStatistics.create(rule, start);
    for (int i = 0; i < 500; i++) {
      stats.add(pair(start.plusMillis(17L * i), 1_000_000 + i, 1_100_000 - i));
    }
    byte[] bytes = stats.toBytes();
    PairedStatistics back = PairedStatistics.fromBytes(bytes);
    assertThat(back.rule()).isEqualTo(rule);
    assertThat(back.rule().warmup()).isEqualTo(rule.warmup());
    assertThat(back.start()).contains(start);
    assertThat(back.evaluate()).isEqualTo(stats.evaluate());
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.merge(stats).pairs()).isEqualTo(1000);
    assertThat(stats.merge(back).evaluate().check("latency").orElseThrow().n())
        .isEqualTo(2 * stats.evaluate().check("latency").orElseThrow().n());

    PairedStatistics empty = PairedStatistics.create(VerdictRule.defaults());
    PairedStatistics emptyBack = PairedStatistics.fromBytes(empty.toBytes());
    assertThat(emptyBack.pairs()).isZero();
    assertThat(emptyBack.start()).isEmpty();
    assertThat(emptyBack.evaluate()).isEqualTo(empty.evaluate());
  }

  @Test
  void fromBytesRefusesWhatIsNotItsOwn() {
    PairedStatistics stats = PairedStatistics.create(VerdictRule.defaults(), T0);
    for (int i = 0; i < 50; i++) {
      stats.add(pair(T0.plusSeconds(i), 1_000_000, 1_200_000));
    }
    byte[] bytes = stats.toBytes();

    byte[] magic = bytes.clone();
    magic[1] ^= 0x20;
    assertThatIllegalArgumentException().isThrownBy(() -> PairedStatistics.fromBytes(magic))
        .withMessageContaining("not paired statistics");
    byte[] version = bytes.clone();
    ByteBuffer.wrap(version).putInt(4, 7);
    assertThatIllegalArgumentException().isThrownBy(() -> PairedStatistics.fromBytes(version))
        .withMessageContaining("version 7");
    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatIllegalArgumentException().as("%d of %d bytes", length, bytes.length)
          .isThrownBy(() -> PairedStatistics.fromBytes(prefix));
    }
    assertThatIllegalArgumentException()
        .isThrownBy(() -> PairedStatistics.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
    assertThatThrownBy(() -> PairedStatistics.fromBytes(null))
        .isInstanceOf(NullPointerException.class);
  }

  // ---- VerdictRule ---------------------------------------------------------------------------

  private static InvalidConfigurationException invalid(UnaryOperator<VerdictRule.Builder> change) {
    InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
        () -> change.apply(VerdictRule.builder()).build());
    assertThat(e).as("thrown").isNotNull();
    return e;
  }

  private record Invalid(String field, Object value, String requirement,
      UnaryOperator<VerdictRule.Builder> change) {}

  private static List<Invalid> invalidSettings() {
    List<Invalid> cases = new ArrayList<>();
    for (double v : new double[] {Double.NaN, -0.1, 100.5, Double.POSITIVE_INFINITY}) {
      cases.add(new Invalid("maxLatencyIncrease", v, "in [0.0, 100.0]",
          b -> b.maxLatencyIncrease(v)));
      cases.add(new Invalid("maxTailLatencyIncrease", v, "in [0.0, 100.0]",
          b -> b.maxTailLatencyIncrease(v)));
    }
    for (double v : new double[] {Double.NaN, 0.3, 0.49, 0.99995, 1, -1}) {
      cases.add(new Invalid("tailQuantile", v, "in [0.5, 0.9999]", b -> b.tailQuantile(v)));
    }
    for (double v : new double[] {Double.NaN, -0.001, 1.5}) {
      cases.add(new Invalid("maxErrorRateIncrease", v, "in [0.0, 1.0]",
          b -> b.maxErrorRateIncrease(v)));
      cases.add(new Invalid("minAgreement", v, "in [0.0, 1.0]", b -> b.minAgreement(v)));
    }
    for (double v : new double[] {Double.NaN, -0.01, Double.POSITIVE_INFINITY}) {
      cases.add(new Invalid("maxQualityDecrease", v, "a finite number >= 0.0",
          b -> b.maxQualityDecrease(v)));
    }
    for (double v : new double[] {0, 0.6, -0.05, Double.NaN, 1}) {
      cases.add(new Invalid("alpha", v, "in (0.0, 0.5]", b -> b.alpha(v)));
    }
    for (Duration d : new Duration[] {Duration.ofSeconds(-1), Duration.ofNanos(-1),
        Duration.ofDays(1).plusNanos(1), Duration.ofDays(2)}) {
      cases.add(new Invalid("warmup", d, "a duration in [0, PT24H]", b -> b.warmup(d)));
    }
    cases.add(new Invalid("warmup", null, "non-null", b -> b.warmup(null)));
    cases.add(new Invalid("checks", "[]", "at least one check", b -> {
      for (Check c : Check.values()) {
        b.withoutCheck(c);
      }
      return b;
    }));
    return cases;
  }

  /** Each invalid field alone: one problem naming the field, the value and the allowed range. */
  @Test
  void eachInvalidFieldIsOneProblemWithItsValueAndRange() {
    for (Invalid c : invalidSettings()) {
      InvalidConfigurationException e = invalid(c.change());
      assertThat(e.problems()).as("%s = %s", c.field(), c.value())
          .containsExactly(new Problem(c.field(), c.value(), c.requirement()));
      assertThat(e).hasMessage("verdict rule is invalid: " + (c.value() == null
          ? c.field() + " must not be null"
          : c.field() + " must be " + c.requirement() + " but was " + c.value()));
    }
    // the edges of each range are valid
    VerdictRule edges = VerdictRule.builder().maxLatencyIncrease(0).maxTailLatencyIncrease(100)
        .tailQuantile(0.5).maxErrorRateIncrease(1).minAgreement(0).maxQualityDecrease(0)
        .alpha(0.5).warmup(Duration.ofDays(1)).build();
    assertThat(edges.alpha()).isEqualTo(0.5);
    assertThat(VerdictRule.builder().tailQuantile(0.9999).alpha(1e-9).warmup(Duration.ZERO)
        .build().tailQuantile()).isEqualTo(0.9999);
  }

  /** All at once: every problem, in one exception. */
  @Test
  void everyInvalidFieldIsReportedAtOnce() {
    InvalidConfigurationException e = invalid(b -> b.maxLatencyIncrease(-1).tailQuantile(0.3)
        .alpha(0).warmup(Duration.ofSeconds(-1)).minAgreement(Double.NaN));
    assertThat(e.problems()).extracting(Problem::field)
        .containsExactly("maxLatencyIncrease", "tailQuantile", "minAgreement", "alpha", "warmup");
    assertThat(e).hasMessageStartingWith("verdict rule is invalid: 5 errors: ");
  }

  @Test
  void equalsHashCodeAndToBuilderRoundTrip() {
    VerdictRule rule = VerdictRule.builder().maxLatencyIncrease(0.2).tailQuantile(0.95)
        .maxTailLatencyIncrease(0.5).maxErrorRateIncrease(0.01).minAgreement(0.9)
        .maxQualityDecrease(0.05).alpha(0.1).warmup(Duration.ofSeconds(30))
        .withoutCheck(Check.QUALITY).build();
    VerdictRule copy = rule.toBuilder().build();
    assertThat(copy).isEqualTo(rule).hasSameHashCodeAs(rule).hasToString(rule.toString())
        .isNotSameAs(rule);
    assertThat(copy.checks()).isEqualTo(EnumSet.complementOf(EnumSet.of(Check.QUALITY)));
    assertThat(VerdictRule.builder().build()).isEqualTo(VerdictRule.defaults())
        .hasSameHashCodeAs(VerdictRule.defaults());
    assertThat(VerdictRule.defaults().toBuilder().build()).isEqualTo(VerdictRule.defaults());

    // every field takes part in equality
    List<UnaryOperator<VerdictRule.Builder>> changes = List.of(
        b -> b.maxLatencyIncrease(0.21), b -> b.tailQuantile(0.96),
        b -> b.maxTailLatencyIncrease(0.51), b -> b.maxErrorRateIncrease(0.011),
        b -> b.minAgreement(0.91), b -> b.maxQualityDecrease(0.051), b -> b.alpha(0.11),
        b -> b.warmup(Duration.ofSeconds(31)), b -> b.withCheck(Check.QUALITY),
        b -> b.withoutCheck(Check.ERRORS), b -> b.warmup(Duration.ofSeconds(30).plusNanos(1)));
    for (UnaryOperator<VerdictRule.Builder> change : changes) {
      VerdictRule changed = change.apply(rule.toBuilder()).build();
      assertThat(changed).isNotEqualTo(rule);
      assertThat(changed.toBuilder().build()).isEqualTo(changed);
    }

    // a builder from a rule is its own: changing it leaves the rule as it was
    VerdictRule.Builder builder = rule.toBuilder();
    builder.withCheck(Check.QUALITY).alpha(0.2);
    assertThat(rule.enabled(Check.QUALITY)).isFalse();
    assertThat(rule.alpha()).isEqualTo(0.1);
    assertThat(rule).isNotEqualTo(null).isNotEqualTo("rule");
  }

  // ---- PairedObservation ---------------------------------------------------------------------

  @Test
  void observationBuildErrors() {
    assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder()
        .candidate(Outcome.SUCCESS, 1).build()).withMessage("production is required");
    assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder()
        .production(Outcome.SUCCESS, 1).build()).withMessage("candidate is required");
    assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder().build())
        .withMessageContaining("is required");
    assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder()
        .production(Outcome.SUCCESS, -1).candidate(Outcome.SUCCESS, 5).build())
        .withMessageContaining("production -1");
    assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder()
        .production(Outcome.SUCCESS, 5).candidate(Outcome.TIMEOUT, -7).build())
        .withMessageContaining("candidate -7");
    for (double[] losses : new double[][] {{Double.NaN, 1}, {0, Double.NaN},
        {0, Double.POSITIVE_INFINITY}, {Double.NEGATIVE_INFINITY, 0}}) {
      assertThatIllegalArgumentException().isThrownBy(() -> PairedObservation.builder()
          .production(Outcome.SUCCESS, 1).candidate(Outcome.SUCCESS, 1)
          .losses(losses[0], losses[1]).build()).withMessageContaining("losses");
    }
    assertThatThrownBy(() -> PairedObservation.builder().production(null, 1))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> PairedObservation.builder().timestamp(null))
        .isInstanceOf(NullPointerException.class);

    PairedObservation o = PairedObservation.builder().production(Outcome.ERROR, 0)
        .candidate(Outcome.SUCCESS, 0).losses(Double.NaN, Double.NaN).timestamp(T0).build();
    assertThat(o.agreement()).isNull();
    assertThat(o.productionLoss()).isNaN();
    assertThat(o.timestamp()).isEqualTo(T0);
    assertThat(o.productionOutcome()).isEqualTo(Outcome.ERROR);
  }

  /** A REJECTED side makes the pair count for nothing; an ERROR counts for errors only. */
  @Test
  void rejectedCountsForNothingAndErrorForErrorsOnly() {
    PairedStatistics stats = PairedStatistics.create(VerdictRule.defaults());
    stats.add(PairedObservation.builder().production(Outcome.SUCCESS, 1_000_000)
        .candidate(Outcome.REJECTED, 0).agreement(false).losses(0, 1).timestamp(T0).build());
    assertThat(stats.pairs()).isZero();
    assertThat(stats.evaluate().checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors");
    stats.add(PairedObservation.builder().production(Outcome.SUCCESS, 1_000_000)
        .candidate(Outcome.ERROR, 5).timestamp(T0).build());
    Evaluation e = stats.evaluate();
    assertThat(e.pairs()).isEqualTo(1);
    assertThat(e.check("errors").orElseThrow().estimate()).isEqualTo(1.0);
    assertThat(e.check("latency").orElseThrow().n()).isZero();
  }

  @Test
  void aTimestampBeyondEpochMillisIsRefusedAtBuild() {
    assertThatThrownBy(() -> PairedObservation.builder().production(Outcome.SUCCESS, 1)
        .candidate(Outcome.SUCCESS, 1).timestamp(java.time.Instant.MAX).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epoch millis");
  }
}
