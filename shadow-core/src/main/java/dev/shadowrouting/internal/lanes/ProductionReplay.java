package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.Predictor;

/**
 * The predictor of a shadow test's A/A noise copy: a marker, never called. A lane whose variant
 * has it calls the production variant that answered the request instead, so the copy measures
 * production's own nondeterminism and the pool's latency noise. Stateless and thread-safe.
 */
public final class ProductionReplay<I, O> implements Predictor<I, O> {

  @Override
  public O predict(I input) {
    throw new UnsupportedOperationException("the A/A copy runs the production variant instead");
  }

  @Override
  public String toString() {
    return "production replay (A/A noise baseline)";
  }
}
