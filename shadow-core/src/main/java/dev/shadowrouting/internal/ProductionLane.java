package dev.shadowrouting.internal;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Variant;

/** A production variant compiled for the hot path. Immutable; its ledger is thread-safe. */
final class ProductionLane<I, O> {
  final Variant<I, O> variant;
  final String name;
  final Predictor<I, O> predictor;
  /** Non-null for an async production variant (timed to its stage's completion when sampled). */
  final dev.shadowrouting.AsyncPredictor<I, O> asyncPredictor;
  final VariantLedger ledger;

  ProductionLane(Variant<I, O> variant, VariantLedger ledger) {
    this.variant = variant;
    this.name = variant.name();
    this.predictor = variant.predictor();
    this.asyncPredictor = variant.asyncPredictor();
    this.ledger = ledger;
  }

  /** The path of a request no shadow sampled: the call, one counter, nothing else. */
  O callUnsampled(I input) throws Exception {
    O out;
    try {
      out = predictor.predict(input);
    } catch (Throwable t) {
      ledger.countCall(Outcome.ERROR);
      throw t; // precise rethrow: the same instance, Exception or unchecked
    }
    ledger.countCall(Outcome.SUCCESS);
    return out;
  }
}
