package dev.shadowrouting.internal.tests;

import dev.shadowrouting.ShadowTest.Decision;
import dev.shadowrouting.ShadowTest.Status;
import dev.shadowrouting.ShadowTestReport;
import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.Side;
import dev.shadowrouting.ShadowTestReport.VariantReport;

import dev.shadowrouting.internal.stats.CheckResult;
import dev.shadowrouting.internal.tests.TestObservations.Frozen;
import dev.shadowrouting.internal.tests.TestObservations.SideReport;
import dev.shadowrouting.internal.stats.Evaluation;
import dev.shadowrouting.internal.stats.PairedSample;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Builds a {@link ShadowTestReport} from what a test observed up to one moment
 * ({@link TestObservations.Frozen}) and what its life cycle says ({@link Facts}). Stateless.
 */
public final class TestReports {
  private TestReports() {}

  /** One side's ground-truth quality as of now: metric name, mean (if any label), label count. */
  public record Quality(String metric, OptionalDouble mean, long labels) {}

  /** The report of {@code f} as of {@code nowMillis}, with the test's life cycle facts. */
  public static ShadowTestReport build(Frozen f, long nowMillis, Facts facts, Quality production,
      Quality candidateQuality) {
    Instant startedAt = facts.startedAt();
    String candidateName = facts.candidate();
    String noiseName = facts.noise();
    double seconds = Math.max(1e-3, (nowMillis - startedAt.toEpochMilli()) / 1000.0);
    List<VariantReport> variants = new ArrayList<>(3);
    PairedSample c = f.candidate();
    variants.add(VariantReport.builder(String.join("+", facts.productionAtStart()),
        Side.PRODUCTION)
        .counts(c.pairs(), c.productionFailures(), 0, 0)
        .runTime(f.productionRun())
        .quality(production.metric(), production.mean(), production.labels())
        .throughputPerSecond(c.pairs() / seconds)
        .build());
    variants.add(side(candidateName, Side.CANDIDATE, c, f.candidateRun(), f.candidateWait(),
        f.candidateRouter(), f.candidateMismatches(), f.candidateRejected(), agreementCheck(f.evaluation()), seconds)
        .quality(candidateQuality.metric(), candidateQuality.mean(), candidateQuality.labels())
        .build());
    if (noiseName != null) {
      variants.add(side(noiseName, Side.NOISE, f.noise(), f.noiseRun(), f.noiseWait(), f.noiseRouter(),
          f.noiseMismatches(), f.noiseRejected(), agreementCheck(f.noiseEvaluation()), seconds)
          .build());
    }
    List<ShadowTestReport.Check> checks = new ArrayList<>();
    for (CheckResult r : f.evaluation().checks()) {
      checks.add(ShadowTestReport.Check.builder(r.name())
          .verdict(r.verdict())
          .estimate(r.estimate(), r.lower(), r.upper())
          .threshold(r.threshold())
          .confidence(r.confidence())
          .n(r.n())
          .reason(r.reason())
          .build());
    }
    Status s = facts.status();
    List<String> replaced = facts.replacedProduction();
    return ShadowTestReport.builder()
        .endpoint(facts.endpoint())
        .candidate(candidateName)
        .status(s)
        .decision(facts.decision())
        .verdict(f.evaluation().verdict())
        .checks(checks)
        .startedAt(startedAt)
        .endedAt(s.isEnded() ? Instant.ofEpochMilli(facts.endedAtMillis()) : null)
        .elapsed(Duration.ofMillis(nowMillis - startedAt.toEpochMilli()))
        .duration(facts.duration())
        .calls(c.pairs())
        .maxRequests(facts.maxRequests())
        .samplingRate(facts.samplingRate())
        .productionVariants(replaced != null ? replaced : facts.productionAtStart())
        .endReason(s.isEnded() ? facts.endReason() : null)
        .variants(variants)
        .unmatchedLabels(facts.unmatchedLabels())
        .build();
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

  private static ShadowTestReport.VariantBuilder side(String name, Side side, PairedSample p,
      LatencySummary run, LatencySummary wait, LatencySummary router, SideReport mismatches,
      long rejected,
      CheckResult agreement, double seconds) {
    double lower = Double.NaN;
    double upper = Double.NaN;
    if (agreement != null && p.compared() > 0) {
      lower = agreement.lower();
      upper = agreement.upper();
    }
    return VariantReport.builder(name, side)
        .counts(p.pairs(), mismatches.errors(), mismatches.timeouts(), rejected)
        .runTime(run)
        .queueWait(wait)
        .routerTime(router)
        .agreement(p.compared(), p.mismatches(), lower, upper)
        .mismatchSamples(mismatches.samples())
        .fieldMismatches(mismatches.fields())
        .throughputPerSecond(p.pairs() / seconds);
  }

  /** What a report says about the test's life, as its owner knows it at the moment of reading. */
  public record Facts(String endpoint, String candidate, String noise, Status status,
      Decision decision, Instant startedAt, long endedAtMillis, String endReason,
      Duration duration, long maxRequests, double samplingRate, List<String> productionAtStart,
      List<String> replacedProduction, long unmatchedLabels) {}
}
