package dev.shadowrouting.internal.tests;

import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.internal.lanes.Exchange;
import dev.shadowrouting.internal.lanes.LaneRegistry;
import dev.shadowrouting.internal.lanes.RequestIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The endpoint's shadow tests: starts them (their lanes through the {@link LaneRegistry}), keeps
 * the last {@link #MAX_TESTS_KEPT}, joins late ground truth to them, and ticks the active ones
 * from the pool's housekeeping (deadlines, guards, lanes of tests a worker ended). It is the
 * {@link TestHost} each {@link TestRun} talks to, so a test never sees the router. Thread-safe.
 */
public final class ShadowTests<I, O> implements TestHost<I, O> {
  /** Finished tests beyond this many are forgotten, oldest first (active ones never). */
  public static final int MAX_TESTS_KEPT = 100;

  private final String endpoint;
  private final LaneRegistry<I, O> lanes;
  private final RequestIds ids;
  /** Wakes the pool's housekeeping (a test started, or a worker ended one). */
  private final Runnable wakeHousekeeping;
  /** Every test started, oldest first, at most MAX_TESTS_KEPT; guarded by this. */
  private final List<TestRun<I, O>> tests = new ArrayList<>();
  /** Tests whose lanes are still in place: what housekeeping ticks. */
  private volatile List<TestRun<I, O>> active = List.of();
  /** The kept tests that join ground truth, read by recordOutcome without a lock. */
  private volatile List<TestRun<I, O>> labelled = List.of();
  private final LongAdder unmatchedLabels = new LongAdder();
  /** Applies start-test, stop, promote and discard commands (the fleet's, or this instance's). */
  private final FleetCommands<I, O> commands;
  /** The endpoint's membership of its fleet, or null without one. */
  private final FleetPeers<I, O> fleet;

  public ShadowTests(String endpoint, LaneRegistry<I, O> lanes, RequestIds ids,
      Runnable wakeHousekeeping, dev.shadowrouting.Fleet fleet) {
    this.endpoint = endpoint;
    this.lanes = lanes;
    this.ids = ids;
    this.wakeHousekeeping = wakeHousekeeping;
    this.commands = new FleetCommands<>(endpoint, this, lanes, java.time.Clock.systemUTC());
    this.fleet = fleet == null ? null : new FleetPeers<>(fleet, this::kept, commands);
  }

  /** A copy of the kept tests, oldest first. */
  synchronized List<TestRun<I, O>> kept() {
    return List.copyOf(tests);
  }

  public ShadowTest start(ShadowTestSpec<I, O> spec) {
    return start(spec, null, false);
  }

  /**
   * Starts a test.
   *
   * @param startedAt its start (a fleet test's, from its command), or null for now
   * @param takeOver whether the candidate is the endpoint's plain shadow variant of that name,
   *     which the test takes over
   */
  ShadowTest start(ShadowTestSpec<I, O> spec, Instant startedAt, boolean takeOver) {
    if (spec == null) {
      throw new NullPointerException("spec must not be null");
    }
    TestRun<I, O> test;
    synchronized (this) {
      test = new TestRun<>(this, spec, lanes.productionNames(), startedAt);
      lanes.addTest(test, takeOver);
      tests.add(test);
      forgetOldTests();
      active = tests.stream().filter(TestRun::active).toList();
    }
    wakeHousekeeping.run();
    commands.started(test);
    return test;
  }

  /** What applies commands to this endpoint. */
  public FleetCommands<I, O> commands() {
    return commands;
  }

  /** Keeps at most MAX_TESTS_KEPT tests, dropping the oldest inactive ones. Holds this. */
  private void forgetOldTests() {
    for (int i = 0; i < tests.size() && tests.size() > MAX_TESTS_KEPT; ) {
      if (tests.get(i).active()) {
        i++;
      } else {
        tests.remove(i);
      }
    }
    labelled = tests.stream().filter(TestRun::hasGroundTruth).toList();
  }

  public synchronized List<ShadowTest> list() {
    return List.copyOf(tests);
  }

  /** Housekeeping (watchdog thread): ticks every active test. */
  public void tick() {
    List<TestRun<I, O>> now = active;
    if (now.isEmpty()) {
      return;
    }
    boolean changed = false;
    for (TestRun<I, O> t : now) {
      t.tick();
      changed |= !t.active();
    }
    if (changed) {
      synchronized (this) {
        active = tests.stream().filter(TestRun::active).toList();
      }
    }
  }

  /** True while a test's lanes are in place: housekeeping keeps ticking. */
  public boolean pending() {
    return !active.isEmpty();
  }

  /** Stops every running test (the endpoint closes). */
  public void closeAll() {
    for (TestRun<I, O> t : active) {
      t.close();
    }
  }

  public void recordOutcome(String requestId, Object actual) {
    if (requestId == null || actual == null) {
      throw new NullPointerException((requestId == null ? "requestId" : "actual")
          + " must not be null");
    }
    boolean joined = false;
    for (TestRun<I, O> t : labelled) {
      joined |= t.join(requestId, actual);
    }
    if (!joined) {
      unmatchedLabels.increment();
    }
  }

  // ---- TestHost ----------------------------------------------------------------------------------

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public String requestId(Exchange<?, ?> ex) {
    return ex.requestId(ids);
  }

  @Override
  public long unmatchedLabels() {
    return unmatchedLabels.sum();
  }

  @Override
  public void endedOnPool() {
    wakeHousekeeping.run();
  }

  @Override
  public void removeLanes(TestRun<I, O> test) {
    lanes.removeTest(test);
  }

  @Override
  public void changeSamplingRate(TestRun<I, O> test, double rate) {
    lanes.changeSamplingRate(test, rate);
  }

  @Override
  public FleetPeers<I, O> fleet() {
    return fleet;
  }

  @Override
  public java.util.List<String> promote(TestRun<I, O> test) {
    return lanes.promote(test.candidateName(), test);
  }
}
