package dev.shadowrouting;

/**
 * How one variant call ended. Every sampled shadow copy ends in exactly one of these, so
 * {@code sampled = success + error + timeout + rejected} holds per shadow variant. Immutable.
 */
public enum Outcome {
  /** The predictor returned a value (possibly {@code null}). */
  SUCCESS,
  /** The predictor threw; {@link ShadowRecord#errorType()} names the exception class. */
  ERROR,
  /** A shadow call exceeded its {@link Variant#timeout()}; its late result, if any, was discarded. */
  TIMEOUT,
  /** The copy was never run; {@link ShadowRecord#rejectReason()} says why. */
  REJECTED
}
