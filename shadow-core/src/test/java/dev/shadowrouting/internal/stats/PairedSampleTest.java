package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PairedSampleTest {

  @Test
  void countsMcNemarCellsAndFailuresPerSide() {
    PairedSample s = new PairedSample();
    s.errorPair(false, false);
    s.errorPair(false, true); // b
    s.errorPair(false, true); // b
    s.errorPair(true, false); // c
    s.errorPair(true, true); // concordant failure
    assertThat(s.pairs()).isEqualTo(5);
    assertThat(s.candidateOnlyFailures()).isEqualTo(2);
    assertThat(s.productionOnlyFailures()).isEqualTo(1);
    assertThat(s.discordant()).isEqualTo(3);
    assertThat(s.candidateFailures()).isEqualTo(3);
    assertThat(s.productionFailures()).isEqualTo(2);
  }

  @Test
  void latencyIsTheLogRatioAndClampsNanos() {
    PairedSample s = new PairedSample();
    s.latencyPair(1_200, 1_000);
    s.latencyPair(900, 1_000);
    assertThat(s.latencyPairs()).isEqualTo(2);
    double d1 = Math.log(1.2);
    double d2 = Math.log(0.9);
    assertThat(s.latencyMean()).isCloseTo((d1 + d2) / 2, within(1e-15));
    assertThat(s.latencyVariance()).isCloseTo((d1 - d2) * (d1 - d2) / 2, within(1e-15));
    PairedSample zero = new PairedSample();
    zero.latencyPair(0, 1);
    zero.latencyPair(-5, 0);
    assertThat(zero.latencyMean()).isZero();
    assertThat(zero.latency().n()).isEqualTo(2);
  }

  @Test
  void comparisonsCountMismatches() {
    PairedSample s = new PairedSample();
    s.comparison(false);
    s.comparison(true);
    s.comparison(false);
    assertThat(s.compared()).isEqualTo(3);
    assertThat(s.mismatches()).isEqualTo(1);
  }

  @Test
  void mergeOfStripesEqualsOneSample() {
    SplittableRandom random = new SplittableRandom(1);
    PairedSample whole = new PairedSample();
    PairedSample[] stripes = {new PairedSample(), new PairedSample(), new PairedSample()};
    for (int i = 0; i < 10_000; i++) {
      PairedSample stripe = stripes[random.nextInt(3)];
      boolean pf = random.nextDouble() < 0.05;
      boolean cf = random.nextDouble() < 0.07;
      long cn = random.nextLong(1, 2_000_000);
      long pn = random.nextLong(1, 2_000_000);
      boolean mismatch = random.nextDouble() < 0.1;
      for (PairedSample s : new PairedSample[] {whole, stripe}) {
        s.errorPair(pf, cf);
        if (!pf && !cf) {
          s.latencyPair(cn, pn);
          s.comparison(mismatch);
        }
      }
    }
    PairedSample merged = new PairedSample();
    for (PairedSample s : stripes) {
      merged.merge(s);
    }
    assertThat(merged.pairs()).isEqualTo(whole.pairs());
    assertThat(merged.candidateOnlyFailures()).isEqualTo(whole.candidateOnlyFailures());
    assertThat(merged.productionOnlyFailures()).isEqualTo(whole.productionOnlyFailures());
    assertThat(merged.candidateFailures()).isEqualTo(whole.candidateFailures());
    assertThat(merged.productionFailures()).isEqualTo(whole.productionFailures());
    assertThat(merged.compared()).isEqualTo(whole.compared());
    assertThat(merged.mismatches()).isEqualTo(whole.mismatches());
    assertThat(merged.latencyPairs()).isEqualTo(whole.latencyPairs());
    assertThat(merged.latencyMean()).isCloseTo(whole.latencyMean(), within(1e-12));
    assertThat(merged.latencyVariance()).isCloseTo(whole.latencyVariance(), within(1e-12));
  }

  @Test
  void copyIsIndependent() {
    PairedSample s = new PairedSample();
    s.errorPair(false, true);
    s.latencyPair(2, 1);
    s.comparison(true);
    PairedSample copy = s.copy();
    copy.errorPair(true, false);
    copy.latencyPair(1, 2);
    copy.comparison(false);
    assertThat(s.pairs()).isEqualTo(1);
    assertThat(s.latencyPairs()).isEqualTo(1);
    assertThat(s.compared()).isEqualTo(1);
    assertThat(copy.pairs()).isEqualTo(2);
    // latency() hands out a copy too
    s.latency().add(100);
    assertThat(s.latencyPairs()).isEqualTo(1);
  }
}
