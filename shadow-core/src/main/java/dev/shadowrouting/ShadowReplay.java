package dev.shadowrouting;

import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.internal.replay.ReplayRun;
import dev.shadowrouting.internal.replay.Ticker;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a candidate offline on captured production traffic and judges it as a live shadow test
 * would: the same {@link VerdictRule}, the same {@link PairedStatistics}, the same {@link
 * ShadowTestReport}, without production serving a single request.
 *
 * <pre>{@code
 * ReplayReport result = ShadowReplay.builder(JsonLinesSource.open(Path.of("capture")),
 *         Variant.builder("v2", newModel).build())
 *     .inputDecoder(PayloadDecoder.jackson(Txn.class))
 *     .outputDecoder(PayloadDecoder.jackson(Score.class))
 *     .comparator(OutputComparator.numericTolerance(1e-3, 0))
 *     .build()
 *     .run();
 * System.out.println(result);                 // the report, then what was read and skipped
 * }</pre>
 *
 * <p><b>What is replayed.</b> The capture's production records that carry an input (the
 * production variant was built with {@code capturePayloads(true)}): each input is decoded and
 * given to the candidate, and the candidate's output is compared with production's recorded one
 * by the comparator (the candidate variant's own, else the one given here, else equality). Shadow
 * records are skipped (the candidate stands in for them), as are records of other endpoints;
 * production records without payloads are counted as unreplayable, with the reason; malformed
 * entries (a torn line) are counted with their location. Nothing is left out without a count
 * ({@link ReplayReport}).
 *
 * <p><b>Latency.</b> Recorded run times come from another machine under another load, so by
 * default the latency and tail-latency checks are left out of the verdict (and out of alpha's
 * split, as {@link VerdictRule.Builder#withoutCheck} does), and the report says so. Give the
 * production variant ({@link Builder#production}) and it is re-run here on each input, on the
 * same thread as the candidate, back to back, the order alternating per record so neither side
 * always runs second: the latency pairs are then fair and checked. The verdict then compares the
 * candidate with the re-run; the re-run's outputs are also compared with the recorded ones ({@link
 * ReplayReport#productionDiffered()}), which shows a production model that is not the captured one.
 *
 * <p><b>Execution.</b> At most {@code parallelism} records at once, each on a replay thread
 * (an {@link AsyncPredictor} is waited for there). Each call has its variant's timeout: a call past
 * it is a {@link Outcome#TIMEOUT} and its thread is interrupted; a blocking predictor that ignores
 * the interrupt keeps its thread until it returns. Records are sent as fast as possible, or paced
 * as they were recorded (at a speed factor): see {@link Pacing}. Progress (records done, rate,
 * ETA, the interim verdict) goes to {@code System.Logger} {@code dev.shadowrouting.replay} at INFO
 * and to an optional listener every {@code progressInterval}.
 *
 * <p>Built once, run once. Thread-safe: {@link #run()} may be called from any thread, once.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class ShadowReplay<I extends @Nullable Object, O extends @Nullable Object> {

  /** Default {@code progressInterval}. */
  public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(10);
  /** Lower bound of {@code progressInterval}. */
  public static final Duration MIN_PROGRESS_INTERVAL = Duration.ofMillis(100);
  /** Upper bound of {@code parallelism}. */
  public static final int MAX_PARALLELISM = 1024;
  /** Default {@code parallelism}: the cores. */
  public static final int DEFAULT_PARALLELISM =
      Math.max(1, Math.min(MAX_PARALLELISM, Runtime.getRuntime().availableProcessors()));
  /** Upper bound of a {@link Pacing#speed} factor. */
  public static final double MAX_SPEED = 1_000_000;

  private final ReplaySource source;
  private final Variant<I, O> candidate;
  private final @Nullable Variant<I, O> production;
  private final PayloadDecoder<? extends I> inputDecoder;
  private final @Nullable PayloadDecoder<? extends O> outputDecoder;
  private final OutputComparator<O> comparator;
  private final @Nullable String endpoint;
  private final VerdictRule givenRule;
  private final VerdictRule rule;
  private final int parallelism;
  private final Pacing pacing;
  private final long maxRecords;
  private final Duration progressInterval;
  private final @Nullable Consumer<? super Progress> progressListener;
  private final Ticker ticker;
  private final AtomicBoolean ran = new AtomicBoolean();

  private ShadowReplay(Builder<I, O> b, VerdictRule rule) {
    this.source = b.source;
    this.candidate = b.candidate;
    this.production = b.production;
    this.inputDecoder = b.inputDecoder;
    this.outputDecoder = b.outputDecoder;
    // like a live shadow: the variant's own comparator, else the endpoint's
    this.comparator = b.candidate.comparator() != null ? b.candidate.comparator()
        : b.comparator != null ? b.comparator : OutputComparator.equality();
    this.endpoint = b.endpoint;
    this.givenRule = b.rule;
    this.rule = rule;
    this.parallelism = b.parallelism;
    this.pacing = b.pacing;
    this.maxRecords = b.maxRecords;
    this.progressInterval = b.progressInterval;
    this.progressListener = b.progressListener;
    this.ticker = b.ticker;
  }

  /**
   * A builder replaying {@code source} (read once and closed by {@link #run()}) against {@code
   * candidate}: its name, predictor (blocking or async), timeout and comparator apply.
   */
  public static <I extends @Nullable Object, O extends @Nullable Object> Builder<I, O> builder(
      ReplaySource source, Variant<I, O> candidate) {
    return new Builder<>(source, candidate);
  }

  /** The rule the verdict applies: the one given, less the checks a replay cannot run. */
  public VerdictRule rule() {
    return rule;
  }

  /**
   * Reads the whole source (up to {@code maxRecords} replayed), replays it, closes the source
   * and returns the report once every replayed record has its outcome.
   *
   * @throws IOException if the source cannot be read (what was replayed before is lost; a
   *     malformed entry is counted, not thrown)
   * @throws InterruptedException if the calling thread is interrupted: the replay stops
   * @throws IllegalStateException if called a second time
   */
  public ReplayReport run() throws IOException, InterruptedException {
    if (!ran.compareAndSet(false, true)) {
      throw new IllegalStateException("a ShadowReplay runs once: build another one");
    }
    return new ReplayRun<>(source, candidate, production, inputDecoder, outputDecoder,
        comparator, rule, givenRule, endpoint, parallelism, pacing.speed, maxRecords,
        progressInterval, progressListener, ticker).run();
  }

  @Override
  public String toString() {
    return "ShadowReplay[" + candidate.name() + " on " + source.description() + ", " + pacing
        + ", parallelism " + parallelism + ']';
  }

  /**
   * How records are sent to the candidate. Immutable and thread-safe.
   */
  public static final class Pacing {
    private static final Pacing AS_FAST_AS_POSSIBLE = new Pacing(Double.POSITIVE_INFINITY);
    private static final Pacing AS_RECORDED = new Pacing(1.0);

    /** Records per wall-clock second, relative to the capture; infinite: no pacing. */
    final double speed;

    private Pacing(double speed) {
      this.speed = speed;
    }

    /** Each record as soon as a replay thread is free (the default). */
    public static Pacing asFastAsPossible() {
      return AS_FAST_AS_POSSIBLE;
    }

    /** Records at the times they were captured, relative to the first: the traffic's shape. */
    public static Pacing asRecorded() {
      return AS_RECORDED;
    }

    /**
     * As recorded, {@code factor} times faster (0.5: half as fast): an hour of traffic in six
     * minutes at 10. A record whose time has come waits for a free replay thread, so a candidate
     * slower than the traffic falls behind (the progress shows it), never drops records.
     *
     * @throws InvalidConfigurationException unless {@code factor} is in (0, {@value #MAX_SPEED}]
     */
    public static Pacing speed(double factor) {
      if (!(factor > 0 && factor <= MAX_SPEED)) {
        throw new InvalidConfigurationException("pacing is invalid: speed must be in (0, "
            + MAX_SPEED + "] but was " + factor,
            java.util.List.of(new Problem("pacing.speed", factor, "in (0, " + MAX_SPEED + "]")));
      }
      return factor == 1.0 ? AS_RECORDED : new Pacing(factor);
    }

    @Override
    public String toString() {
      return Double.isInfinite(speed) ? "as fast as possible"
          : speed == 1.0 ? "as recorded" : "as recorded x" + speed;
    }
  }

  /**
   * A replay's progress, given to the listener every {@code progressInterval} and once at the
   * end. Immutable and thread-safe.
   *
   * @param records entries of the source dealt with: replayed, skipped, unreplayable or malformed
   * @param pairs records replayed (candidate and production both have an outcome)
   * @param malformed malformed entries so far
   * @param unreplayable records that could not be replayed so far
   * @param fraction how much of the source is read, in [0, 1], or NaN when the source does not
   *     know
   * @param recordsPerSecond {@code records} over the elapsed time
   * @param elapsed time since the replay started
   * @param eta the time left, from {@code fraction} (or {@code maxRecords}) and the rate so far;
   *     empty when unknown
   * @param verdict the interim verdict of the pairs so far
   * @param done true for the last progress, once every record has its outcome
   */
  public record Progress(long records, long pairs, long malformed, long unreplayable,
      double fraction, double recordsPerSecond, Duration elapsed, Optional<Duration> eta,
      Verdict verdict, boolean done) {
    public Progress {
      Objects.requireNonNull(elapsed, "elapsed");
      Objects.requireNonNull(eta, "eta");
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /**
   * Builder for {@link ShadowReplay}. Not thread-safe; {@link #build()} validates every setting
   * and reports all problems at once.
   */
  public static final class Builder<I extends @Nullable Object, O extends @Nullable Object> {
    private final ReplaySource source;
    private final Variant<I, O> candidate;
    private @Nullable Variant<I, O> production;
    private @Nullable PayloadDecoder<? extends I> inputDecoder;
    private @Nullable PayloadDecoder<? extends O> outputDecoder;
    private @Nullable OutputComparator<O> comparator;
    private @Nullable String endpoint;
    private VerdictRule rule = VerdictRule.defaults();
    private int parallelism = DEFAULT_PARALLELISM;
    private Pacing pacing = Pacing.asFastAsPossible();
    private long maxRecords;
    private Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
    private @Nullable Consumer<? super Progress> progressListener;
    private Ticker ticker = Ticker.SYSTEM;

    private Builder(ReplaySource source, Variant<I, O> candidate) {
      this.source = source;
      this.candidate = candidate;
    }

    /** Decodes each captured input (required). */
    public Builder<I, O> inputDecoder(PayloadDecoder<? extends I> inputDecoder) {
      this.inputDecoder = inputDecoder;
      return this;
    }

    /**
     * Decodes production's captured outputs, which the candidate's are compared with; required
     * unless production is re-run, where it serves {@link ReplayReport#productionDiffered()}.
     */
    public Builder<I, O> outputDecoder(PayloadDecoder<? extends O> outputDecoder) {
      this.outputDecoder = outputDecoder;
      return this;
    }

    /**
     * Re-runs this production variant on each input here, so the latency checks compare the two
     * on the same machine (its predictor, blocking or async, and its timeout apply).
     */
    public Builder<I, O> production(@Nullable Variant<I, O> production) {
      this.production = production;
      return this;
    }

    /**
     * The endpoint's comparator, used unless the candidate variant has its own. Default:
     * {@link OutputComparator#equality()}.
     */
    public Builder<I, O> comparator(@Nullable OutputComparator<O> comparator) {
      this.comparator = comparator;
      return this;
    }

    /**
     * Replays only records of this endpoint. Default: the endpoint of the first production
     * record; records of any other are skipped and counted.
     */
    public Builder<I, O> endpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
      return this;
    }

    /**
     * The endpoint's name and comparator from its configuration (the candidate variant's own
     * comparator still comes first). Production is not re-run unless given to {@link
     * #production}.
     */
    public Builder<I, O> endpoint(EndpointConfig<I, O> endpoint) {
      this.endpoint = endpoint.name();
      this.comparator = endpoint.comparator();
      return this;
    }

    /**
     * What the candidate must show. Default {@link VerdictRule#defaults()}; the latency checks
     * apply only with {@link #production}, the quality check never (a capture has no ground
     * truth).
     */
    public Builder<I, O> rule(VerdictRule rule) {
      this.rule = rule;
      return this;
    }

    /** Records replayed at once, in [1, {@value #MAX_PARALLELISM}]. Default: the cores. */
    public Builder<I, O> parallelism(int parallelism) {
      this.parallelism = parallelism;
      return this;
    }

    /** How records are sent. Default {@link Pacing#asFastAsPossible()}. */
    public Builder<I, O> pacing(Pacing pacing) {
      this.pacing = pacing;
      return this;
    }

    /** Stops after this many replayed records, {@code >= 0}; 0 (the default): the whole source. */
    public Builder<I, O> maxRecords(long maxRecords) {
      this.maxRecords = maxRecords;
      return this;
    }

    /** How often progress is logged and given to the listener, in [100 ms, 1 day]. Default 10 s. */
    public Builder<I, O> progressInterval(Duration progressInterval) {
      this.progressInterval = progressInterval;
      return this;
    }

    /**
     * Called with the progress every {@code progressInterval} and once at the end, on the thread
     * that runs the replay. An exception it throws is logged and ignored.
     */
    public Builder<I, O> progressListener(@Nullable Consumer<? super Progress> listener) {
      this.progressListener = listener;
      return this;
    }

    /** The time source of pacing and progress; a seam for tests that must not sleep. */
    Builder<I, O> ticker(Ticker ticker) {
      this.ticker = ticker;
      return this;
    }

    /**
     * @throws InvalidConfigurationException naming every invalid setting, its value and allowed
     *     range
     */
    public ShadowReplay<I, O> build() {
      ConfigErrors errors = new ConfigErrors("shadow replay is invalid");
      errors.requireNonNull("source", source);
      errors.requireNonNull("candidate", candidate);
      if (inputDecoder == null) {
        errors.add(new Problem("inputDecoder", null,
            "a PayloadDecoder (e.g. PayloadDecoder.jackson(Input.class))"));
      }
      if (outputDecoder == null && production == null) {
        errors.add(new Problem("outputDecoder", null, "a PayloadDecoder to compare with the"
            + " captured outputs (e.g. PayloadDecoder.jackson(Output.class)), unless production"
            + " is re-run"));
      }
      if (endpoint != null) {
        errors.requireName("endpoint", endpoint);
      }
      if (candidate != null && production != null
          && candidate.name().equals(production.name())) {
        errors.add(new Problem("candidate.name", candidate.name(),
            "different from the production variant's name"));
      }
      errors.requireNonNull("rule", rule);
      errors.requireInRange("parallelism", parallelism, 1, MAX_PARALLELISM);
      errors.requireNonNull("pacing", pacing);
      errors.requireInRange("maxRecords", maxRecords, 0, Long.MAX_VALUE);
      errors.requireInRange("progressInterval", progressInterval, MIN_PROGRESS_INTERVAL,
          Duration.ofDays(1));
      errors.requireNonNull("ticker", ticker);
      VerdictRule effective = null;
      if (rule != null) {
        effective = effectiveRule(rule, production != null);
        if (effective == null) {
          errors.add(new Problem("rule.checks", rule.checks(), production == null
              ? "at least one of errors and agreement (the latency checks need production"
                  + " re-run: production(...))"
              : "at least one of latency, tail_latency, errors and agreement (a capture has"
                  + " no ground truth for quality)"));
        }
      }
      errors.throwIfAny();
      return new ShadowReplay<>(this, effective);
    }

    /** The rule less what a replay cannot check; null if nothing is left. */
    private static @Nullable VerdictRule effectiveRule(VerdictRule rule, boolean rerun) {
      Set<Check> cannot = rerun ? EnumSet.of(Check.QUALITY)
          : EnumSet.of(Check.QUALITY, Check.LATENCY, Check.TAIL_LATENCY);
      if (cannot.containsAll(rule.checks())) {
        return null;
      }
      VerdictRule.Builder b = rule.toBuilder();
      cannot.forEach(b::withoutCheck);
      return b.build();
    }
  }
}
