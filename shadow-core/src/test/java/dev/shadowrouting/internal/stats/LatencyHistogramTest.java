package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  private static final long TIMEOUT = 1_000_000_000L;

  /**
   * The documented layout: 2,213 buckets from 1 us to past 1 h, each 1% wide but for the rounding
   * of edges to whole nanos near 1 us (0.9% to 1.1%).
   */
  @Test
  void layoutIsTheDocumentedOne() {
    assertThat(LatencyHistogram.BUCKETS).isEqualTo(2213);
    assertThat(LatencyHistogram.lowerEdge(0)).isZero();
    assertThat(LatencyHistogram.lowerEdge(1)).isEqualTo(1_000);
    assertThat(LatencyHistogram.upperEdge(LatencyHistogram.BUCKETS - 1))
        .isGreaterThanOrEqualTo(LatencyHistogram.HIGHEST_NANOS);
    assertThat(LatencyHistogram.lowerEdge(LatencyHistogram.BUCKETS - 1))
        .isLessThan(LatencyHistogram.HIGHEST_NANOS);
    double widest = 0;
    for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
      double ratio = (double) LatencyHistogram.upperEdge(i) / LatencyHistogram.lowerEdge(i);
      widest = Math.max(widest, ratio);
      assertThat(ratio).as("bucket %d", i).isBetween(1.009, 1.011);
    }
    // the ceil() of the edges matters only near 1 us; past 1 ms a bucket is 1% to within 1e-5
    for (int i = LatencyHistogram.bucketOf(1_000_000); i < LatencyHistogram.BUCKETS; i++) {
      double ratio = (double) LatencyHistogram.upperEdge(i) / LatencyHistogram.lowerEdge(i);
      assertThat(ratio).isBetween(1.01 - 1e-5, 1.01 + 1e-5);
    }
    System.out.printf(
        "LatencyHistogram: %,d buckets, widest %.4f%% (at 1 us; 1%% past 1 ms)%n",
        LatencyHistogram.BUCKETS, 100 * (widest - 1));
  }

  /** Every value lands in the bucket whose integer edges hold it, at the edges themselves too. */
  @Test
  void bucketOfAgreesWithTheIntegerEdges() {
    for (int i = 1; i < LatencyHistogram.BUCKETS; i++) {
      long edge = LatencyHistogram.lowerEdge(i);
      assertThat(LatencyHistogram.bucketOf(edge)).isEqualTo(i);
      assertThat(LatencyHistogram.bucketOf(edge - 1)).isEqualTo(i - 1);
    }
    SplittableRandom random = new SplittableRandom(5);
    for (int trial = 0; trial < 200_000; trial++) {
      long nanos = (long) Math.exp(random.nextDouble(0, Math.log(LatencyHistogram.HIGHEST_NANOS)));
      int i = LatencyHistogram.bucketOf(nanos);
      if (nanos < LatencyHistogram.LOWEST_NANOS) {
        assertThat(i).isZero();
      } else {
        assertThat(LatencyHistogram.lowerEdge(i)).isLessThanOrEqualTo(nanos);
        assertThat(LatencyHistogram.upperEdge(i)).isGreaterThan(nanos);
      }
    }
  }

  @Test
  void recordsCensorsAndClamps() {
    LatencyHistogram h = new LatencyHistogram(TIMEOUT);
    h.record(-5);
    h.record(0);
    h.record(2_000_000);
    h.record(TIMEOUT - 1);
    h.record(TIMEOUT);
    h.record(Long.MAX_VALUE);
    h.recordCensored();
    assertThat(h.count()).isEqualTo(7);
    assertThat(h.censored()).isEqualTo(3);
    assertThat(h.censorNanos()).isEqualTo(TIMEOUT);
    assertThat(h.bucketOfRank(1)).isZero();
    assertThat(h.bucketOfRank(2)).isZero();
    assertThat(h.bucketOfRank(3)).isEqualTo(LatencyHistogram.bucketOf(2_000_000));
    assertThat(h.bucketOfRank(4)).isEqualTo(LatencyHistogram.bucketOf(TIMEOUT - 1));
    for (long rank = 5; rank <= 7; rank++) {
      assertThat(h.bucketOfRank(rank)).isEqualTo(-1);
      assertThat(h.lowerBoundOfRank(rank)).isEqualTo((double) TIMEOUT);
      assertThat(h.upperBoundOfRank(rank)).isInfinite();
      assertThat(h.valueOfRank(rank)).isEqualTo((double) TIMEOUT);
    }
    // the bucket holding the timeout is cut at the timeout: its upper bound is the timeout
    assertThat(h.upperBoundOfRank(4)).isEqualTo((double) TIMEOUT);
    assertThat(h.lowerBoundOfRank(0)).isZero();
    assertThat(h.upperBoundOfRank(8)).isInfinite();
    assertThat(new LatencyHistogram().censorNanos()).isEqualTo(LatencyHistogram.HIGHEST_NANOS);
    assertThatThrownBy(() -> new LatencyHistogram(999))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyHistogram(LatencyHistogram.HIGHEST_NANOS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.bucketOfRank(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.bucketOfRank(8)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Order statistics against a sorted array: the rank-th smallest of the raw values lies in the
   * bucket {@code bucketOfRank} names, and the bounds bracket it within one bucket.
   */
  @Test
  void orderStatisticsMatchASortedArray() {
    SplittableRandom random = new SplittableRandom(17);
    for (int trial = 0; trial < 40; trial++) {
      int n = 1 + random.nextInt(trial < 20 ? 50 : 5000);
      long[] values = new long[n];
      LatencyHistogram h = new LatencyHistogram(TIMEOUT);
      for (int i = 0; i < n; i++) {
        values[i] = (long) Math.exp(Math.log(300_000) + 2 * random.nextGaussian());
        h.record(values[i]);
      }
      Arrays.sort(values);
      for (int rank = 1; rank <= n; rank++) {
        long x = values[rank - 1];
        if (x >= TIMEOUT) {
          assertThat(h.bucketOfRank(rank)).isEqualTo(-1);
          assertThat(h.lowerBoundOfRank(rank)).isEqualTo((double) TIMEOUT);
          continue;
        }
        assertThat(h.bucketOfRank(rank)).isEqualTo(LatencyHistogram.bucketOf(Math.max(0, x)));
        double lower = h.lowerBoundOfRank(rank);
        double upper = h.upperBoundOfRank(rank);
        assertThat(lower).isLessThanOrEqualTo(x);
        assertThat(upper).isGreaterThan(x);
        if (x >= LatencyHistogram.LOWEST_NANOS) {
          assertThat(upper / lower).isLessThanOrEqualTo(1.011);
          assertThat(h.valueOfRank(rank)).isBetween(lower, upper);
        }
      }
    }
  }

  /**
   * Shards recorded separately and merged (in any order, through the serial form or not) are
   * byte-for-byte the histogram of the union.
   */
  @Test
  void mergingShardsEqualsRecordingTheUnion() {
    SplittableRandom random = new SplittableRandom(23);
    for (int trial = 0; trial < 30; trial++) {
      int shards = 1 + random.nextInt(12);
      List<LatencyHistogram> parts = new ArrayList<>();
      for (int s = 0; s < shards; s++) {
        parts.add(new LatencyHistogram(TIMEOUT));
      }
      LatencyHistogram union = new LatencyHistogram(TIMEOUT);
      int n = random.nextInt(20_000);
      for (int i = 0; i < n; i++) {
        LatencyHistogram part = parts.get(random.nextInt(shards));
        if (random.nextDouble() < 0.01) {
          part.recordCensored();
          union.recordCensored();
        } else {
          long nanos = (long) Math.exp(Math.log(500_000) + random.nextGaussian());
          part.record(nanos);
          union.record(nanos);
        }
      }
      LatencyHistogram merged = new LatencyHistogram(TIMEOUT);
      LatencyHistogram mergedFromBytes = new LatencyHistogram(TIMEOUT);
      for (int s = shards - 1; s >= 0; s--) {
        merged.merge(parts.get(s));
        mergedFromBytes.merge(LatencyHistogram.fromBytes(parts.get(s).toBytes()));
      }
      assertThat(merged.toBytes()).isEqualTo(union.toBytes());
      assertThat(mergedFromBytes.toBytes()).isEqualTo(union.toBytes());
      assertThat(merged.count()).isEqualTo(n);
      assertThat(union.copy().toBytes()).isEqualTo(union.toBytes());
    }
    LatencyHistogram other = new LatencyHistogram(TIMEOUT / 2);
    assertThatThrownBy(() -> new LatencyHistogram(TIMEOUT).merge(other))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serialFormRoundTripsIsCompactAndRejectsCorruption() {
    LatencyHistogram empty = new LatencyHistogram(TIMEOUT);
    LatencyHistogram emptyAgain = LatencyHistogram.fromBytes(empty.toBytes());
    assertThat(emptyAgain.count()).isZero();
    assertThat(emptyAgain.censorNanos()).isEqualTo(TIMEOUT);

    SplittableRandom random = new SplittableRandom(29);
    LatencyHistogram h = new LatencyHistogram(TIMEOUT);
    for (int i = 0; i < 100_000; i++) {
      h.record((long) Math.exp(Math.log(500_000) + 0.3 * random.nextGaussian()));
    }
    h.recordCensored();
    byte[] bytes = h.toBytes();
    LatencyHistogram back = LatencyHistogram.fromBytes(bytes);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.count()).isEqualTo(100_001);
    assertThat(back.censored()).isEqualTo(1);
    for (long rank : new long[] {1, 50_000, 99_000, 100_000, 100_001}) {
      assertThat(back.bucketOfRank(rank)).isEqualTo(h.bucketOfRank(rank));
    }
    System.out.printf(
        "LatencyHistogram serial form: %,d bytes for 100,000 lognormal(ln 500us, 0.3) run times%n",
        bytes.length);
    assertThat(bytes.length).isLessThan(1_000);

    assertThatThrownBy(() -> LatencyHistogram.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyHistogram.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] otherLayout = bytes.clone();
    otherLayout[0] ^= 1; // the relative width
    assertThatThrownBy(() -> LatencyHistogram.fromBytes(otherLayout))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LatencyHistogram.fromBytes(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
  // ---- censoring at a timeout's own point (recordCensored(atLeast)) ---------------------------

  /**
   * {@code recordCensored(atLeast)} lowers the censoring point to the lower edge of the bucket
   * holding {@code atLeast}, and every run time recorded at or above that edge, before or after,
   * becomes "at least the edge"; a timeout at or above the point leaves it where it is.
   */
  @Test
  void recordCensoredLowersThePointToItsBucketsLowerEdge() {
    LatencyHistogram h = new LatencyHistogram();
    long atLeast = 7_000_000;
    long edge = LatencyHistogram.lowerEdge(LatencyHistogram.bucketOf(atLeast));
    assertThat(edge).isLessThan(atLeast).isGreaterThan(6_900_000);
    long[] below = {500, 2_000_000, 5_000_000, edge - 1};
    long[] atOrAbove = {edge, edge + 1, atLeast, 9_999_999, 30_000_000};
    for (long v : below) {
      h.record(v);
    }
    for (long v : atOrAbove) {
      h.record(v);
    }
    assertThat(h.censored()).isZero();

    h.recordCensored(atLeast);
    assertThat(h.censorNanos()).isEqualTo(edge);
    assertThat(h.count()).isEqualTo(below.length + atOrAbove.length + 1);
    assertThat(h.censored()).isEqualTo(atOrAbove.length + 1);
    for (int rank = 1; rank <= below.length; rank++) {
      assertThat(h.bucketOfRank(rank))
          .isEqualTo(LatencyHistogram.bucketOf(below[rank - 1]));
    }
    // the highest uncensored run time's bucket ends at the point, and the next rank is censored
    assertThat(h.upperBoundOfRank(below.length)).isEqualTo((double) edge);
    assertThat(h.lowerBoundOfRank(below.length + 1)).isEqualTo((double) edge);
    assertThat(h.upperBoundOfRank(below.length + 1)).isInfinite();

    // afterwards: at or above the edge is censored, below it is not
    h.record(edge);
    h.record(edge - 1);
    assertThat(h.censored()).isEqualTo(atOrAbove.length + 2);
    assertThat(h.count()).isEqualTo(below.length + atOrAbove.length + 3);

    // a later timeout at or above the point changes nothing but the count
    h.recordCensored(50_000_000);
    h.recordCensored(edge);
    assertThat(h.censorNanos()).isEqualTo(edge);
    assertThat(h.censored()).isEqualTo(atOrAbove.length + 4);

    // a timeout below 1 us censors from 1 us: bucket 0 stays
    h.recordCensored(10);
    assertThat(h.censorNanos()).isEqualTo(LatencyHistogram.LOWEST_NANOS);
    assertThat(h.censored()).isEqualTo(h.count() - 1);
    assertThat(h.bucketOfRank(1)).isZero();

    // a timeout on an edge lowers the point to exactly that edge
    LatencyHistogram onEdge = new LatencyHistogram();
    onEdge.recordCensored(edge);
    assertThat(onEdge.censorNanos()).isEqualTo(edge);
    assertThat(onEdge.censored()).isEqualTo(1);
  }

  /**
   * The property: run times and timeouts (at many different points, so the shards end censored
   * at different edges), split at random into 1 to 8 shards, each fed in an order of its own, some
   * through the serial form, merged in a random order: byte-for-byte the histogram fed the union,
   * in any order.
   */
  @Test
  void mergingHistogramsCensoredAtDifferentEdgesEqualsTheUnionInAnyOrder() {
    int[] lowered = {0};
    qt().withExamples(300).withFixedSeed(53).forAll(longs().all()).checkAssert(seed -> {
      SplittableRandom r = new SplittableRandom(seed);
      int n = r.nextInt(4) == 0 ? r.nextInt(10) : r.nextInt(3_000);
      double timeouts = r.nextDouble(0, 0.1);
      List<long[]> ops = new ArrayList<>(); // {kind, nanos}: 0 record, 1 at least, 2 at the point
      for (int i = 0; i < n; i++) {
        double u = r.nextDouble();
        if (u < timeouts) {
          long atLeast = r.nextInt(3) == 0 ? r.nextLong(0, 2 * LatencyHistogram.HIGHEST_NANOS)
              : (long) Math.exp(Math.log(5e6) + r.nextGaussian());
          ops.add(new long[] {1, atLeast});
        } else if (u < timeouts + 0.005) {
          ops.add(new long[] {2, 0});
        } else {
          ops.add(new long[] {0, (long) Math.exp(Math.log(2e6) + 1.5 * r.nextGaussian())});
        }
      }
      LatencyHistogram union = feed(ops);
      List<long[]> shuffled = new ArrayList<>(ops);
      shuffle(shuffled, r);
      assertThat(feed(shuffled).toBytes()).as("order of arrival").isEqualTo(union.toBytes());

      int k = 1 + r.nextInt(8);
      List<List<long[]>> parts = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        parts.add(new ArrayList<>());
      }
      for (long[] op : ops) {
        parts.get(r.nextInt(k)).add(op);
      }
      List<LatencyHistogram> shards = new ArrayList<>();
      for (List<long[]> part : parts) {
        shuffle(part, r);
        LatencyHistogram shard = feed(part);
        shards.add(r.nextInt(3) == 0 ? LatencyHistogram.fromBytes(shard.toBytes()) : shard);
      }
      shuffle(shards, r);
      LatencyHistogram merged = r.nextBoolean() ? new LatencyHistogram() : shards.remove(0).copy();
      for (LatencyHistogram shard : shards) {
        byte[] before = shard.toBytes();
        merged.merge(shard);
        assertThat(shard.toBytes()).as("merge left its argument unchanged").isEqualTo(before);
      }
      assertThat(merged.toBytes()).isEqualTo(union.toBytes());
      assertThat(merged.count()).isEqualTo(n);
      assertThat(merged.censorNanos()).isEqualTo(union.censorNanos());
      lowered[0] += union.censorNanos() < LatencyHistogram.HIGHEST_NANOS ? 1 : 0;
    });
    assertThat(lowered[0]).as("scenarios censored below 1 h").isGreaterThan(150);
  }

  private static LatencyHistogram feed(List<long[]> ops) {
    LatencyHistogram h = new LatencyHistogram();
    for (long[] op : ops) {
      switch ((int) op[0]) {
        case 0 -> h.record(op[1]);
        case 1 -> h.recordCensored(op[1]);
        default -> h.recordCensored();
      }
    }
    return h;
  }

  private static <T> void shuffle(List<T> list, SplittableRandom r) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  /**
   * A censoring point set by the constructor that is not a bucket edge cannot be lowered to
   * another one without splitting a bucket: merging it with a histogram censored elsewhere
   * throws, either way round, whether the other point is the default, a constructor's or one
   * {@code recordCensored(atLeast)} reached. At the same point they merge.
   */
  @Test
  void mergingAtDifferentConstructorPointsStillThrows() {
    int i = LatencyHistogram.bucketOf(TIMEOUT);
    long offEdge = LatencyHistogram.lowerEdge(i) + 1;
    long otherOffEdge = LatencyHistogram.lowerEdge(i - 70) + 3;
    LatencyHistogram lowered = new LatencyHistogram();
    lowered.recordCensored(TIMEOUT / 4);
    List<LatencyHistogram> others = List.of(new LatencyHistogram(otherOffEdge),
        new LatencyHistogram(), lowered, new LatencyHistogram(LatencyHistogram.lowerEdge(i - 9)));
    for (LatencyHistogram other : others) {
      LatencyHistogram a = new LatencyHistogram(offEdge);
      a.record(TIMEOUT / 2);
      byte[] before = a.toBytes();
      assertThatThrownBy(() -> a.merge(other)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(String.valueOf(offEdge))
          .hasMessageContaining(String.valueOf(other.censorNanos()));
      assertThat(a.toBytes()).as("a refused merge changes nothing").isEqualTo(before);
      assertThatThrownBy(() -> other.copy().merge(a))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // constructor points that are edges merge at the lower one, as if a timeout had lowered it
    LatencyHistogram high = new LatencyHistogram(LatencyHistogram.lowerEdge(i));
    high.record(LatencyHistogram.lowerEdge(i - 3));
    high.record(LatencyHistogram.lowerEdge(i - 12));
    LatencyHistogram low = new LatencyHistogram(LatencyHistogram.lowerEdge(i - 9));
    low.record(1_000_000);
    high.merge(low);
    assertThat(high.censorNanos()).isEqualTo(LatencyHistogram.lowerEdge(i - 9));
    assertThat(high.censored()).isEqualTo(1);
    assertThat(high.count()).isEqualTo(3);

    LatencyHistogram same = new LatencyHistogram(offEdge);
    same.record(TIMEOUT);
    LatencyHistogram a = new LatencyHistogram(offEdge);
    a.merge(same);
    assertThat(a.censored()).isEqualTo(1);
    assertThat(a.censorNanos()).isEqualTo(offEdge);
  }
}
