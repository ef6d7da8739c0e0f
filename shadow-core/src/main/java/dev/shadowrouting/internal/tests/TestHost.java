package dev.shadowrouting.internal.tests;

import dev.shadowrouting.internal.lanes.Exchange;
import java.util.List;

/**
 * What a {@link TestRun} may ask of the endpoint it runs on: the narrow interface that keeps the
 * test's life cycle out of the router (no import circle, no call back into the caller's path).
 * Implemented by {@link ShadowTests}. Every method is called off the pool's workers: the ones that
 * take the endpoint's configuration lock never run on a thread that ends copies.
 */
public interface TestHost<I, O> {

  /** The endpoint's name. */
  String endpoint();

  /** The request id of a sampled request (generated once, on first need). */
  String requestId(Exchange<?, ?> ex);

  /** Labels that matched no kept test's request (for the report). */
  long unmatchedLabels();

  /**
   * A test ended on a pool worker (budget or guard): its lanes are removed at the next
   * housekeeping, on the watchdog, so no worker takes the configuration lock.
   */
  void endedOnPool();

  /** Removes the lanes of an ended test; idempotent. */
  void removeLanes(TestRun<I, O> test);

  /** Changes the running test's sampling rate (its candidate and A/A copy) atomically. */
  void changeSamplingRate(TestRun<I, O> test, double rate);

  /**
   * The one promote primitive: makes the ended test's candidate the only production variant and
   * removes its lanes, in one configuration swap.
   *
   * @return the production variants it replaced
   */
  List<String> promote(TestRun<I, O> test);

  /** The endpoint's fleet membership, or null when the endpoint has no fleet. */
  FleetPeers<I, O> fleet();
}
