package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.Evaluation;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.PairedObservation;
import dev.shadowrouting.PairedStatistics;
import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.Verdict;
import dev.shadowrouting.VerdictRule;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Seeded simulations of the verdict engine ({@link VerdictEngine}, what {@link
 * PairedStatistics#evaluate()} runs) at the boundary of each check and at the decision sizes of
 * issue 16 (items 2, 3, 4 and 8). Pairs arrive at 100 a second (timestamps 10 ms apart) and the
 * verdict is read after <em>every</em> pair, as a dashboard refreshed continuously would.
 *
 * <h2>How a look is read quickly, and why it is the engine's verdict</h2>
 *
 * A run feeds a {@link PairStats} (the state behind {@link PairedStatistics}) and a {@link Watch}
 * reads one check after every pair. Calling {@link VerdictEngine#evaluate} at each of millions of
 * looks would take hours, so a watch first asks a cheap question that is <em>necessary</em> for
 * the check to FAIL (or PASS) at that look, and computes the check exactly as the engine does only
 * when it is:
 *
 * <ul>
 *   <li>latency: the engine's variance is {@code max(sample, long-run)}, at least the sample
 *       variance, so its lower bound is at most {@code mean - sqrt(s^2) b(n) / n}: if that is not
 *       above the threshold the check cannot FAIL (likewise for PASS);
 *   <li>errors and agreement: the betting mixture {@code M(x)} at the threshold x (a FAIL needs
 *       {@code M(x) >= 1/alpha}) grows only with observations above x and shrinks with the others,
 *       so over a block of looks it is at most its value on the block's start counts plus the
 *       block's observations above x; only a block where that bound reaches {@code 1/alpha} is
 *       read look by look (likewise for PASS, with the observations below x);
 *   <li>tail: the engine's ranks depend only on n and are computed once per n; the histograms are
 *       read at every look as {@link QuantileSequence#bounds} reads them.
 * </ul>
 *
 * The first run of every scenario is <em>verified</em>: the check is also computed exactly at
 * every look with no shortcut, the first FAIL and PASS must be the same, and {@code
 * VerdictEngine.evaluate} must give the same check verdict at every change of verdict and every
 * 250th look; one scenario also feeds {@link PairedStatistics} through its public API.
 *
 * <h2>Runs</h2>
 *
 * By default each scenario runs a number of replications sized for CI (the file takes well under a
 * minute); {@code -Dsim.runs=N} runs N of each for the table of {@code docs/verdict.md}:
 *
 * <pre>
 *   mvn -B -ntp -o -pl shadow-core test -Dtest=VerdictSimulationTest -Dsim.runs=2000
 * </pre>
 *
 * Every rate is printed with its binomial standard error, and asserted against its budget
 * plus two standard errors at the budget (see {@link #assertRate}); medians are asserted against
 * their targets as they are.
 */
class VerdictSimulationTest {
  /** {@code -Dsim.runs}: replications per scenario (0: each scenario's CI default). */
  private static final int RUNS = Integer.getInteger("sim.runs", 0);
  /** Runs of each scenario checked look by look against the engine. */
  private static final int VERIFIED_RUNS = 1;

  private static final VerdictRule DEFAULTS = VerdictRule.defaults();
  private static final double ALPHA = DEFAULTS.alpha();
  /** The FAIL side's budget per check: alpha / k, k = 5 enabled checks. */
  private static final double FAIL_BUDGET = ALPHA / DEFAULTS.checks().size();

  /** 2026-01-05T00:00:00Z: the first pair's timestamp. */
  private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
  /** 100 pairs a second. */
  private static final long STEP_MILLIS = 10;
  private static final double LN_500_US = Math.log(500_000);
  /** The latency log-ratio's sd (and production's ln run time sd). */
  private static final double SD = 0.3;
  private static final double LATENCY_THRESHOLD = Math.log1p(DEFAULTS.maxLatencyIncrease());

  private static int runs(int ciDefault) {
    return RUNS > 0 ? RUNS : ciDefault;
  }

  /**
   * A measured error rate against its budget: at most the budget plus two binomial standard
   * errors at the budget ({@code 2 sqrt(b (1 - b) / runs)}), a one-sided test at about 2.5% of
   * "the true rate is above the budget". A strict comparison would be a coin toss for any method
   * whose true rate is near its budget (a PASS side at its boundary over 20,000 pairs spends 4 to
   * 5% of its 5%, by design) and says nothing with 200 runs; the printed rates and the larger runs
   * of {@code docs/verdict.md} give the estimates themselves.
   */
  private static void assertRate(SoftAssertions softly, double rate, double budget, int runs,
      String what) {
    double allowance = 2 * Math.sqrt(budget * (1 - budget) / runs);
    softly.assertThat(rate).as("%s: budget %s + 2 SE %.4f", what, budget, allowance)
        .isLessThanOrEqualTo(budget + allowance);
  }

  // ---- traffic ---------------------------------------------------------------------------------

  /** One request as both sides saw it. */
  static final class Pair {
    Outcome production = Outcome.SUCCESS;
    long productionNanos;
    Outcome candidate = Outcome.SUCCESS;
    long candidateNanos;
    /** 1 agreed, 0 differed, -1 not compared. */
    int agreement = -1;

    void reset() {
      production = Outcome.SUCCESS;
      candidate = Outcome.SUCCESS;
      agreement = -1;
    }
  }

  /** A stream of pairs; one instance per run (AR(1) streams keep state). */
  interface Traffic {
    void next(SplittableRandom random, Pair pair);
  }

  /** A latency log-ratio {@code D = ln(candidate / production)}; one instance per run. */
  interface LogRatio {
    double next(SplittableRandom random);
  }

  /**
   * Production's run time lognormal around 500 us (sd 0.3), the candidate's {@code production *
   * exp(D)}: only D matters to the latency check.
   */
  static Supplier<Traffic> latency(Supplier<LogRatio> ratio) {
    return () -> {
      LogRatio d = ratio.get();
      return (random, pair) -> {
        double lnProduction = LN_500_US + SD * random.nextGaussian();
        pair.productionNanos = Math.round(Math.exp(lnProduction));
        pair.candidateNanos = Math.round(Math.exp(lnProduction + d.next(random)));
      };
    };
  }

  /** Stationary AR(1): mean {@code mean}, marginal sd {@code sd}, lag-one correlation phi. */
  static Supplier<LogRatio> ar1(double mean, double sd, double phi) {
    double innovation = sd * Math.sqrt(1 - phi * phi);
    return () ->
        new LogRatio() {
          double x = Double.NaN;

          @Override
          public double next(SplittableRandom random) {
            x = Double.isNaN(x) ? sd * random.nextGaussian()
                : phi * x + innovation * random.nextGaussian();
            return mean + x;
          }
        };
  }

  /**
   * Skewed: {@code mean + sign * sd * (exp(Z) - e^(1/2)) / sqrt((e - 1) e)}, a standardised
   * lognormal(sigma 1) (skewness 6.2, kurtosis 114) in the direction {@code sign}.
   */
  static Supplier<LogRatio> skewed(double mean, double sd, int sign) {
    double centre = Math.exp(0.5);
    double scale = Math.sqrt((Math.E - 1) * Math.E);
    return () -> random -> mean + sign * sd * (Math.exp(random.nextGaussian()) - centre) / scale;
  }

  /**
   * A normal body (sd {@code sd}) with a share {@code rate} of outliers at {@code +-size} (sign 0:
   * either way; else one way, the body shifted so the mean stays {@code mean}).
   */
  static Supplier<LogRatio> outliers(double mean, double sd, double rate, double size, int sign) {
    double body = mean - (sign == 0 ? 0 : rate * sign * size);
    return () -> random -> {
      if (random.nextDouble() < rate) {
        int s = sign != 0 ? sign : random.nextBoolean() ? 1 : -1;
        return body + s * size;
      }
      return body + sd * random.nextGaussian();
    };
  }

  /**
   * Both sides' run times lognormal around 500 us, ln sd 0.3 each, correlation 0.5 (so {@code D}
   * has sd 0.3 and the two marginals are the same); each side fails independently at its rate;
   * compared outputs mismatch at {@code mismatchRate}.
   */
  static Supplier<Traffic> identical(double productionErrors, double candidateErrors,
      double mismatchRate) {
    double rest = SD * Math.sqrt(0.75);
    return () -> (random, pair) -> {
      double zp = random.nextGaussian();
      pair.productionNanos = Math.round(Math.exp(LN_500_US + SD * zp));
      pair.candidateNanos =
          Math.round(Math.exp(LN_500_US + 0.5 * SD * zp + rest * random.nextGaussian()));
      pair.production = random.nextDouble() < productionErrors ? Outcome.ERROR : Outcome.SUCCESS;
      pair.candidate = random.nextDouble() < candidateErrors ? Outcome.ERROR : Outcome.SUCCESS;
      if (mismatchRate >= 0 && pair.production == Outcome.SUCCESS
          && pair.candidate == Outcome.SUCCESS) {
        pair.agreement = random.nextDouble() < mismatchRate ? 0 : 1;
      }
    };
  }

  // ---- runs ------------------------------------------------------------------------------------

  /** Reads one check after every pair (see the class comment). */
  interface Watch {
    /** After pair n, {@code pair} (already added to {@code s}). */
    void look(PairStats s, int n, Pair pair);

    /** After the last pair: finish any pending block. */
    default void finish(PairStats s, int n) {}

    /** The first pair after which the check was FAIL; 0 while never. */
    int firstFail();

    /** The first pair after which the check was PASS; 0 while never. */
    int firstPass();

    /** The check computed exactly, with no shortcut, from {@code s}. */
    Verdict exact(PairStats s);

    /** The check's name in an {@link Evaluation}. */
    String name();
  }

  /** When a run stops before its horizon. */
  enum Stop {
    /** At the first FAIL. */
    FAIL,
    /** At the first PASS. */
    PASS,
    /** When both a FAIL and a PASS were seen, else at the horizon. */
    BOTH
  }

  /** The first FAIL and the first PASS of every run; 0 for never (within the horizon). */
  record Result(String label, int horizon, int[] fails, int[] passes, double seconds) {
    int runs() {
      return fails.length;
    }

    double failRate() {
      return rate(fails, horizon);
    }

    double passRate() {
      return rate(passes, horizon);
    }

    /** Share of runs that FAILed by pair {@code n}. */
    double failRateBy(int n) {
      return rate(fails, n);
    }

    double passRateBy(int n) {
      return rate(passes, n);
    }

    double se(double rate) {
      return Math.sqrt(rate * (1 - rate) / runs());
    }

    /** Median pairs to FAIL over all runs; a run that never FAILed counts as never (-1 then). */
    int medianFail() {
      return median(fails);
    }

    int medianPass() {
      return median(passes);
    }

    private static double rate(int[] times, int by) {
      int k = 0;
      for (int t : times) {
        k += t > 0 && t <= by ? 1 : 0;
      }
      return (double) k / times.length;
    }

    private static int median(int[] times) {
      int[] sorted = Arrays.stream(times).map(t -> t > 0 ? t : Integer.MAX_VALUE).sorted()
          .toArray();
      int m = sorted[(sorted.length - 1) / 2];
      return m == Integer.MAX_VALUE ? -1 : m;
    }

    String rates() {
      return String.format(Locale.ROOT,
          "false FAIL %.4f +- %.4f (budget %.2f), false PASS %.4f +- %.4f (budget %.2f) [%.1f s]",
          failRate(), se(failRate()), FAIL_BUDGET, passRate(), se(passRate()), ALPHA, seconds);
    }
  }

  /**
   * Runs {@code runs} seeded streams of up to {@code horizon} pairs, reading the check of {@code
   * watch} after every pair; the first {@link #VERIFIED_RUNS} are verified against the engine (see
   * the class comment).
   */
  static Result simulate(String label, VerdictRule rule, Supplier<Traffic> traffic,
      Supplier<Watch> watch, int runs, int horizon, long seed, Stop stop) {
    long started = System.nanoTime();
    VerdictEngine engine = new VerdictEngine(rule);
    SplittableRandom root = new SplittableRandom(seed);
    int[] fails = new int[runs];
    int[] passes = new int[runs];
    Pair pair = new Pair();
    for (int r = 0; r < runs; r++) {
      SplittableRandom random = root.split();
      Traffic stream = traffic.get();
      Watch w = watch.get();
      boolean verified = r < VERIFIED_RUNS;
      PairStats s = new PairStats();
      int exactFail = 0;
      int exactPass = 0;
      Verdict previous = Verdict.INCONCLUSIVE;
      int n = 0;
      while (n < horizon) {
        pair.reset();
        stream.next(random, pair);
        n++;
        s.add(T0 + n * STEP_MILLIS, false, pair.production, pair.productionNanos, pair.candidate,
            pair.candidateNanos, pair.agreement, Double.NaN, Double.NaN);
        w.look(s, n, pair);
        if (verified) {
          Verdict v = w.exact(s);
          exactFail = exactFail == 0 && v == Verdict.FAIL ? n : exactFail;
          exactPass = exactPass == 0 && v == Verdict.PASS ? n : exactPass;
          if (v != previous || n % 250 == 0) {
            CheckResult c = engine.evaluate(s).check(w.name()).orElseThrow();
            assertThat(c.verdict()).as("%s, run %d, pair %d: %s", label, r, n, c.reason())
                .isEqualTo(v);
          }
          previous = v;
        } else if (stop == Stop.FAIL && w.firstFail() > 0
            || stop == Stop.PASS && w.firstPass() > 0
            || stop == Stop.BOTH && w.firstFail() > 0 && w.firstPass() > 0) {
          break;
        }
      }
      w.finish(s, n);
      if (verified) {
        assertThat(w.firstFail()).as("%s, run %d: first FAIL", label, r).isEqualTo(exactFail);
        assertThat(w.firstPass()).as("%s, run %d: first PASS", label, r).isEqualTo(exactPass);
      }
      fails[r] = w.firstFail();
      passes[r] = w.firstPass();
    }
    return new Result(label, horizon, fails, passes, (System.nanoTime() - started) / 1e9);
  }

  private static Verdict verdict(double lower, double upper, double threshold) {
    if (lower > threshold) {
      return Verdict.FAIL;
    }
    return upper < threshold ? Verdict.PASS : Verdict.INCONCLUSIVE;
  }

  // ---- the latency watch -----------------------------------------------------------------------

  /** {@code b(n)} of a sequence for n up to a horizon, computed once per (sequence, horizon). */
  private static final ConcurrentHashMap<String, double[]> BOUNDS = new ConcurrentHashMap<>();

  private static double[] bounds(OneSidedNormalMixture m, int horizon) {
    return BOUNDS.computeIfAbsent(m.rho() + "/" + m.alpha() + "/" + horizon, key -> {
      double[] b = new double[horizon + 1];
      for (int n = 1; n <= horizon; n++) {
        b[n] = m.boundOnSum(n);
      }
      return b;
    });
  }

  /** The latency check: the engine's lower and upper sequences on the mean log-ratio. */
  static Supplier<Watch> latencyWatch(VerdictRule rule, int horizon) {
    double failAlpha = rule.alpha() / rule.checks().size();
    OneSidedNormalMixture fail =
        OneSidedNormalMixture.tunedFor(VerdictEngine.LATENCY_TUNING, failAlpha);
    OneSidedNormalMixture pass =
        OneSidedNormalMixture.tunedFor(VerdictEngine.LATENCY_TUNING, rule.alpha());
    double[] bFail = bounds(fail, horizon);
    double[] bPass = bounds(pass, horizon);
    double threshold = Math.log1p(rule.maxLatencyIncrease());
    return () -> new Watch() {
      int firstFail;
      int firstPass;
      double sum;
      double sumSq;

      @Override
      public void look(PairStats s, int n, Pair pair) {
        if (pair.production == Outcome.ERROR || pair.candidate == Outcome.ERROR) {
          return; // as PairStats: no latency pair
        }
        // D exactly as PairStats computes it
        double d = Math.log(Math.max(1L, pair.candidateNanos))
            - Math.log(Math.max(1L, pair.productionNanos));
        sum += d;
        sumSq += d * d;
        long pairs = s.latencyPairs();
        if (pairs < VerdictRule.LATENCY_FLOOR || firstFail > 0 && firstPass > 0) {
          return;
        }
        double mean = sum / pairs;
        // the sample sd: the engine's sd is at least this; margins against summation order
        double sd = Math.sqrt(Math.max(0, (sumSq - pairs * mean * mean) / (pairs - 1)))
            * (1 - 1e-9);
        double slack = 1e-12 * (1 + Math.abs(mean));
        boolean mayFail =
            firstFail == 0 && mean - sd * bFail[(int) pairs] / pairs > threshold - slack;
        boolean mayPass =
            firstPass == 0 && mean + sd * bPass[(int) pairs] / pairs < threshold + slack;
        if (mayFail || mayPass) {
          Verdict v = exact(s);
          firstFail = firstFail == 0 && v == Verdict.FAIL ? n : firstFail;
          firstPass = firstPass == 0 && v == Verdict.PASS ? n : firstPass;
        }
      }

      @Override
      public Verdict exact(PairStats s) {
        long pairs = s.latencyPairs();
        if (pairs < VerdictRule.LATENCY_FLOOR) {
          return Verdict.INCONCLUSIVE;
        }
        double mean = s.latencyMean();
        double sd = Math.sqrt(VerdictEngine.latencyVariance(s));
        // OneSidedNormalMixture.halfWidth: sqrt(variance) b(n) / n, b(n) from the table
        return verdict(mean - sd * bFail[(int) pairs] / pairs,
            mean + sd * bPass[(int) pairs] / pairs, threshold);
      }

      @Override
      public int firstFail() {
        return firstFail;
      }

      @Override
      public int firstPass() {
        return firstPass;
      }

      @Override
      public String name() {
        return VerdictEngine.LATENCY;
      }
    };
  }

  // ---- the bounded watches (errors, agreement) -------------------------------------------------

  /** Reads the counts a bounded check uses from the statistics. */
  interface Counts {
    /** Fills {@code into} (one count per support value); false while the check has no data. */
    boolean read(PairStats s, long[] into);
  }

  private static final double[] DIFFERENCE = {-1, 0, 1};
  private static final double[] INDICATOR = {0, 1};

  /** The errors check: the paired difference in {-1, 0, 1} against maxErrorRateIncrease. */
  static Supplier<Watch> errorsWatch(VerdictRule rule) {
    return boundedWatch(rule, VerdictEngine.ERRORS, DIFFERENCE, rule.maxErrorRateIncrease(),
        (s, c) -> {
          long n = s.pairs();
          c[0] = s.productionOnlyFailures();
          c[1] = n - s.productionOnlyFailures() - s.candidateOnlyFailures();
          c[2] = s.candidateOnlyFailures();
          return n > 0;
        });
  }

  /** The agreement check: the mismatch indicator against 1 - minAgreement. */
  static Supplier<Watch> agreementWatch(VerdictRule rule) {
    return boundedWatch(rule, VerdictEngine.AGREEMENT, INDICATOR, 1 - rule.minAgreement(),
        (s, c) -> {
          c[0] = s.compared() - s.mismatches();
          c[1] = s.mismatches();
          return s.compared() > 0;
        });
  }

  /** Looks per block of the bounded watches. */
  private static final int BLOCK = 32;

  private static Supplier<Watch> boundedWatch(VerdictRule rule, String name, double[] support,
      double threshold, Counts counts) {
    double failAlpha = rule.alpha() / rule.checks().size();
    BoundedMeanSequence fail =
        BoundedMeanSequence.of(support, failAlpha, VerdictEngine.BOUNDED_TUNING);
    BoundedMeanSequence pass =
        BoundedMeanSequence.of(support, rule.alpha(), VerdictEngine.BOUNDED_TUNING);
    int k = support.length;
    return () -> new Watch() {
      int firstFail;
      int firstPass;
      final long[] start = new long[k];
      final long[][] block = new long[BLOCK][k];
      final int[] blockN = new int[BLOCK];
      int size;
      final long[] bound = new long[k];
      final long[] now = new long[k];

      @Override
      public void look(PairStats s, int n, Pair pair) {
        if (!counts.read(s, now)) {
          return;
        }
        System.arraycopy(now, 0, block[size], 0, k);
        blockN[size++] = n;
        if (size == BLOCK) {
          flush();
        }
      }

      @Override
      public void finish(PairStats s, int n) {
        flush();
      }

      /** Reads the pending block: look by look only where the block's bound allows a decision. */
      private void flush() {
        if (size == 0) {
          return;
        }
        long[] end = block[size - 1];
        if (firstFail == 0) {
          // evidence against "mean <= x" grows only with values above x
          for (int j = 0; j < k; j++) {
            bound[j] = support[j] > threshold ? end[j] : start[j];
          }
          if (fail.rejectsAtMost(bound, threshold)) {
            for (int i = 0; i < size && firstFail == 0; i++) {
              if (fails(block[i])) {
                firstFail = blockN[i];
              }
            }
          }
        }
        if (firstPass == 0) {
          for (int j = 0; j < k; j++) {
            bound[j] = support[j] < threshold ? end[j] : start[j];
          }
          if (pass.rejectsAtLeast(bound, threshold)) {
            for (int i = 0; i < size && firstPass == 0; i++) {
              if (!fails(block[i]) && passes(block[i])) {
                firstPass = blockN[i];
              }
            }
          }
        }
        System.arraycopy(end, 0, start, 0, k);
        size = 0;
      }

      /** The engine's FAIL: lower bound above x (which needs M(x) >= 1/alpha). */
      private boolean fails(long[] c) {
        return fail.rejectsAtMost(c, threshold) && fail.lowerBound(c) > threshold;
      }

      /** The engine's PASS (when not FAIL): upper bound below x. */
      private boolean passes(long[] c) {
        return pass.rejectsAtLeast(c, threshold) && pass.upperBound(c) < threshold;
      }

      /**
       * The engine's verdict at every look (no blocks). The bounds are searched only where the
       * mixture at x crosses 1/alpha: a bound beyond x needs that (the class comment), and the
       * engine's own result is compared at sampled looks.
       */
      @Override
      public Verdict exact(PairStats s) {
        long[] c = new long[k];
        if (!counts.read(s, c)) {
          return Verdict.INCONCLUSIVE;
        }
        return fails(c) ? Verdict.FAIL : passes(c) ? Verdict.PASS : Verdict.INCONCLUSIVE;
      }

      @Override
      public int firstFail() {
        return firstFail;
      }

      @Override
      public int firstPass() {
        return firstPass;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }

  // ---- the tail watch --------------------------------------------------------------------------

  private static final ConcurrentHashMap<String, long[][]> RANKS = new ConcurrentHashMap<>();

  /** {@code [0][n] = l_n}, {@code [1][n] = u_n} of {@code sequence} for n up to the horizon. */
  private static long[][] ranks(QuantileSequence sequence, int horizon) {
    return RANKS.computeIfAbsent(sequence + "/" + horizon, key -> {
      long[][] ranks = new long[2][horizon + 1];
      for (int n = 0; n <= horizon; n++) {
        ranks[0][n] = sequence.lowerRank(n);
        ranks[1][n] = sequence.upperRank(n);
      }
      return ranks;
    });
  }

  /** The tail check: {@link QuantileRatio} at alpha / k for FAIL and alpha for PASS. */
  static Supplier<Watch> tailWatch(VerdictRule rule, int horizon) {
    double failAlpha = rule.alpha() / rule.checks().size();
    double q = rule.tailQuantile();
    double max = 1 + rule.maxTailLatencyIncrease();
    QuantileRatio fail =
        QuantileRatio.of(q, rule.maxTailLatencyIncrease(), failAlpha, VerdictEngine.TAIL_TUNING);
    QuantileRatio pass =
        QuantileRatio.of(q, rule.maxTailLatencyIncrease(), rule.alpha(), VerdictEngine.TAIL_TUNING);
    long[][] failRanks = ranks(fail.perSide(), horizon);
    long[][] passRanks = ranks(pass.perSide(), horizon);
    return () -> new Watch() {
      int firstFail;
      int firstPass;

      @Override
      public void look(PairStats s, int n, Pair pair) {
        LatencyHistogram c = s.candidateTail();
        if (c == null) {
          return;
        }
        LatencyHistogram p = s.productionTail();
        int pairs = (int) c.count();
        boolean failed = false;
        if (firstFail == 0 && failRanks[1][pairs] <= pairs) {
          double lower = c.lowerBoundOfRank(failRanks[0][pairs])
              / p.upperBoundOfRank(failRanks[1][pairs]);
          failed = lower > max;
          firstFail = failed ? n : 0;
        }
        if (firstPass == 0 && !failed && passRanks[1][pairs] <= pairs) {
          double upper = c.upperBoundOfRank(passRanks[1][pairs])
              / p.lowerBoundOfRank(passRanks[0][pairs]);
          firstPass = upper < max ? n : 0;
        }
      }

      @Override
      public Verdict exact(PairStats s) {
        LatencyHistogram c = s.candidateTail();
        if (c == null) {
          return Verdict.INCONCLUSIVE;
        }
        LatencyHistogram p = s.productionTail();
        return verdict(fail.ratio(c, p).lower(), pass.ratio(c, p).upper(), max);
      }

      @Override
      public int firstFail() {
        return firstFail;
      }

      @Override
      public int firstPass() {
        return firstPass;
      }

      @Override
      public String name() {
        return VerdictEngine.TAIL;
      }
    };
  }

  // ---- printing --------------------------------------------------------------------------------

  private static void print(String format, Object... args) {
    System.out.printf(Locale.ROOT, "[sim] " + format + "%n", args);
  }

  private static String pairs(int median) {
    return median < 0 ? "never (within the horizon)" : String.format(Locale.ROOT, "%,d", median);
  }

  // ---- (1) latency at its boundary -------------------------------------------------------------

  /** Pairs read per run in the boundary scenarios. */
  private static final int BOUNDARY_HORIZON = 20_000;

  /**
   * Issue 16 item 2: the latency mean exactly at its threshold ({@code ln 1.1}), log-ratio sd 0.3,
   * AR(1) serial correlation phi in {0, 0.3, 0.6, 0.8}, read after every pair up to 20,000 pairs:
   * false FAIL at most alpha / k, false PASS at most alpha. (The old engine, with the sample
   * variance: 5.6% false FAIL at phi 0.3 and 24.8% at phi 0.6, against its 1.67%.)
   */
  @Test
  void latencyAtItsBoundaryUnderSerialCorrelation() {
    SoftAssertions softly = new SoftAssertions();
    Supplier<Watch> watch = latencyWatch(DEFAULTS, BOUNDARY_HORIZON);
    double[] phis = {0, 0.3, 0.6, 0.8};
    for (int i = 0; i < phis.length; i++) {
      double phi = phis[i];
      Result r = simulate("latency boundary phi " + phi, DEFAULTS,
          latency(ar1(LATENCY_THRESHOLD, SD, phi)), watch, runs(200), BOUNDARY_HORIZON, 100 + i,
          Stop.BOTH);
      printBoundary(r, String.format(Locale.ROOT, "AR(1) phi %.1f", phi));
      assertRate(softly, r.failRate(), FAIL_BUDGET, r.runs(), "false FAIL, phi " + phi);
      assertRate(softly, r.passRate(), ALPHA, r.runs(), "false PASS, phi " + phi);
    }
    softly.assertAll();
  }

  /**
   * Issue 16 item 2, the shape of the log-ratio: wide (each side's run time lognormal sigma 1,
   * independent), skewed either way (a standardised lognormal sigma 1, skewness 6.2, scaled to sd
   * 0.3) and outliers (1% of pairs at +-3 in ln: x20 or /20), the mean exactly {@code ln 1.1}.
   * One-sided outliers are the hard case for the side they hide from: rare fast pairs (-3) make
   * the first few hundred look slower than they are (false FAIL), rare slow ones (+3) faster (false
   * PASS).
   */
  @Test
  void latencyAtItsBoundaryWithHeavyTailsAndOutliers() {
    SoftAssertions softly = new SoftAssertions();
    Supplier<Watch> watch = latencyWatch(DEFAULTS, BOUNDARY_HORIZON);
    double lnSd = 1;
    Supplier<Traffic> wide = () -> (random, pair) -> {
      pair.productionNanos = Math.round(Math.exp(LN_500_US + lnSd * random.nextGaussian()));
      pair.candidateNanos = Math.round(
          Math.exp(LN_500_US + LATENCY_THRESHOLD + lnSd * random.nextGaussian()));
    };
    record Shape(String name, Supplier<Traffic> traffic) {}
    Shape[] shapes = {
      new Shape("run times lognormal sigma 1 (D sd 1.41)", wide),
      new Shape("skewed right (slow tail)", latency(skewed(LATENCY_THRESHOLD, SD, 1))),
      new Shape("skewed left (fast tail)", latency(skewed(LATENCY_THRESHOLD, SD, -1))),
      new Shape("1% outliers at +-3", latency(outliers(LATENCY_THRESHOLD, SD, 0.01, 3, 0))),
      new Shape("1% outliers at -3", latency(outliers(LATENCY_THRESHOLD, SD, 0.01, 3, -1))),
      new Shape("1% outliers at +3", latency(outliers(LATENCY_THRESHOLD, SD, 0.01, 3, 1))),
    };
    for (int i = 0; i < shapes.length; i++) {
      Result r = simulate("latency boundary " + shapes[i].name(), DEFAULTS, shapes[i].traffic(),
          watch, runs(150), BOUNDARY_HORIZON, 200 + i, Stop.BOTH);
      printBoundary(r, shapes[i].name());
      String name = shapes[i].name();
      assertRate(softly, r.failRate(), FAIL_BUDGET, r.runs(), "false FAIL, " + name);
      assertRate(softly, r.passRate(), ALPHA, r.runs(), "false PASS, " + name);
    }
    softly.assertAll();
  }

  /**
   * Small n: the first 1,000 pairs only (the floor is {@value VerdictRule#LATENCY_FLOOR}), many
   * runs, for the cases where the first decisions are the least reliable: strong serial
   * correlation and a skewed log-ratio.
   */
  @Test
  void latencyAtItsBoundaryAtSmallN() {
    SoftAssertions softly = new SoftAssertions();
    int horizon = 1000;
    Supplier<Watch> watch = latencyWatch(DEFAULTS, horizon);
    record Shape(String name, Supplier<Traffic> traffic) {}
    Shape[] shapes = {
      new Shape("AR(1) phi 0.0", latency(ar1(LATENCY_THRESHOLD, SD, 0))),
      new Shape("AR(1) phi 0.8", latency(ar1(LATENCY_THRESHOLD, SD, 0.8))),
      new Shape("skewed left (fast tail)", latency(skewed(LATENCY_THRESHOLD, SD, -1))),
      new Shape("skewed right (slow tail)", latency(skewed(LATENCY_THRESHOLD, SD, 1))),
    };
    for (int i = 0; i < shapes.length; i++) {
      Result r = simulate("latency small n " + shapes[i].name(), DEFAULTS, shapes[i].traffic(),
          watch, runs(1000), horizon, 300 + i, Stop.BOTH);
      print("latency at its boundary, small n, %s, %,d runs x %,d pairs: %s", shapes[i].name(),
          r.runs(), horizon, r.rates());
      String name = shapes[i].name();
      assertRate(softly, r.failRate(), FAIL_BUDGET, r.runs(), "false FAIL, " + name);
      assertRate(softly, r.passRate(), ALPHA, r.runs(), "false PASS, " + name);
    }
    softly.assertAll();
  }

  private static void printBoundary(Result r, String what) {
    print("latency at its boundary (x1.10), %s, %,d runs x %,d pairs: %s; by 300 pairs FAIL %.4f"
            + " PASS %.4f, by 2,000 FAIL %.4f PASS %.4f",
        what, r.runs(), r.horizon(), r.rates(), r.failRateBy(300), r.passRateBy(300),
        r.failRateBy(2000), r.passRateBy(2000));
  }

  // ---- (2) decision sizes ----------------------------------------------------------------------

  /**
   * Issue 16 item 3: with the defaults the latency check FAILs a 20%-slower candidate and PASSes
   * an identical one at a median of at most 400 pairs (log-ratio sd 0.3, independent pairs); the
   * same under serial correlation is printed (no target).
   */
  @Test
  void latencyDecidesWithinFourHundredPairs() {
    SoftAssertions softly = new SoftAssertions();
    int horizon = BOUNDARY_HORIZON;
    Supplier<Watch> watch = latencyWatch(DEFAULTS, horizon);
    int target = 400;
    double[] phis = {0, 0.3, 0.6, 0.8};
    for (int i = 0; i < phis.length; i++) {
      double phi = phis[i];
      int runs = runs(phi == 0 ? 500 : 50);
      Result slow = simulate("x1.2 phi " + phi, DEFAULTS, latency(ar1(Math.log(1.2), SD, phi)),
          watch, runs, horizon, 400 + i, Stop.FAIL);
      Result same = simulate("x1.0 phi " + phi, DEFAULTS, latency(ar1(0, SD, phi)), watch, runs,
          horizon, 410 + i, Stop.PASS);
      print("latency, AR(1) phi %.1f, %,d runs: x1.20 FAILs at a median of %s pairs (PASSed in"
              + " %.4f); x1.00 PASSes at a median of %s pairs (FAILed in %.4f)%s",
          phi, runs, pairs(slow.medianFail()), slow.passRate(), pairs(same.medianPass()),
          same.failRate(), phi == 0 ? " (target " + target + ")" : "");
      if (phi == 0) {
        softly.assertThat(slow.medianFail()).isPositive().isLessThanOrEqualTo(target);
        softly.assertThat(same.medianPass()).isPositive().isLessThanOrEqualTo(target);
      }
      softly.assertThat(slow.passRate()).isZero();
      softly.assertThat(same.failRate()).isZero();
    }
    softly.assertAll();
  }

  /**
   * Issue 16 item 3: the errors check PASSes 1% vs 1% errors (independent) against
   * maxErrorRateIncrease 0.01 at a median of at most 2,000 pairs; the agreement check PASSes 0.3%
   * mismatches against minAgreement 0.99 at a median of at most 1,500 pairs.
   */
  @Test
  void errorsAndAgreementPassWithinTheirTargets() {
    SoftAssertions softly = new SoftAssertions();
    int horizon = 10_000;
    VerdictRule onePoint = DEFAULTS.toBuilder().maxErrorRateIncrease(0.01).build();
    Result errors = simulate("errors 1% vs 1% at +1 pt", onePoint, identical(0.01, 0.01, -1),
        errorsWatch(onePoint), runs(500), horizon, 500, Stop.PASS);
    print("errors, 1%% vs 1%% (independent), maxErrorRateIncrease 0.01, %,d runs: PASS at a median"
            + " of %s pairs (target 2,000); FAILed in %.4f",
        errors.runs(), pairs(errors.medianPass()), errors.failRate());
    softly.assertThat(errors.medianPass()).isPositive().isLessThanOrEqualTo(2000);
    softly.assertThat(errors.failRate()).isZero();

    Result agreement = simulate("agreement 0.3% mismatches", DEFAULTS,
        identical(0.01, 0.01, 0.003), agreementWatch(DEFAULTS), runs(500), horizon, 501,
        Stop.PASS);
    print("agreement, 0.3%% mismatches vs minAgreement 0.99 (1%% vs 1%% errors, failed pairs not"
            + " compared), %,d runs: PASS at a median of %s pairs (target 1,500); FAILed in %.4f",
        agreement.runs(), pairs(agreement.medianPass()), agreement.failRate());
    softly.assertThat(agreement.medianPass()).isPositive().isLessThanOrEqualTo(1500);
    softly.assertThat(agreement.failRate()).isZero();
    softly.assertAll();
  }

  /**
   * Issue 16 item 3, tail: with 2% of the candidate's requests 10x slower (body lognormal sigma
   * 0.3, the rest of the candidate's run times production's on the same request) the tail check
   * FAILs at a median of at most 5,000 pairs; an identical candidate (drawn independently of
   * production, the harder case) is falsely FAILed in at most alpha / k of the runs; at the
   * boundary (p99 exactly x1.25) false FAIL at most alpha / k and false PASS at most alpha.
   */
  @Test
  void tailFailsTwoPercentTenTimesSlowerAndHoldsItsBudget() {
    SoftAssertions softly = new SoftAssertions();
    int horizon = BOUNDARY_HORIZON;
    Supplier<Watch> watch = tailWatch(DEFAULTS, horizon);
    Supplier<Traffic> slowTwoPercent = () -> (random, pair) -> {
      long x = lognormal(random, SD);
      pair.productionNanos = x;
      pair.candidateNanos = random.nextDouble() < 0.02 ? 10 * x : x;
    };
    Result slow = simulate("tail 2% x10", DEFAULTS, slowTwoPercent, watch, runs(300), horizon,
        600, Stop.FAIL);
    print("tail (p99, max x1.25), 2%% of candidate requests x10 (body sigma 0.3, true p99 ratio"
            + " ~x5), %,d runs: FAIL at a median of %s pairs (target 5,000), by 5,000 in %.4f;"
            + " PASSed in %.4f",
        slow.runs(), pairs(slow.medianFail()), slow.failRateBy(5000), slow.passRate());
    softly.assertThat(slow.medianFail()).isPositive().isLessThanOrEqualTo(5000);
    softly.assertThat(slow.passRate()).isZero();

    Supplier<Traffic> same = () -> (random, pair) -> {
      pair.productionNanos = lognormal(random, SD);
      pair.candidateNanos = lognormal(random, SD);
    };
    // p99 exactly x1.25: every request x1.25, or a heavier tail with the same median
    double heavier = SD + Math.log(1.25) / 2.3263478740408408;
    Supplier<Traffic> scaled = () -> (random, pair) -> {
      long x = lognormal(random, SD);
      pair.productionNanos = x;
      pair.candidateNanos = Math.round(1.25 * x);
    };
    Supplier<Traffic> heavy = () -> (random, pair) -> {
      pair.productionNanos = lognormal(random, SD);
      pair.candidateNanos = lognormal(random, heavier);
    };
    record Case(String name, Supplier<Traffic> traffic, boolean boundary) {}
    Case[] cases = {
      new Case("identical candidate (independent draws)", same, false),
      new Case("p99 x1.25 exactly, every request x1.25", scaled, true),
      new Case("p99 x1.25 exactly, heavier tail (sigma 0.396)", heavy, true),
    };
    for (int i = 0; i < cases.length; i++) {
      Case c = cases[i];
      Result r = simulate("tail " + c.name(), DEFAULTS, c.traffic(), watch, runs(100), horizon,
          610 + i, c.boundary() ? Stop.BOTH : Stop.FAIL);
      String rates = c.boundary() ? r.rates() : String.format(Locale.ROOT,
          "false FAIL %.4f +- %.4f (budget %.2f); PASS at a median of %s pairs [%.1f s]",
          r.failRate(), r.se(r.failRate()), FAIL_BUDGET, pairs(r.medianPass()), r.seconds());
      print("tail (p99, max x1.25), %s, %,d runs x %,d pairs: %s", c.name(), r.runs(), horizon,
          rates);
      assertRate(softly, r.failRate(), FAIL_BUDGET, r.runs(), "false FAIL, " + c.name());
      if (c.boundary()) {
        assertRate(softly, r.passRate(), ALPHA, r.runs(), "false PASS, " + c.name());
      }
    }
    softly.assertAll();
  }

  private static long lognormal(SplittableRandom random, double sigma) {
    return Math.round(Math.exp(LN_500_US + sigma * random.nextGaussian()));
  }

  // ---- (3) errors and agreement at their boundaries --------------------------------------------

  /**
   * Issue 16 item 4: the errors check with the true difference exactly at maxErrorRateIncrease
   * (the default +0.1 pt: 1.1% vs 1%; and +1 pt: 2% vs 1%; independent sides), and the agreement
   * check with exactly 1% mismatches against minAgreement 0.99: false FAIL at most alpha / k,
   * false PASS at most alpha, over 20,000 pairs read after every pair.
   */
  @Test
  void errorsAndAgreementAtTheirBoundaries() {
    SoftAssertions softly = new SoftAssertions();
    VerdictRule onePoint = DEFAULTS.toBuilder().maxErrorRateIncrease(0.01).build();
    record Case(String name, VerdictRule rule, Supplier<Traffic> traffic, Supplier<Watch> watch) {}
    Case[] cases = {
      new Case("errors 1.1% vs 1%, max +0.1 pt", DEFAULTS, identical(0.01, 0.011, -1),
          errorsWatch(DEFAULTS)),
      new Case("errors 2% vs 1%, max +1 pt", onePoint, identical(0.01, 0.02, -1),
          errorsWatch(onePoint)),
      new Case("agreement 99.0% (1% mismatches), min 99%", DEFAULTS, identical(0, 0, 0.01),
          agreementWatch(DEFAULTS)),
    };
    for (int i = 0; i < cases.length; i++) {
      Case c = cases[i];
      Result r = simulate(c.name(), c.rule(), c.traffic(), c.watch(), runs(150),
          BOUNDARY_HORIZON, 700 + i, Stop.BOTH);
      print("%s at the boundary, %,d runs x %,d pairs: %s", c.name(), r.runs(), r.horizon(),
          r.rates());
      assertRate(softly, r.failRate(), FAIL_BUDGET, r.runs(), "false FAIL, " + c.name());
      assertRate(softly, r.passRate(), ALPHA, r.runs(), "false PASS, " + c.name());
    }
    softly.assertAll();
  }

  // ---- (4) the overall PASS at the default error margin ----------------------------------------

  /**
   * Issue 16 item 3: how many pairs an identical candidate (1% vs 1% errors, independent; same
   * latency distribution; 0.3% mismatches) needs for the overall PASS with every default, the
   * errors check at +0.1 pt: by nature hundreds of thousands. The errors check decides last; its
   * first PASS is found with blocks (the class comment), then the run is replayed from its seed to
   * that pair and the whole engine evaluated there (and after every further pair until it says
   * PASS).
   */
  @Test
  void overallPassAtTheDefaultErrorMarginNeedsHundredsOfThousandsOfPairs() {
    int runs = RUNS > 0 ? Math.max(20, RUNS / 4) : 20;
    int horizon = 2_000_000;
    Supplier<Traffic> traffic = identical(0.01, 0.01, 0.003);
    VerdictEngine engine = new VerdictEngine(DEFAULTS);
    SplittableRandom root = new SplittableRandom(800);
    int[] passes = new int[runs];
    int[] errorsPasses = new int[runs];
    Pair pair = new Pair();
    long started = System.nanoTime();
    for (int r = 0; r < runs; r++) {
      long seed = root.nextLong();
      // 1: the errors check's first PASS
      Watch errors = errorsWatch(DEFAULTS).get();
      SplittableRandom random = new SplittableRandom(seed);
      Traffic stream = traffic.get();
      PairStats s = new PairStats();
      int n = 0;
      while (n < horizon && errors.firstPass() == 0 && errors.firstFail() == 0) {
        pair.reset();
        stream.next(random, pair);
        n++;
        s.add(T0 + n * STEP_MILLIS, false, pair.production, pair.productionNanos, pair.candidate,
            pair.candidateNanos, pair.agreement, Double.NaN, Double.NaN);
        errors.look(s, n, pair);
      }
      errors.finish(s, n);
      assertThat(errors.firstFail()).as("run %d: errors FAILed", r).isZero();
      assertThat(errors.firstPass()).as("run %d: no PASS by %,d pairs", r, horizon).isPositive();
      errorsPasses[r] = errors.firstPass();
      // 2: replay to that pair; the engine's overall verdict from there on
      random = new SplittableRandom(seed);
      stream = traffic.get();
      s = new PairStats();
      for (n = 1; ; n++) {
        pair.reset();
        stream.next(random, pair);
        s.add(T0 + n * STEP_MILLIS, false, pair.production, pair.productionNanos, pair.candidate,
            pair.candidateNanos, pair.agreement, Double.NaN, Double.NaN);
        if (n >= errorsPasses[r]) {
          Evaluation e = engine.evaluate(s);
          if (n == errorsPasses[r]) {
            assertThat(e.check(VerdictEngine.ERRORS).orElseThrow().verdict())
                .isEqualTo(Verdict.PASS);
          }
          assertThat(e.verdict()).isNotEqualTo(Verdict.FAIL);
          if (e.verdict() == Verdict.PASS) {
            passes[r] = n;
            break;
          }
        }
      }
    }
    Result result = new Result("overall PASS", horizon, new int[runs], passes,
        (System.nanoTime() - started) / 1e9);
    int[] sorted = errorsPasses.clone();
    Arrays.sort(sorted);
    print("overall PASS with every default (errors +0.1 pt), identical candidate (1%% vs 1%%"
            + " errors, 0.3%% mismatches), %,d runs: median %s pairs (errors check's first PASS:"
            + " median %,d, range %,d to %,d) [%.1f s]",
        runs, pairs(result.medianPass()), sorted[(runs - 1) / 2], sorted[0], sorted[runs - 1],
        result.seconds());
    assertThat(result.medianPass()).isGreaterThan(50_000);
  }

  // ---- the public path -------------------------------------------------------------------------

  /**
   * The simulations feed {@link PairStats} and read {@link VerdictEngine}; {@link
   * PairedStatistics} is that pair behind the public API. Fed the same timestamped observations it
   * gives the same evaluation after every pair (a 20%-slower candidate and an identical one, with
   * errors and mismatches, serially correlated).
   */
  @Test
  void pairedStatisticsGivesTheSameVerdictsAfterEveryPair() {
    VerdictEngine engine = new VerdictEngine(DEFAULTS);
    Pair pair = new Pair();
    for (double mean : new double[] {Math.log(1.2), 0}) {
      SplittableRandom random = new SplittableRandom(900);
      Traffic errorsAndMismatches = identical(0.01, 0.01, 0.003).get();
      LogRatio d = ar1(mean, SD, 0.6).get();
      PairedStatistics stats = PairedStatistics.create(DEFAULTS);
      PairStats s = new PairStats();
      for (int n = 1; n <= 1000; n++) {
        pair.reset();
        errorsAndMismatches.next(random, pair);
        pair.candidateNanos = Math.round(pair.productionNanos * Math.exp(d.next(random)));
        long t = T0 + n * STEP_MILLIS;
        s.add(t, false, pair.production, pair.productionNanos, pair.candidate,
            pair.candidateNanos, pair.agreement, Double.NaN, Double.NaN);
        PairedObservation.Builder o = PairedObservation.builder()
            .production(pair.production, pair.productionNanos)
            .candidate(pair.candidate, pair.candidateNanos)
            .timestamp(Instant.ofEpochMilli(t));
        if (pair.agreement >= 0) {
          o.agreement(pair.agreement == 1);
        }
        stats.add(o.build());
        assertThat(stats.evaluate()).as("pair %d", n).isEqualTo(engine.evaluate(s));
      }
      print("PairedStatistics.evaluate() equals VerdictEngine.evaluate(PairStats) after each of"
          + " 1,000 pairs (mean log-ratio %.3f): %s", mean, stats.evaluate().reasons().get(0));
    }
  }
}
