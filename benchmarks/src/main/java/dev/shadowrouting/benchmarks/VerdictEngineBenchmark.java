package dev.shadowrouting.benchmarks;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.PairedObservation;
import dev.shadowrouting.PairedStatistics;
import dev.shadowrouting.VerdictRule;
import dev.shadowrouting.internal.stats.PairStats;
import dev.shadowrouting.internal.stats.StatisticsCodec;
import java.time.Instant;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Issue 16: the verdict engine's costs, each against a baseline in the same run.
 *
 * <ul>
 *   <li>{@code pairStatsAdd}: {@code PairStats.add} of a typical pair (both succeeded, compared
 *       and agreed, no labels) at a fixed timestamp, what the live path will call on pool threads
 *       (aim: at most 100 ns, nothing allocated); {@code pairStatsAddClockAdvancing}: the same
 *       with a timestamp 10 ms later at every call, so the time grid keeps growing and coarsening.
 *       Baselines: {@code logRatio} (a Blackhole-consumed {@code Math.log} of the same run times'
 *       ratio: the least an add must compute) and {@code empty}.
 *   <li>{@code pairedStatisticsAdd}: the public path, {@code PairedObservation.builder()...build()}
 *       and {@code PairedStatistics.add}.
 *   <li>{@code evaluateSame}: {@code evaluate()} of the same state again (a dashboard re-reading
 *       it); {@code evaluateFresh}: of a state it has not seen (each call takes the next of 256
 *       states that continue the stream by 1 to 256 pairs: what a live test pays when pairs arrived
 *       since its last read). Sizes 1,000 / 100,000 / 10,000,000 pairs with every check enabled
 *       (1% failures per side, 0.5% mismatches, 10% of pairs labelled, 0.1% candidate timeouts).
 *       Each trial's setup evaluates the 256 states, and the first again after each, for 3 s
 *       before the warm-up iterations (the JIT needs that long on two shared cores).
 *   <li>{@code merge} of two 100,000-pair states; {@code toBytes} and {@code fromBytes} of one.
 * </ul>
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar VerdictEngineBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerdictEngineBenchmark {

  /** 2026-12-03T10:00:00Z: every generated stream starts here. */
  static final long T0 = 1_796_292_000_000L;

  /** A deterministic stream of paired observations, 500 pairs a second. */
  static final class Stream {
    private static final int TEMPLATES = 1 << 16;
    private static final long TIMEOUT_NANOS = 50_000_000L;
    private final Outcome[] production = new Outcome[TEMPLATES];
    private final long[] productionNanos = new long[TEMPLATES];
    private final Outcome[] candidate = new Outcome[TEMPLATES];
    private final long[] candidateNanos = new long[TEMPLATES];
    private final int[] agreement = new int[TEMPLATES];
    private final double[] productionLoss = new double[TEMPLATES];
    private final double[] candidateLoss = new double[TEMPLATES];
    private long next;

    Stream(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      for (int i = 0; i < TEMPLATES; i++) {
        long p = (long) (1e6 * Math.exp(0.3 * gaussian(r)));
        long c = (long) (p * Math.exp(0.05 + 0.2 * gaussian(r)));
        productionNanos[i] = p;
        production[i] = r.nextDouble() < 0.01 ? Outcome.ERROR : Outcome.SUCCESS;
        double u = r.nextDouble();
        if (u < 0.001) {
          candidate[i] = Outcome.TIMEOUT;
          candidateNanos[i] = TIMEOUT_NANOS;
        } else {
          candidate[i] = u < 0.011 ? Outcome.ERROR : Outcome.SUCCESS;
          candidateNanos[i] = Math.min(c, TIMEOUT_NANOS - 1);
        }
        agreement[i] = r.nextDouble() < 0.995 ? 1 : 0;
        if (r.nextDouble() < 0.1) {
          productionLoss[i] = r.nextDouble();
          candidateLoss[i] = productionLoss[i] + 0.1 * gaussian(r);
        } else {
          productionLoss[i] = Double.NaN;
          candidateLoss[i] = Double.NaN;
        }
      }
    }

    private static double gaussian(SplittableRandom r) {
      // Box-Muller, one of the pair
      return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    /** Adds the stream's next {@code count} pairs to {@code s}. */
    void feed(PairStats s, long count) {
      for (long k = 0; k < count; k++, next++) {
        int i = (int) (next & (TEMPLATES - 1));
        s.add(T0 + next * 2, false, production[i], productionNanos[i], candidate[i],
            candidateNanos[i], agreement[i], productionLoss[i], candidateLoss[i]);
      }
    }
  }

  /** Run times of typical pairs, cycled through by the add benchmarks and their baseline. */
  @State(Scope.Thread)
  public static class Adds {
    static final int MASK = 1023;
    final long[] production = new long[MASK + 1];
    final long[] candidate = new long[MASK + 1];
    int index;
    long clock = T0;
    final PairStats fixed = new PairStats();
    final PairStats advancing = new PairStats();
    final PairedStatistics statistics = PairedStatistics.create(VerdictRule.defaults());
    final Instant timestamp = Instant.ofEpochMilli(T0);

    @Setup(Level.Trial)
    public void setUp() {
      SplittableRandom r = new SplittableRandom(16);
      for (int i = 0; i <= MASK; i++) {
        production[i] = (long) (1e6 * Math.exp(0.3 * Stream.gaussian(r)));
        candidate[i] = (long) (production[i] * Math.exp(0.05 + 0.2 * Stream.gaussian(r)));
      }
    }

    int next() {
      return index = (index + 1) & MASK;
    }
  }

  @Benchmark
  public void empty() {}

  @Benchmark
  public void logRatio(Adds a, Blackhole bh) {
    int i = a.next();
    bh.consume(Math.log((double) a.candidate[i] / a.production[i]));
  }

  @Benchmark
  public void pairStatsAdd(Adds a) {
    int i = a.next();
    a.fixed.add(T0, false, Outcome.SUCCESS, a.production[i], Outcome.SUCCESS, a.candidate[i], 1,
        Double.NaN, Double.NaN);
  }

  @Benchmark
  public void pairStatsAddClockAdvancing(Adds a) {
    int i = a.next();
    a.advancing.add(a.clock += 10, false, Outcome.SUCCESS, a.production[i], Outcome.SUCCESS,
        a.candidate[i], 1, Double.NaN, Double.NaN);
  }

  @Benchmark
  public void pairedStatisticsAdd(Adds a) {
    int i = a.next();
    a.statistics.add(PairedObservation.builder()
        .production(Outcome.SUCCESS, a.production[i])
        .candidate(Outcome.SUCCESS, a.candidate[i])
        .agreement(true)
        .timestamp(a.timestamp)
        .build());
  }

  /** States of {@code pairs} pairs, and 256 continuations of each. */
  @State(Scope.Benchmark)
  public static class Sized {
    static final int FRESH = 256;

    @Param({"1000", "100000", "10000000"})
    public long pairs;

    PairedStatistics state;
    final PairedStatistics[] fresh = new PairedStatistics[FRESH];
    int index;

    @Setup(Level.Trial)
    public void setUp() {
      Stream stream = new Stream(3);
      PairStats s = new PairStats();
      stream.feed(s, pairs);
      state = PairedStatistics.fromBytes(wrap(s));
      state.evaluate(); // creates the engine, which the merged copies below share
      for (int k = 0; k < FRESH; k++) {
        PairStats more = new PairStats();
        stream.feed(more, 1); // each continuation is one pair longer than the one before
        PairedStatistics delta = PairedStatistics.fromBytes(wrap(more));
        state = state.merge(delta);
        fresh[k] = state;
      }
      state = fresh[0];
      // evaluate() is much code: on two shared cores C2 needs ~10 s of it to settle, more than
      // the short warm-up iterations, so the trial's setup runs it for 3 s first, on new states
      // and on the same one again (what each benchmark then measures)
      long until = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < until) {
        for (PairedStatistics p : fresh) {
          p.evaluate();
          state.evaluate();
        }
      }
    }

    PairedStatistics nextFresh() {
      index = (index + 1) & (FRESH - 1);
      return fresh[index];
    }
  }

  /** The public envelope around internal statistics, for the default rule and no warm-up. */
  static byte[] wrap(PairStats s) {
    return StatisticsCodec.encode(VerdictRule.defaults(), null, s);
  }

  @Benchmark
  public Evaluation evaluateSame(Sized s) {
    return s.state.evaluate();
  }

  @Benchmark
  public Evaluation evaluateFresh(Sized s) {
    return s.nextFresh().evaluate();
  }

  /** Two 100,000-pair states of the same test (consecutive halves of one stream) and bytes. */
  @State(Scope.Benchmark)
  public static class Shards {
    PairedStatistics first;
    PairedStatistics second;
    byte[] bytes;

    @Setup(Level.Trial)
    public void setUp() {
      Stream stream = new Stream(5);
      PairStats a = new PairStats();
      stream.feed(a, 100_000);
      PairStats b = new PairStats();
      stream.feed(b, 100_000);
      first = PairedStatistics.fromBytes(wrap(a));
      second = PairedStatistics.fromBytes(wrap(b));
      bytes = first.toBytes();
    }
  }

  @Benchmark
  public PairedStatistics merge(Shards s) {
    return s.first.merge(s.second);
  }

  @Benchmark
  public byte[] toBytes(Shards s) {
    return s.first.toBytes();
  }

  @Benchmark
  public PairedStatistics fromBytes(Shards s) {
    return PairedStatistics.fromBytes(s.bytes);
  }
}
