package dev.shadowrouting.internal.tests;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.OperationResult;
import dev.shadowrouting.OperationResult.Status;
import dev.shadowrouting.Problem;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.lanes.LaneRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies {@link FleetCommand}s to this instance's endpoint: the one place where a start-test,
 * stop, promote or discard decided on some instance (this one included) takes effect here. Each
 * command applies once (by id), in the order the transport hands them over, and as the issuing
 * instance decided it: its checks were made there, so a promote or discard is forced here (this
 * instance's copy of the test may still run for a moment; its verdict is the fleet's).
 *
 * <p>Catching up: an instance that joins later receives the retained commands in order. A
 * start-test whose time box is over by then starts nothing; a stop, promote or discard is kept as
 * the latest decision about its test ({@code fleetId}) and applied to a test of that id that
 * starts here later (e.g. from the same configuration, after a restart), unless a later start-test
 * of that id replaced it. A promote or discard of a test this instance never ran acts on the
 * plain shadow variant of that name, if there is one, so the instances end alike.
 *
 * <p>Thread-safe: applications are serialised on this object; each takes the endpoint's
 * configuration lock only for its own swap.
 */
public final class FleetCommands<I, O> {
  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");
  /** Command ids remembered so a redelivered command applies once. */
  static final int MAX_APPLIED_IDS = 10_000;
  /** Latest decisions remembered, one per fleet test. */
  static final int MAX_DECISIONS = 1_000;

  private final String endpoint;
  private final ShadowTests<I, O> tests;
  private final LaneRegistry<I, O> lanes;
  private final Clock clock;
  private final Map<String, Boolean> applied = lru(MAX_APPLIED_IDS);
  private final Map<String, FleetCommand> decisions = lru(MAX_DECISIONS);

  FleetCommands(String endpoint, ShadowTests<I, O> tests, LaneRegistry<I, O> lanes,
      Clock clock) {
    this.endpoint = endpoint;
    this.tests = tests;
    this.lanes = lanes;
    this.clock = clock;
  }

  private static <V> Map<String, V> lru(int max) {
    return new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * Applies a command of the fleet once (a redelivered id is skipped) and logs what it did.
   *
   * @return what it did, or null for a command applied already
   */
  public synchronized OperationResult receive(FleetCommand c) {
    if (applied.put(c.id(), Boolean.TRUE) != null) {
      return null;
    }
    OperationResult r = apply(c);
    LOG.log(r.applied() ? System.Logger.Level.INFO : System.Logger.Level.DEBUG,
        "fleet command " + c + ": " + r.message());
    return r;
  }

  /** Applies a command now, whether it came from the fleet or from this instance alone. */
  public synchronized OperationResult apply(FleetCommand c) {
    if (!c.endpoint().equals(endpoint)) {
      return refused(Status.NOT_FOUND, new Problem("endpoint", c.endpoint(), "'" + endpoint
          + "', the endpoint this command was delivered to"), null);
    }
    try {
      return c.action() == FleetCommand.Action.START_TEST ? start(c) : decide(c);
    } catch (IllegalStateException e) { // the router closed, or another operator raced it
      return refused(Status.CONFLICT, new Problem("state", null, "one that allows "
          + c.action().label() + " (" + e.getMessage() + ")"), null);
    } catch (IllegalArgumentException e) { // the variant went in a race with an update
      return refused(Status.NOT_FOUND, new Problem("variant", c.variant(), "a variant of"
          + " endpoint '" + endpoint + "' (" + e.getMessage() + ")"), null);
    }
  }

  /** A start-test as this instance would apply it now: its spec, or why it is refused. */
  private record Prepared<I, O>(ShadowTestSpec<I, O> spec, OperationResult refused) {}

  /**
   * Why a start-test would be refused here now, or null if it would start: the issuing
   * instance's check before it publishes the command.
   */
  public synchronized OperationResult check(FleetCommand c) {
    return prepare(c).refused();
  }

  private Prepared<I, O> prepare(FleetCommand c) {
    Variant<I, O> shadow = lanes.findPlainShadow(c.variant());
    if (shadow == null) {
      return new Prepared<>(null, refused(Status.NOT_FOUND, new Problem("candidate",
          c.variant(), "a shadow variant of endpoint '" + endpoint + "' that no test uses"
              + " (shadow variants " + lanes.plainShadowNames() + ")"), null));
    }
    ShadowTestSpec<I, O> spec;
    try {
      spec = TestSettings.spec(shadow, c.settings());
    } catch (InvalidConfigurationException e) {
      return new Prepared<>(null,
          new OperationResult(Status.INVALID, e.getMessage(), e.problems(), null));
    }
    TestRun<I, O> running = test(TestRun.fleetId(endpoint, spec), true);
    if (running != null) {
      return new Prepared<>(spec, refused(Status.CONFLICT, new Problem("candidate", c.variant(),
          "a candidate without a running test of the same settings (it runs here already)"),
          running));
    }
    Instant end = c.issuedAt().plus(spec.duration());
    if (!clock.instant().isBefore(end)) {
      return new Prepared<>(spec, refused(Status.CONFLICT, new Problem("duration",
          spec.duration(), "long enough to reach now (the test started at " + c.issuedAt()
              + " ended at " + end + ")"), null));
    }
    return new Prepared<>(spec, null);
  }

  private OperationResult start(FleetCommand c) {
    Prepared<I, O> p = prepare(c);
    if (p.spec() != null) {
      // a new run of that test: the decisions kept were about an earlier one
      decisions.remove(TestRun.fleetId(endpoint, p.spec()));
    }
    if (p.refused() != null) {
      return p.refused();
    }
    ShadowTest test = tests.start(p.spec(), c.issuedAt(), true);
    return new OperationResult(Status.APPLIED, "started a shadow test of '" + c.variant()
        + "' on endpoint '" + endpoint + "' until " + c.issuedAt().plus(p.spec().duration())
        + " at sampling rate " + p.spec().samplingRate() + " (fleet test " + test.fleetId()
        + ")", List.of(), test);
  }

  private OperationResult decide(FleetCommand c) {
    if (c.fleetId() != null) {
      decisions.put(c.fleetId(), c);
      TestRun<I, O> test = test(c.fleetId(), false);
      if (test != null) {
        return decide(test, c);
      }
    }
    if (c.action() != FleetCommand.Action.STOP_TEST && lanes.findPlainShadow(c.variant()) != null) {
      if (c.action() == FleetCommand.Action.PROMOTE) {
        lanes.promote(c.variant(), null);
        return applied("promoted shadow variant '" + c.variant() + "' to production", null);
      }
      lanes.discardShadow(c.variant());
      return applied("removed shadow variant '" + c.variant() + "'", null);
    }
    return refused(Status.NOT_FOUND, new Problem("variant", c.variant(), "a test or shadow"
        + " variant of endpoint '" + endpoint + "' (kept for a test of that id that starts"
        + " later)"), null);
  }

  /** Applies a stop, promote or discard to this instance's test of the command's fleet id. */
  private OperationResult decide(TestRun<I, O> test, FleetCommand c) {
    if (c.action() == FleetCommand.Action.STOP_TEST) {
      if (!test.isRunning()) {
        return refused(Status.CONFLICT, new Problem("variant", c.variant(),
            "the candidate of a running test (it ended " + test.status() + ")"), test);
      }
      test.stop();
      return applied("stopped the shadow test of '" + c.variant() + "'", test);
    }
    if (test.decision() != ShadowTest.Decision.NONE) {
      return refused(Status.CONFLICT, new Problem("variant", c.variant(),
          "a candidate not decided yet (it was already "
              + test.decision().name().toLowerCase(Locale.ROOT) + ")"), test);
    }
    if (c.action() == FleetCommand.Action.PROMOTE) {
      test.promote(true);
      return applied("promoted '" + c.variant() + "', the candidate of the shadow test, to"
          + " production", test);
    }
    test.discard(true);
    return applied("discarded '" + c.variant() + "', the candidate of the shadow test", test);
  }

  /**
   * A test just started here (from any path): the fleet's latest decision about its id, if one
   * was kept, applies to it now.
   */
  synchronized void started(TestRun<I, O> test) {
    FleetCommand decision = decisions.get(test.fleetId());
    if (decision != null) {
      OperationResult r = decide(test, decision);
      LOG.log(System.Logger.Level.INFO, "fleet command " + decision + ", kept for the test that"
          + " started now: " + r.message());
    }
  }

  /** The newest kept test of that fleet id (running only, if asked), or null. */
  private TestRun<I, O> test(String fleetId, boolean running) {
    List<TestRun<I, O>> kept = tests.kept();
    for (int i = kept.size() - 1; i >= 0; i--) {
      TestRun<I, O> t = kept.get(i);
      if (t.fleetId().equals(fleetId) && (!running || t.isRunning())) {
        return t;
      }
    }
    return null;
  }

  private OperationResult applied(String done, ShadowTest test) {
    return new OperationResult(Status.APPLIED, done + " on endpoint '" + endpoint + "'",
        List.of(), test);
  }

  private static OperationResult refused(Status status, Problem problem, ShadowTest test) {
    return new OperationResult(status, problem.message(), List.of(problem), test);
  }
}
