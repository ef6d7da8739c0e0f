package dev.shadowrouting;

import dev.shadowrouting.OperationResult.Status;
import dev.shadowrouting.internal.DefaultShadowRouter;
import dev.shadowrouting.internal.tests.FleetCommand;
import dev.shadowrouting.internal.tests.FleetCommand.Action;
import dev.shadowrouting.internal.tests.FleetCommands;
import dev.shadowrouting.internal.tests.TestSettings;
import dev.shadowrouting.internal.util.ConfigErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a person does to a live endpoint, by name: start and stop a shadow test, promote or
 * discard a variant (a test's candidate or a plain shadow), set a shadow's sampling rate. Each
 * operation returns an {@link OperationResult} instead of throwing: applied, or refused with
 * structured {@link Problem}s (field, value, requirement) that an adapter maps onto its own names,
 * which is how the Spring starter's Actuator endpoint and dashboard stay thin, and what a fleet of
 * instances receives as commands. The fields are named as in the Actuator body: {@code variant},
 * {@code candidate}, {@code force}, {@code samplingRate} and the {@link ShadowTestSpec} builder's.
 *
 * <p>Every operation goes through the router's own API ({@link ShadowRouter#promote},
 * {@link ShadowRouter#discard}, {@link ShadowRouter#setSamplingRate}, {@link ShadowTest}), so
 * there is one promote, one discard, one sampling-rate change.
 *
 * <p><b>In a fleet.</b> When the endpoint's {@link Fleet} {@linkplain Fleet#carriesCommands()
 * carries commands}, a start-test, stop, promote or discard is checked here, as it would be
 * alone (a promote against the {@linkplain ShadowTest#fleetReport() fleet's verdict}), then
 * published to the fleet and answered {@link Status#PUBLISHED}: every instance, this one
 * included, applies it when the fleet delivers it, in the fleet's order, forced (the decision was
 * made here), once. A test is started across the fleet by the name of a shadow variant every
 * instance has ({@link #startTest(String, Map)}): a command carries settings, not code. The
 * sampling rate stays a change of this instance. Thread-safe; stateless.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class ShadowOperations<I extends @Nullable Object, O extends @Nullable Object> {
  private final ShadowRouter<I, O> router;
  /** The fleet operations are published to, or null to act on this instance alone. */
  private final @Nullable Fleet fleet;

  ShadowOperations(ShadowRouter<I, O> router) {
    this.router = Objects.requireNonNull(router, "router");
    Fleet f = router.config().fleet();
    this.fleet = f != null && f.carriesCommands() ? f : null;
  }

  /**
   * Starts a shadow test ({@link ShadowRouter#startTest}) of a new candidate, on this instance.
   * Refused in a fleet that carries commands: the other instances do not have the candidate's
   * predictor; start a test of a shadow variant by name there ({@link #startTest(String, Map)}).
   */
  public OperationResult startTest(ShadowTestSpec<I, O> spec) {
    if (fleet != null) {
      return OperationResult.refused(Status.INVALID, new Problem("candidate",
          spec.candidate().name(), "a shadow variant of endpoint '" + router.name()
              + "' started by name (startTest(candidate, settings)): in a fleet every instance"
              + " starts the test, and a command carries settings, not a predictor"));
    }
    try {
      ShadowTest test = router.startTest(spec);
      return OperationResult.applied("started a shadow test of '" + test.candidate()
          + "' on endpoint '" + router.name() + "' for " + spec.duration() + " at sampling rate "
          + spec.samplingRate(), test);
    } catch (IllegalStateException e) {
      return OperationResult.refused(Status.CONFLICT,
          new Problem("endpoint", router.name(), "open (" + e.getMessage() + ")"));
    } catch (IllegalArgumentException e) {
      return OperationResult.refused(Status.INVALID, new Problem("candidate",
          spec.candidate().name(), "a name the endpoint does not use yet (" + e.getMessage()
              + ")"));
    }
  }

  /**
   * Starts a shadow test of the endpoint's shadow variant {@code candidate}: the test takes the
   * variant over (its candidate, with the test's sampling rate) and, like every test, removes it
   * from the endpoint when it ends, unless it is promoted. {@code settings} are named as the
   * {@link ShadowTestSpec.Builder}'s setters: {@code samplingRate}, {@code duration}, {@code
   * maxRequests}, {@code maxLatencyIncrease}, {@code maxErrorRateIncrease}, {@code minAgreement},
   * {@code tailQuantile}, {@code maxTailLatencyIncrease}, {@code alpha}, {@code warmup}, {@code
   * withoutChecks} (check names), {@code minSamples}, {@code continueAfterFail}, the guards
   * {@code stopIfErrorRateAbove}, {@code stopIfTimeoutRateAbove}, {@code
   * stopIfRejectedRateAbove}, {@code guardMinCalls}, and {@code noiseBaseline}; values are
   * numbers, booleans, ISO-8601 durations ({@code "PT1H"} or a {@link java.time.Duration}), or
   * their strings; the others keep their defaults. A name that is not a setting is refused. The
   * test's {@link ShadowTest#fleetId()} is the one a test built from the same values (in code or
   * configuration) has. In a fleet that carries commands, published: every instance starts it,
   * with the same start and deadline.
   */
  public OperationResult startTest(String candidate, Map<String, ?> settings) {
    Objects.requireNonNull(candidate, "candidate");
    FleetCommands<I, O> commands = commands();
    if (commands == null) {
      return OperationResult.refused(Status.INVALID, new Problem("router",
          router.getClass().getName(), "a router made by ShadowRouter.create"));
    }
    ConfigErrors errors = new ConfigErrors("shadow test of '" + candidate + "' is invalid");
    Map<String, String> canonical = TestSettings.canonical(settings, errors);
    try {
      errors.throwIfAny();
    } catch (InvalidConfigurationException e) {
      return new OperationResult(Status.INVALID, e.getMessage(), e.problems(), null);
    }
    FleetCommand command = command(Action.START_TEST, candidate, null, false, canonical);
    if (fleet == null) {
      return commands.apply(command);
    }
    OperationResult refused = commands.check(command);
    return refused != null ? refused : publish(command, null);
  }

  /**
   * Stops the running test of {@code candidate}; with {@code null}, the only running test.
   */
  public OperationResult stopTest(@Nullable String candidate) {
    List<ShadowTest> running = running();
    ShadowTest test = null;
    for (ShadowTest t : running) {
      if (candidate == null ? running.size() == 1 : t.candidate().equals(candidate)) {
        test = t;
      }
    }
    if (test == null) {
      return OperationResult.refused(candidate == null ? Status.INVALID : Status.NOT_FOUND,
          new Problem("variant", candidate, (candidate == null ? "the candidate of the test to"
              + " stop, as " : "") + "one of the running tests' candidates "
              + candidates(running)));
    }
    if (fleet != null) {
      return publish(command(Action.STOP_TEST, test.candidate(), test.fleetId(), false,
          Map.of()), test);
    }
    test.stop();
    return OperationResult.applied("stopped the shadow test of '" + test.candidate()
        + "' on endpoint '" + router.name() + "': " + test.status(), test);
  }

  /**
   * Promotes {@code variant}: a test's candidate through its test (refused while it runs or
   * after a FAIL verdict unless {@code force}), else a plain shadow variant.
   */
  public OperationResult promote(String variant, boolean force) {
    ShadowTest test = router.test(variant).orElse(null);
    if (test != null) {
      OperationResult refused = refusal(test, variant, force, "promote");
      if (refused != null) {
        return refused;
      }
      if (!force) {
        // one consistent copy, read once; in a fleet the fleet's verdict decides
        ShadowTestReport report = fleet != null ? test.fleetReport() : test.report();
        if (report.verdict() == Verdict.FAIL) {
          return OperationResult.refused(Status.CONFLICT, new Problem("force", false,
              "true to promote a candidate whose verdict is FAIL ("
                  + String.join("; ", report.reasons()) + ")"));
        }
      }
      if (fleet != null) {
        return publish(command(Action.PROMOTE, variant, test.fleetId(), force, Map.of()), test);
      }
      return act(() -> test.promote(force), "promoted '" + variant + "', the candidate of the"
          + " shadow test, to production on endpoint '" + router.name() + "'", test);
    }
    if (isShadow(variant)) {
      if (fleet != null) {
        return publish(command(Action.PROMOTE, variant, null, false, Map.of()), null);
      }
      return act(() -> router.promote(variant), "promoted shadow variant '" + variant
          + "' to production on endpoint '" + router.name() + "'", null);
    }
    return unknown(variant);
  }

  /**
   * Discards {@code variant}: a test's candidate through its test (refused while it runs unless
   * {@code force}), else a plain shadow variant, which is removed from the endpoint.
   */
  public OperationResult discard(String variant, boolean force) {
    ShadowTest test = router.test(variant).orElse(null);
    if (test != null) {
      OperationResult refused = refusal(test, variant, force, "discard");
      if (refused != null) {
        return refused;
      }
      if (fleet != null) {
        return publish(command(Action.DISCARD, variant, test.fleetId(), force, Map.of()), test);
      }
      return act(() -> test.discard(force), "discarded '" + variant + "', the candidate of the"
          + " shadow test, on endpoint '" + router.name() + "'", test);
    }
    if (isShadow(variant)) {
      if (fleet != null) {
        return publish(command(Action.DISCARD, variant, null, false, Map.of()), null);
      }
      return act(() -> router.discard(variant), "removed shadow variant '" + variant
          + "' from endpoint '" + router.name() + "'", null);
    }
    return unknown(variant);
  }

  /**
   * Sets the sampling rate of a running test's candidate or of a plain shadow variant, on this
   * instance (in a fleet too).
   */
  public OperationResult setSamplingRate(String variant, double rate) {
    ShadowTest test = router.test(variant).orElse(null);
    if (test != null && test.status() == ShadowTest.Status.RUNNING) {
      return act(() -> test.setSamplingRate(rate), "sampling rate of test candidate '" + variant
          + "' set to " + rate, test);
    }
    if (isShadow(variant)) {
      return act(() -> router.setSamplingRate(variant, rate), "sampling rate of shadow variant '"
          + variant + "' set to " + rate, null);
    }
    return unknown(variant);
  }

  /** What applies commands on this router, or null for a router not made by ShadowRouter.create. */
  private @Nullable FleetCommands<I, O> commands() {
    return router instanceof DefaultShadowRouter<I, O> engine ? engine.commands() : null;
  }

  private FleetCommand command(Action action, String variant, @Nullable String fleetId,
      boolean force, Map<String, String> settings) {
    return FleetCommand.issue(router.name(), action, variant, fleetId, force, settings,
        fleet != null ? fleet.instanceId() : "local");
  }

  /** Publishes a command the checks here allowed; every instance applies it. */
  private OperationResult publish(FleetCommand command, @Nullable ShadowTest test) {
    Fleet f = Objects.requireNonNull(fleet);
    try {
      f.publishCommand(router.name(), command.toBytes());
    } catch (RuntimeException e) {
      return OperationResult.refused(Status.UNAVAILABLE, new Problem("fleet", f.instanceId(),
          "reachable to publish " + command + " (" + e + ")"));
    }
    return new OperationResult(Status.PUBLISHED, "published to the fleet: " + command
        + "; every instance applies it", List.of(), test);
  }

  private List<ShadowTest> running() {
    List<ShadowTest> running = new ArrayList<>();
    for (ShadowTest t : router.tests()) {
      if (t.status() == ShadowTest.Status.RUNNING) {
        running.add(t);
      }
    }
    return running;
  }

  /**
   * Why a decision about a test's candidate is refused now: one was made already, or the test
   * still runs and {@code force} was not given; null if it may go ahead.
   */
  private static @Nullable OperationResult refusal(ShadowTest test, String variant,
      boolean force, String verb) {
    if (test.decision() != ShadowTest.Decision.NONE) {
      return OperationResult.refused(Status.CONFLICT, new Problem("variant", variant,
          "a candidate not decided yet (it was already "
              + test.decision().name().toLowerCase(Locale.ROOT) + ")"));
    }
    if (!force && test.status() == ShadowTest.Status.RUNNING) {
      return OperationResult.refused(Status.CONFLICT, new Problem("force", false, "true to "
          + verb + " the candidate of a running shadow test (or stop the test first)"));
    }
    return null;
  }

  private boolean isShadow(String variant) {
    for (Variant<?, ?> v : router.config().shadowVariants()) {
      if (v.name().equals(variant)) {
        return true;
      }
    }
    return false;
  }

  private OperationResult unknown(String variant) {
    List<String> shadows = router.config().shadowVariants().stream().map(Variant::name).toList();
    List<String> production =
        router.config().productionVariants().stream().map(Variant::name).toList();
    return OperationResult.refused(Status.NOT_FOUND, new Problem("variant", variant,
        "a shadow variant or a shadow test's candidate of endpoint '" + router.name()
            + "' (shadow variants " + shadows + ", production variants " + production
            + ", test candidates " + candidates(router.tests()) + ")"));
  }

  private static List<String> candidates(List<ShadowTest> tests) {
    List<String> names = new ArrayList<>();
    for (ShadowTest t : tests) {
      names.add(t.candidate() + " (" + t.status() + ")");
    }
    return names;
  }

  /**
   * Runs an action the checks above allowed; a refusal that still comes (a race with another
   * operator, a value out of range) becomes the result, with the builder's problems if it gave
   * them.
   */
  private OperationResult act(Runnable action, String done, @Nullable ShadowTest test) {
    try {
      action.run();
      return OperationResult.applied(done, test);
    } catch (InvalidConfigurationException e) {
      return new OperationResult(Status.INVALID, e.getMessage(), e.problems(), test);
    } catch (IllegalArgumentException e) {
      return OperationResult.refused(Status.INVALID,
          new Problem("request", null, "valid (" + e.getMessage() + ")"));
    } catch (IllegalStateException e) {
      return OperationResult.refused(Status.CONFLICT,
          new Problem("state", null, "one that allows it (" + e.getMessage() + ")"));
    }
  }
}
