package dev.shadowrouting.internal.lanes;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Variant;
import dev.shadowrouting.internal.ledger.VariantLedger;

/**
 * What the routing engine knows of a shadow test: the lanes it owns (its candidate and optional
 * A/A copy) and where their copies' ends go. The engine holds tests only through this interface,
 * so the test's life cycle ({@code tests.TestRun}) depends on the engine and never the reverse.
 * Implementations are thread-safe.
 */
public interface TestLane<I, O> {

  String candidateName();

  /** The A/A copy's name, or null. */
  String noiseName();

  Variant<I, O> candidateVariant();

  /** The A/A copy's variant, or null. */
  Variant<I, O> noiseVariant();

  boolean isRunning();

  /** Under the lanes' lock, before the lanes are published: the ledgers its copies count into. */
  void attach(VariantLedger candidate, VariantLedger noise);

  /** Under the lanes' lock: the test's variants with a new sampling rate. */
  void samplingRateChanged(Variant<I, O> candidate, Variant<I, O> noise);

  /**
   * One copy of the candidate ({@code noise == false}) or of the A/A copy ended with
   * {@code outcome} (SUCCESS, ERROR or TIMEOUT), on a pool worker: must not block or lock.
   */
  void observe(Exchange<I, O> ex, boolean noise, Outcome outcome, long runNanos,
      long queueWaitNanos, long routerNanos, Comparison comparison, O output);
}
