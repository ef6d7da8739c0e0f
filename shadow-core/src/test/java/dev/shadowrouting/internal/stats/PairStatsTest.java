package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.VerdictRule;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link PairStats}: merging shards is exact (the state, and so the verdict, of one instance fed
 * the union, whatever the split and the order), the time grid coarsens to the smallest power of
 * two that fits, and the serial form round-trips and refuses what is not its own.
 */
class PairStatsTest {
  private static final long DAY = 86_400_000L;

  /** One pair as {@link PairStats#add} takes it. */
  record Obs(long t, boolean warmup, Outcome production, long productionNanos, Outcome candidate,
      long candidateNanos, int agreement, double productionLoss, double candidateLoss) {

    void into(PairStats s) {
      s.add(t, warmup, production, productionNanos, candidate, candidateNanos, agreement,
          productionLoss, candidateLoss);
    }

    /** Whether the pair enters the latency grid. */
    boolean timed() {
      return production != Outcome.REJECTED && candidate != Outcome.REJECTED
          && production != Outcome.ERROR && candidate != Outcome.ERROR && !warmup;
    }
  }

  /**
   * A random scenario: 0 to 3,000 pairs, every outcome on either side (REJECTED, ERROR and
   * TIMEOUT at rates of their own, timeouts at many different points so histograms are censored
   * at different points), agreement -1/0/1, losses labelled, unlabelled or half-labelled (one
   * NaN), warm-up pairs, timestamps over a span from 1 ms to 40 days around an origin that may be
   * negative, mostly increasing with some pairs out of order.
   */
  static List<Obs> scenario(SplittableRandom r) {
    int n = r.nextInt(5) == 0 ? r.nextInt(20) : r.nextInt(3_000);
    long origin = switch (r.nextInt(4)) {
      case 0 -> 1_796_292_930_000L; // 2026-12-03
      case 1 -> -3_650 * DAY; // 1960
      case 2 -> -r.nextLong(1, 1_000);
      default -> r.nextLong(-4_000_000_000_000L, 4_000_000_000_000L);
    };
    long span = (long) Math.exp(r.nextDouble(0, Math.log(40.0 * DAY)));
    double shift = new double[] {-0.2, 0, 0.05, 0.095, 0.4}[r.nextInt(5)];
    double errorRate = r.nextDouble(0, 0.1);
    double timeoutRate = r.nextDouble(0, 0.1);
    double rejectedRate = r.nextDouble(0, 0.05);
    double comparedRate = r.nextDouble();
    double mismatchRate = r.nextDouble(0, 0.05);
    double labelledRate = r.nextDouble();
    double warmupRate = r.nextInt(3) == 0 ? 0 : r.nextDouble(0, 0.2);
    List<Obs> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long t = origin + (long) (span * ((double) i / Math.max(1, n)));
      if (r.nextInt(10) == 0) {
        t -= r.nextLong(span / 5 + 1); // late arrival: out of order
      }
      long productionNanos = Math.round(1e6 * Math.exp(0.5 * r.nextGaussian()));
      if (r.nextInt(200) == 0) {
        productionNanos = r.nextInt(2_000); // around bucket 0
      }
      long candidateNanos =
          Math.round(productionNanos * Math.exp(shift + 0.3 * r.nextGaussian()));
      Outcome production = outcome(r, errorRate, timeoutRate, rejectedRate);
      Outcome candidate = outcome(r, errorRate * 1.5, timeoutRate * 1.5, rejectedRate);
      if (production == Outcome.TIMEOUT) {
        productionNanos = timeout(r);
      }
      if (candidate == Outcome.TIMEOUT) {
        candidateNanos = timeout(r);
      }
      int agreement = r.nextDouble() < comparedRate ? (r.nextDouble() < mismatchRate ? 0 : 1) : -1;
      double productionLoss = Double.NaN;
      double candidateLoss = Double.NaN;
      if (r.nextDouble() < labelledRate) {
        productionLoss = r.nextDouble() < 0.1 ? 1 : 0;
        candidateLoss = r.nextInt(20) == 0 ? Double.NaN : r.nextDouble() < 0.11 ? 1 : 0.25;
      }
      list.add(new Obs(t, r.nextDouble() < warmupRate, production, productionNanos, candidate,
          candidateNanos, agreement, productionLoss, candidateLoss));
    }
    return list;
  }

  private static Outcome outcome(SplittableRandom r, double error, double timeout,
      double rejected) {
    double u = r.nextDouble();
    if (u < error) {
      return Outcome.ERROR;
    }
    if (u < error + timeout) {
      return Outcome.TIMEOUT;
    }
    return u < error + timeout + rejected ? Outcome.REJECTED : Outcome.SUCCESS;
  }

  /** A timeout: one of a few usual ones, or anywhere from below 1 us to past 1 h. */
  private static long timeout(SplittableRandom r) {
    return switch (r.nextInt(4)) {
      case 0 -> 50_000_000L;
      case 1 -> 20_000_000L;
      case 2 -> r.nextLong(0, 200_000_000L);
      default -> (long) Math.exp(r.nextDouble(0, Math.log(2 * LatencyHistogram.HIGHEST_NANOS)));
    };
  }

  private static PairStats feed(List<Obs> observations) {
    PairStats s = new PairStats();
    observations.forEach(o -> o.into(s));
    return s;
  }

  private static final List<VerdictRule> RULES = List.of(VerdictRule.defaults(),
      VerdictRule.builder().maxLatencyIncrease(0.15).maxTailLatencyIncrease(0.6)
          .maxErrorRateIncrease(0.05).minAgreement(0.9).maxQualityDecrease(0.05).alpha(0.1)
          .build());

  /**
   * The property: split the pairs into 1 to 8 shards (at random, or into stretches of time), each
   * fed its pairs in an order of its own, some passed through the serial form, merged in a random
   * order into an empty state or into a copy of one shard: the state and the verdicts equal those
   * of one instance fed all the pairs in their original order. Merging leaves the argument
   * unchanged.
   */
  @Test
  void mergingShardsEqualsOneInstanceFedTheUnion() {
    EnumMap<Verdict, Integer> verdicts = new EnumMap<>(Verdict.class);
    int[] coarsened = {0};
    int[] censoredBelowTheDefault = {0};
    qt().withExamples(200).withFixedSeed(41).forAll(longs().all()).checkAssert(seed -> {
      SplittableRandom r = new SplittableRandom(seed);
      List<Obs> all = scenario(r);
      PairStats single = feed(all);

      int k = 1 + r.nextInt(8);
      List<List<Obs>> parts = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        parts.add(new ArrayList<>());
      }
      if (r.nextBoolean()) {
        for (Obs o : all) {
          parts.get(r.nextInt(k)).add(o);
        }
      } else {
        // by time: each shard a stretch of its own, narrower than the union's (so merging
        // must coarsen beyond every shard's width), at random cuts
        List<Obs> byTime = new ArrayList<>(all);
        byTime.sort(Comparator.comparingLong(Obs::t));
        long[] cuts = r.longs(k - 1, 0, byTime.size() + 1L).sorted().toArray();
        for (int i = 0, shard = 0; i < byTime.size(); i++) {
          while (shard < k - 1 && i >= cuts[shard]) {
            shard++;
          }
          parts.get(shard).add(byTime.get(i));
        }
      }
      List<PairStats> shards = new ArrayList<>();
      for (List<Obs> part : parts) {
        if (r.nextBoolean()) {
          shuffle(part, r);
        }
        PairStats shard = feed(part);
        shards.add(r.nextInt(3) == 0 ? PairStats.fromBytes(shard.toBytes()) : shard);
      }
      shuffle(shards, r);
      PairStats merged = r.nextBoolean() ? new PairStats() : shards.remove(0).copy();
      for (PairStats shard : shards) {
        byte[] before = shard.toBytes();
        merged.merge(shard);
        assertThat(shard.toBytes()).as("merge left its argument unchanged").isEqualTo(before);
      }

      assertSameState(merged, single);
      for (VerdictRule rule : RULES) {
        VerdictEngine engine = new VerdictEngine(rule);
        Evaluation expected = engine.evaluate(single);
        assertSameEvaluation(engine.evaluate(merged), expected);
        expected.checks().forEach(c -> verdicts.merge(c.verdict(), 1, Integer::sum));
      }
      coarsened[0] += single.bucketWidthMillis() > 1 ? 1 : 0;
      censoredBelowTheDefault[0] += single.candidateTail() != null
          && single.candidateTail().censorNanos() < LatencyHistogram.HIGHEST_NANOS ? 1 : 0;
    });
    System.out.printf("PairStats merge property: check verdicts %s, %d of 200 scenarios"
        + " coarsened, %d censored below 1 h%n", verdicts, coarsened[0],
        censoredBelowTheDefault[0]);
    // the property ran through what it is about
    assertThat(verdicts).containsKeys(Verdict.values());
    assertThat(coarsened[0]).isGreaterThan(50);
    assertThat(censoredBelowTheDefault[0]).isGreaterThan(50);
  }

  @Test
  void mergingWithAnEmptyStateChangesNothing() {
    PairStats full = feed(scenario(new SplittableRandom(7)));
    assertThat(full.latencyPairs()).isPositive();

    PairStats intoEmpty = new PairStats();
    intoEmpty.merge(full);
    assertSameState(intoEmpty, full);
    assertThat(intoEmpty.toBytes()).isEqualTo(full.toBytes());

    byte[] before = full.toBytes();
    PairStats empty = new PairStats();
    full.merge(empty);
    assertThat(full.toBytes()).isEqualTo(before);
    assertThat(empty.toBytes()).isEqualTo(new PairStats().toBytes());
    assertThat(empty.pairs()).isZero();
    assertThat(empty.candidateTail()).isNull();

    PairStats copy = full.copy();
    assertThat(copy.toBytes()).isEqualTo(before);
    copy.add(0, false, Outcome.SUCCESS, 1, Outcome.SUCCESS, 2, 1, 0, 0);
    assertThat(full.toBytes()).as("a copy is independent").isEqualTo(before);
  }

  static void assertSameState(PairStats actual, PairStats expected) {
    assertThat(actual.pairs()).isEqualTo(expected.pairs());
    assertThat(actual.candidateOnlyFailures()).isEqualTo(expected.candidateOnlyFailures());
    assertThat(actual.productionOnlyFailures()).isEqualTo(expected.productionOnlyFailures());
    assertThat(actual.candidateFailures()).isEqualTo(expected.candidateFailures());
    assertThat(actual.productionFailures()).isEqualTo(expected.productionFailures());
    assertThat(actual.compared()).isEqualTo(expected.compared());
    assertThat(actual.mismatches()).isEqualTo(expected.mismatches());
    assertThat(actual.labelled()).isEqualTo(expected.labelled());
    assertThat(actual.latencyPairs()).isEqualTo(expected.latencyPairs());
    assertThat(actual.warmupPairs()).isEqualTo(expected.warmupPairs());
    assertThat(actual.bucketWidthMillis()).isEqualTo(expected.bucketWidthMillis());
    assertThat(buckets(actual).keySet()).isEqualTo(buckets(expected).keySet());
    assertClose("loss mean", actual.lossDifferenceMean(), expected.lossDifferenceMean());
    assertClose("loss variance", actual.lossDifferenceVariance(),
        expected.lossDifferenceVariance());
    assertClose("latency mean", actual.latencyMean(), expected.latencyMean());
    assertClose("latency variance", actual.latencyVariance(), expected.latencyVariance());
    assertClose("long-run variance", actual.latencyLongRunVariance(),
        expected.latencyLongRunVariance());
    assertClose("warm-up mean", actual.warmupMean(), expected.warmupMean());
    assertSameHistogram(actual.candidateTail(), expected.candidateTail());
    assertSameHistogram(actual.productionTail(), expected.productionTail());
  }

  private static void assertSameHistogram(LatencyHistogram actual, LatencyHistogram expected) {
    if (expected == null) {
      assertThat(actual).isNull();
      return;
    }
    assertThat(actual.count()).isEqualTo(expected.count());
    assertThat(actual.censored()).isEqualTo(expected.censored());
    assertThat(actual.censorNanos()).isEqualTo(expected.censorNanos());
    assertThat(actual.toBytes()).isEqualTo(expected.toBytes());
    for (long rank = 1; rank <= expected.count(); rank += 1 + expected.count() / 50) {
      assertThat(actual.lowerBoundOfRank(rank)).isEqualTo(expected.lowerBoundOfRank(rank));
      assertThat(actual.upperBoundOfRank(rank)).isEqualTo(expected.upperBoundOfRank(rank));
    }
  }

  static void assertSameEvaluation(Evaluation actual, Evaluation expected) {
    assertThat(actual.verdict()).isEqualTo(expected.verdict());
    assertThat(actual.pairs()).isEqualTo(expected.pairs());
    assertThat(actual.checks()).hasSameSizeAs(expected.checks());
    for (int i = 0; i < expected.checks().size(); i++) {
      CheckResult a = actual.checks().get(i);
      CheckResult e = expected.checks().get(i);
      assertThat(a.name()).isEqualTo(e.name());
      assertThat(a.verdict()).as(e.reason()).isEqualTo(e.verdict());
      assertThat(a.n()).isEqualTo(e.n());
      assertClose(e.name() + " estimate", a.estimate(), e.estimate());
      assertClose(e.name() + " lower", a.lower(), e.lower());
      assertClose(e.name() + " upper", a.upper(), e.upper());
      assertThat(a.threshold()).isEqualTo(e.threshold());
      assertThat(a.confidence()).isEqualTo(e.confidence());
    }
  }

  /** Equal to 1e-9 relative (NaN to NaN, infinities exactly; near 0, to 1e-12 absolute). */
  static void assertClose(String what, double actual, double expected) {
    if (Double.isNaN(expected)) {
      assertThat(actual).as(what).isNaN();
      return;
    }
    if (Double.isInfinite(expected)) {
      assertThat(actual).as(what).isEqualTo(expected);
      return;
    }
    double tolerance = 1e-9 * Math.abs(expected) + 1e-12;
    assertThat(Math.abs(actual - expected)).as("%s: %s vs %s", what, actual, expected)
        .isLessThanOrEqualTo(tolerance);
  }

  private static <T> void shuffle(List<T> list, SplittableRandom r) {
    for (int i = list.size() - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      T t = list.get(i);
      list.set(i, list.get(j));
      list.set(j, t);
    }
  }

  // ---- the time grid -------------------------------------------------------------------------

  /** The smallest power of two of millis for which {@code [min, max]} spans at most 1,024. */
  static long smallestWidth(long min, long max) {
    long w = 1;
    while (Math.floorDiv(max, w) - Math.floorDiv(min, w) + 1 > PairStats.MAX_BUCKETS) {
      w <<= 1;
    }
    return w;
  }

  /**
   * The non-empty buckets of the grid (absolute index at the current width to pair count), read
   * from the documented serial form: magic, version, ten longs, four doubles, the number of
   * non-empty buckets, then per bucket its index (the first in full, then gaps as varints), its
   * count (varint) and its sum.
   */
  static TreeMap<Long, Long> buckets(PairStats s) {
    ByteBuffer in = ByteBuffer.wrap(s.toBytes());
    in.position(8 + LONGS * 8 + 4 * 8);
    int nonEmpty = in.getInt();
    TreeMap<Long, Long> buckets = new TreeMap<>();
    long index = 0;
    for (int i = 0; i < nonEmpty; i++) {
      index = i == 0 ? in.getLong() : index + varint(in);
      buckets.put(index, varint(in));
      in.getDouble();
    }
    return buckets;
  }

  private static long varint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
  }

  /**
   * After every pair: the width is the smallest power of two for which the span of the timed
   * pairs' timestamps fits in {@value PairStats#MAX_BUCKETS} buckets, the grid spans at most that
   * many, and each bucket holds exactly the pairs whose timestamp floor-divides to its index.
   * Timestamps jump from milliseconds apart to days apart, both ways, across epoch 0.
   */
  @Test
  void theGridCoarsensToTheSmallestWidthThatFits() {
    qt().withExamples(60).withFixedSeed(43).forAll(longs().all()).checkAssert(seed -> {
      SplittableRandom r = new SplittableRandom(seed);
      PairStats s = new PairStats();
      List<Long> timestamps = new ArrayList<>();
      long t = r.nextLong(-10 * DAY, 10 * DAY);
      int n = 1 + r.nextInt(400);
      for (int i = 0; i < n; i++) {
        long step = switch (r.nextInt(6)) {
          case 0 -> r.nextLong(0, 3);
          case 1 -> r.nextLong(0, 2_000);
          case 2 -> r.nextLong(0, 5 * DAY);
          case 3 -> -r.nextLong(0, 3 * DAY);
          default -> (long) Math.exp(r.nextDouble(0, Math.log(DAY)));
        };
        t += step;
        timestamps.add(t);
        s.add(t, false, Outcome.SUCCESS, 1_000_000, Outcome.SUCCESS, 1_100_000, -1, Double.NaN,
            Double.NaN);
        // a pair that is not timed moves nothing
        s.add(t + 400 * DAY, true, Outcome.SUCCESS, 1, Outcome.SUCCESS, 1, -1, Double.NaN,
            Double.NaN);
        s.add(t - 400 * DAY, false, Outcome.ERROR, 1, Outcome.SUCCESS, 1, -1, Double.NaN,
            Double.NaN);
        assertGridIs(s, timestamps);
      }
    });
  }

  private static void assertGridIs(PairStats s, List<Long> timestamps) {
    long min = timestamps.stream().mapToLong(Long::longValue).min().orElseThrow();
    long max = timestamps.stream().mapToLong(Long::longValue).max().orElseThrow();
    long w = smallestWidth(min, max);
    assertThat(s.bucketWidthMillis()).as("width for [%d, %d]", min, max).isEqualTo(w);
    TreeMap<Long, Long> expected = new TreeMap<>();
    for (long t : timestamps) {
      expected.merge(Math.floorDiv(t, w), 1L, Long::sum);
    }
    TreeMap<Long, Long> actual = buckets(s);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.lastKey() - actual.firstKey() + 1).isLessThanOrEqualTo(PairStats.MAX_BUCKETS);
  }

  /** The class comment's example: a week of traffic ends at 1,048,576 ms (17.5 min) buckets. */
  @Test
  void aWeekEndsAtSeventeenMinuteBuckets() {
    PairStats s = new PairStats();
    long start = 1_796_292_930_000L;
    for (long t = start; t <= start + 7 * DAY; t += 60_000) {
      s.add(t, false, Outcome.SUCCESS, 1_000_000, Outcome.SUCCESS, 1_000_000, -1, Double.NaN,
          Double.NaN);
      if (t == start) {
        assertThat(s.bucketWidthMillis()).isEqualTo(1);
      }
    }
    assertThat(s.bucketWidthMillis()).isEqualTo(1_048_576).isEqualTo(
        smallestWidth(start, start + 7 * DAY));
    assertThat(buckets(s).size()).isLessThanOrEqualTo(PairStats.MAX_BUCKETS);
  }

  // ---- serial form ---------------------------------------------------------------------------

  @Test
  void serialFormRoundTrips() {
    qt().withExamples(60).withFixedSeed(47).forAll(longs().all()).checkAssert(seed -> {
      PairStats s = feed(scenario(new SplittableRandom(seed)));
      byte[] bytes = s.toBytes();
      PairStats back = PairStats.fromBytes(bytes);
      assertThat(back.toBytes()).isEqualTo(bytes);
      assertSameState(back, s);
      // exactly, not only to 1e-9: the sums are written as they are
      assertThat(Double.compare(back.latencyMean(), s.latencyMean())).isZero();
      assertThat(Double.compare(back.latencyLongRunVariance(), s.latencyLongRunVariance()))
          .isZero();
      VerdictEngine engine = new VerdictEngine(VerdictRule.defaults());
      assertThat(engine.evaluate(back)).isEqualTo(engine.evaluate(s));
    });
    PairStats empty = PairStats.fromBytes(new PairStats().toBytes());
    assertThat(empty.pairs()).isZero();
    assertThat(empty.candidateTail()).isNull();
    assertThat(empty.bucketWidthMillis()).isEqualTo(1);
  }

  /** A state with every kind of count: pairs, failures, comparisons, labels, timed pairs. */
  private static byte[] richBytes() {
    PairStats s = new PairStats();
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 500; i++) {
      s.add(1_000L * i, i < 20, Outcome.SUCCESS, 1_000_000 + r.nextInt(1000),
          i % 50 == 0 ? Outcome.TIMEOUT : i % 70 == 0 ? Outcome.ERROR : Outcome.SUCCESS,
          1_100_000 + r.nextInt(1000), i % 3 - 1, i % 4 == 0 ? 0 : Double.NaN, i % 4 == 0 ? 1 : 0);
    }
    assertThat(s.compared()).isPositive();
    assertThat(s.mismatches()).isPositive();
    assertThat(s.labelled()).isPositive();
    assertThat(s.warmupPairs()).isPositive();
    return s.toBytes();
  }

  /** Offsets of the ten counts after magic and version. */
  // the serial form's longs after magic and version: four error counts, compared, mismatches,
  // three agreement differences, labelled, three unit loss differences, timed, warm-up, width
  private static final int NEITHER = 8;
  private static final int COMPARED = 8 + 4 * 8;
  private static final int MISMATCHES = 8 + 5 * 8;
  private static final int LABELLED = 8 + 9 * 8;
  private static final int UNIT_LOSS_ZERO = 8 + 11 * 8;
  private static final int LATENCY_PAIRS = 8 + 13 * 8;
  private static final int WARMUP_PAIRS = 8 + 14 * 8;
  private static final int WIDTH = 8 + 15 * 8;
  private static final int LONGS = 16;

  private static byte[] withLong(byte[] bytes, int offset, long value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).putLong(offset, value);
    return copy;
  }

  private static long longAt(byte[] bytes, int offset) {
    return ByteBuffer.wrap(bytes).getLong(offset);
  }

  @Test
  void fromBytesRejectsAnotherFormatAndVersion() {
    byte[] bytes = richBytes();
    assertThat(PairStats.fromBytes(bytes).toBytes()).isEqualTo(bytes);

    byte[] magic = bytes.clone();
    magic[0] ^= 0x01;
    assertThatThrownBy(() -> PairStats.fromBytes(magic))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not paired statistics");

    byte[] version = bytes.clone();
    ByteBuffer.wrap(version).putInt(4, 2);
    assertThatThrownBy(() -> PairStats.fromBytes(version))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
    ByteBuffer.wrap(version).putInt(4, 0);
    assertThatThrownBy(() -> PairStats.fromBytes(version))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 0");
  }

  /** Every strict prefix is refused as an IllegalArgumentException, and so is a byte more. */
  @Test
  void fromBytesRejectsTruncatedAndTrailingBytes() {
    byte[] bytes = richBytes();
    for (int length = 0; length < bytes.length; length++) {
      byte[] prefix = Arrays.copyOf(bytes, length);
      assertThatThrownBy(() -> PairStats.fromBytes(prefix)).as("%d of %d bytes", length,
          bytes.length).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> PairStats.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    byte[] empty = new PairStats().toBytes();
    assertThatThrownBy(() -> PairStats.fromBytes(Arrays.copyOf(empty, empty.length + 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
  }

  @Test
  void fromBytesRejectsInconsistentCounts() {
    byte[] bytes = richBytes();
    long compared = longAt(bytes, COMPARED);
    long pairs = 0;
    for (int i = 0; i < 4; i++) {
      pairs += longAt(bytes, NEITHER + 8 * i);
    }
    List<byte[]> inconsistent = List.of(
        withLong(bytes, NEITHER, -1), // a negative count
        withLong(bytes, MISMATCHES, compared + 1), // more mismatches than comparisons
        withLong(bytes, COMPARED, pairs + 1), // more comparisons than pairs
        // more -1/0/1 loss differences than labels
        withLong(bytes, UNIT_LOSS_ZERO, longAt(bytes, LABELLED) + 1),
        withLong(bytes, LATENCY_PAIRS, longAt(bytes, LATENCY_PAIRS) + 1), // not the buckets' sum
        withLong(bytes, WARMUP_PAIRS, pairs), // timed and warm-up pairs more than the pairs
        withLong(bytes, WIDTH, 3)); // not a power of two
    for (int i = 0; i < inconsistent.size(); i++) {
      byte[] b = inconsistent.get(i);
      assertThatIllegalArgumentException().as("case %d", i)
          .isThrownBy(() -> PairStats.fromBytes(b));
    }

    // latency histograms whose counts are not the timed pairs': one more candidate run time
    PairStats s = PairStats.fromBytes(bytes);
    byte[] candidate = s.candidateTail().toBytes();
    byte[] production = s.productionTail().toBytes();
    int tails = bytes.length - (4 + candidate.length + 4 + production.length);
    assertThat(ByteBuffer.wrap(bytes).getInt(tails)).isEqualTo(candidate.length);
    LatencyHistogram more = s.candidateTail().copy();
    more.record(5_000_000);
    byte[] moreBytes = more.toBytes();
    ByteBuffer forged = ByteBuffer.allocate(tails + 4 + moreBytes.length + 4 + production.length);
    forged.put(bytes, 0, tails).putInt(moreBytes.length).put(moreBytes)
        .putInt(production.length).put(production);
    assertThatThrownBy(() -> PairStats.fromBytes(forged.array()))
        .isInstanceOf(IllegalArgumentException.class);
    // and without them while there are timed pairs
    ByteBuffer none = ByteBuffer.allocate(tails + 8);
    none.put(bytes, 0, tails).putInt(0).putInt(0);
    assertThatThrownBy(() -> PairStats.fromBytes(none.array()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
