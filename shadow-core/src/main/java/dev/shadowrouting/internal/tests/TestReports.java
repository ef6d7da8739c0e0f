package dev.shadowrouting.internal.tests;

import dev.shadowrouting.ShadowTest.Decision;
import dev.shadowrouting.ShadowTest.Status;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.Side;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.Evaluation;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.internal.stats.PairStats;
import dev.shadowrouting.internal.tests.TestObservations.Frozen;
import dev.shadowrouting.internal.tests.TestObservations.SideReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Builds a {@link ShadowTestReport} from what a test observed up to one moment
 * ({@link TestObservations.Frozen}) and what its life cycle says ({@link Facts}). Stateless.
 */
public final class TestReports {
  private TestReports() {}

  /** One side's ground-truth quality as of now: metric name, mean (if any label), label count. */
  public record Quality(String metric, OptionalDouble mean, long labels) {}

  /** The noise copy's: the test scores no ground truth for it. */
  private static final Quality NO_QUALITY = new Quality(null, OptionalDouble.empty(), 0);

  /** The report of {@code f} as of {@code nowMillis}, with the test's life cycle facts. */
  public static ShadowTestReport build(Frozen f, long nowMillis, Facts facts, Quality production,
      Quality candidateQuality) {
    Instant startedAt = facts.startedAt();
    String candidateName = facts.candidate();
    String noiseName = facts.noise();
    double seconds = Math.max(1e-3, (nowMillis - startedAt.toEpochMilli()) / 1000.0);
    List<VariantReport> variants = new ArrayList<>(3);
    PairStats c = f.candidate();
    variants.add(new VariantReport(String.join("+", facts.productionAtStart()), Side.PRODUCTION,
        c.pairs(), c.productionFailures(), 0, 0, f.productionRun(), LatencySummary.EMPTY,
        LatencySummary.EMPTY, 0, 0, Double.NaN, Double.NaN, List.of(), Map.of(),
        production.metric(), production.mean(), production.labels(), c.pairs() / seconds));
    variants.add(side(candidateName, Side.CANDIDATE, c, f.candidateRun(), f.candidateWait(),
        f.candidateRouter(), f.candidateMismatches(), f.candidateRejected(),
        agreementCheck(f.evaluation()), candidateQuality, seconds));
    if (noiseName != null) {
      variants.add(side(noiseName, Side.NOISE, f.noise(), f.noiseRun(), f.noiseWait(),
          f.noiseRouter(), f.noiseMismatches(), f.noiseRejected(),
          agreementCheck(f.noiseEvaluation()), NO_QUALITY, seconds));
    }
    List<CheckResult> checks = f.evaluation().checks();
    Status s = facts.status();
    List<String> replaced = facts.replacedProduction();
    return new ShadowTestReport(facts.endpoint(), candidateName, s, facts.decision(),
        f.evaluation().verdict(), checks, startedAt,
        s.isEnded() ? Instant.ofEpochMilli(facts.endedAtMillis()) : null,
        Duration.ofMillis(nowMillis - startedAt.toEpochMilli()), facts.duration(), c.pairs(),
        facts.maxRequests(), facts.samplingRate(),
        replaced != null ? replaced : facts.productionAtStart(),
        s.isEnded() ? facts.endReason() : null, variants, facts.unmatchedLabels(), List.of());
  }

  private static CheckResult agreementCheck(Evaluation e) {
    if (e == null) {
      return null;
    }
    for (CheckResult r : e.checks()) {
      if (r.name().equals("agreement")) {
        return r;
      }
    }
    return null;
  }

  private static VariantReport side(String name, Side side, PairStats p,
      LatencySummary run, LatencySummary wait, LatencySummary router, SideReport mismatches,
      long rejected, CheckResult agreement, Quality quality, double seconds) {
    double lower = Double.NaN;
    double upper = Double.NaN;
    if (agreement != null && p.compared() > 0) {
      lower = agreement.lower();
      upper = agreement.upper();
    }
    return new VariantReport(name, side, p.pairs(), mismatches.errors(), mismatches.timeouts(),
        rejected, run, wait, router, p.compared(), p.mismatches(), lower, upper,
        mismatches.samples(), mismatches.fields(), quality.metric(), quality.mean(),
        quality.labels(), p.pairs() / seconds);
  }

  /** What a report says about the test's life, as its owner knows it at the moment of reading. */
  public record Facts(String endpoint, String candidate, String noise, Status status,
      Decision decision, Instant startedAt, long endedAtMillis, String endReason,
      Duration duration, long maxRequests, double samplingRate, List<String> productionAtStart,
      List<String> replacedProduction, long unmatchedLabels) {}
}
