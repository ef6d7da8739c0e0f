package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class WelfordTest {

  @Test
  void textbookValues() {
    Welford w = new Welford();
    assertThat(w.n()).isZero();
    assertThat(w.mean()).isZero();
    assertThat(w.variance()).isZero();
    w.add(2);
    assertThat(w.variance()).as("one value: no sample variance").isZero();
    for (double x : new double[] {4, 4, 4, 5, 5, 7, 9}) {
      w.add(x);
    }
    assertThat(w.n()).isEqualTo(8);
    assertThat(w.mean()).isCloseTo(5.0, within(1e-15));
    // sum of squared deviations is 32; divisor n - 1
    assertThat(w.variance()).isCloseTo(32.0 / 7, within(1e-14));
  }

  @Test
  void mergeEqualsSequentialAdds() {
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 200; trial++) {
      int n = random.nextInt(0, 400);
      double scale = Math.pow(10, random.nextInt(-3, 4));
      double[] xs = new double[n];
      for (int i = 0; i < n; i++) {
        xs[i] = scale * (random.nextGaussian() + 3);
      }
      Welford sequential = new Welford();
      for (double x : xs) {
        sequential.add(x);
      }
      // random stripes, merged in order
      Welford merged = new Welford();
      int i = 0;
      while (i < n) {
        int len = random.nextInt(0, 50);
        Welford stripe = new Welford();
        for (int j = i; j < Math.min(n, i + len); j++) {
          stripe.add(xs[j]);
        }
        merged.merge(stripe);
        i += len;
      }
      assertThat(merged.n()).isEqualTo(sequential.n());
      assertThat(merged.mean()).isCloseTo(sequential.mean(), within(1e-12 * scale * 10));
      assertThat(merged.variance())
          .isCloseTo(
              sequential.variance(), within(1e-10 * Math.max(1e-300, sequential.variance())));
    }
  }

  @Test
  void mergeWithEmptyAndCopyIsIndependent() {
    Welford a = new Welford();
    a.add(1);
    a.add(3);
    Welford empty = new Welford();
    a.merge(empty);
    assertThat(a.n()).isEqualTo(2);
    assertThat(a.mean()).isEqualTo(2);
    empty.merge(a);
    assertThat(empty.n()).isEqualTo(2);
    assertThat(empty.variance()).isEqualTo(2);
    Welford copy = a.copy();
    copy.add(100);
    assertThat(a.n()).isEqualTo(2);
    assertThat(copy.n()).isEqualTo(3);
    // merging leaves the argument unchanged
    Welford b = new Welford();
    b.add(10);
    a.merge(b);
    assertThat(b.n()).isEqualTo(1);
    assertThat(b.mean()).isEqualTo(10);
  }

  /**
   * Values around 1e9 with deviations of order 1: sum-of-squares would cancel to garbage (ulp of
   * 1e18 is 128), Welford keeps the variance to ~1e-7 relative.
   */
  @Test
  void stableAroundOneBillion() {
    SplittableRandom random = new SplittableRandom(7);
    int n = 100_000;
    double offset = 1e9;
    double[] xs = new double[n];
    for (int i = 0; i < n; i++) {
      xs[i] = offset + (random.nextDouble() * 2 - 1);
    }
    // reference: two passes on the deviations from the offset, which are exact (x - 1e9 is exact
    // by Sterbenz's lemma), so this is the variance of exactly the doubles stored above
    double sum = 0;
    for (double x : xs) {
      sum += x - offset;
    }
    double mean = sum / n;
    double ss = 0;
    for (double x : xs) {
      double d = (x - offset) - mean;
      ss += d * d;
    }
    double reference = ss / (n - 1);
    assertThat(reference).isCloseTo(1.0 / 3, within(0.01));

    Welford w = new Welford();
    for (double x : xs) {
      w.add(x);
    }
    // the mean itself is only good to a few hundred ulps of 1e9 (1 ulp = 1.2e-7) after 1e5 updates
    assertThat(w.mean()).isCloseTo(offset + mean, within(1e-4));
    assertThat(w.variance()).isCloseTo(reference, within(reference * 1e-6));

    // and merged from stripes
    Welford merged = new Welford();
    for (int start = 0; start < n; start += 1000) {
      Welford stripe = new Welford();
      for (int i = start; i < start + 1000; i++) {
        stripe.add(xs[i]);
      }
      merged.merge(stripe);
    }
    assertThat(merged.variance()).isCloseTo(reference, within(reference * 1e-6));

    // the naive formula this class exists to avoid is wrong by orders of magnitude here
    double sumX = 0;
    double sumX2 = 0;
    for (double x : xs) {
      sumX += x;
      sumX2 += x * x;
    }
    double naive = (sumX2 - sumX * sumX / n) / (n - 1);
    assertThat(Math.abs(naive - reference)).isGreaterThan(reference);
  }
}
