package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.ledger.VariantLedger;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A production variant compiled for the hot path. Immutable; its ledger is thread-safe. */
public final class ProductionLane<I, O> {
  public final Variant<I, O> variant;
  public final String name;
  public final Predictor<I, O> predictor;
  /** Non-null for an async production variant (timed to its stage's completion when sampled). */
  public final dev.shadowrouting.AsyncPredictor<I, O> asyncPredictor;
  public final VariantLedger ledger;

  public ProductionLane(Variant<I, O> variant, VariantLedger ledger) {
    this.variant = variant;
    this.name = variant.name();
    this.predictor = variant.predictor();
    this.asyncPredictor = variant.asyncPredictor();
    this.ledger = ledger;
  }

  /** The path of a request no shadow sampled: the call, one counter, nothing else. */
  public O callUnsampled(I input) throws Exception {
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

  /**
   * The path of a request no shadow sampled, for an async variant: the call, one counter when its
   * stage completes, and {@code result} completed with the output or the failure (a
   * {@code CompletionException} unwrapped), on the thread that completed the stage.
   */
  public void callUnsampledAsync(I input, CompletableFuture<O> result) {
    CompletionStage<O> stage;
    try {
      stage = startAsync(input);
    } catch (Throwable t) {
      ledger.countCall(Outcome.ERROR);
      result.completeExceptionally(t);
      return;
    }
    stage.whenComplete((out, failure) -> {
      if (failure == null) {
        ledger.countCall(Outcome.SUCCESS);
        result.complete(out);
      } else {
        ledger.countCall(Outcome.ERROR);
        result.completeExceptionally(Exchange.unwrap(failure));
      }
    });
  }

  /** Calls the async predictor: its stage, never null (a null one is a failure to start). */
  CompletionStage<O> startAsync(I input) throws Exception {
    CompletionStage<O> stage = asyncPredictor.predictAsync(input);
    if (stage == null) {
      throw new NullPointerException("AsyncPredictor returned null");
    }
    return stage;
  }
}
