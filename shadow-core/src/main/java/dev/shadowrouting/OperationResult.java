package dev.shadowrouting;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an operation on a live endpoint did ({@link ShadowOperations}): applied, published to the
 * fleet (which applies it on every instance), or refused with structured {@link Problem}s an
 * adapter maps onto its own field names and status codes (the Actuator endpoint answers 400, 404,
 * 409 or 503 from {@link #status()}). Immutable and thread-safe.
 *
 * @param status applied, published, or why not
 * @param message one sentence for a person: what was done, or why not
 * @param problems empty when applied; otherwise each field that stopped it
 * @param test the shadow test the operation started or acted on, if any
 */
public record OperationResult(Status status, String message, List<Problem> problems,
    @Nullable ShadowTest test) {

  /** Applied, or the kind of refusal. */
  public enum Status {
    /** Done. */
    APPLIED,
    /**
     * Checked here and published to the endpoint's {@link Fleet} as a command, which every
     * instance, this one included, applies when the fleet delivers it (HTTP 202).
     */
    PUBLISHED,
    /** A value is missing or out of its range (HTTP 400). */
    INVALID,
    /** It names a variant or test the endpoint does not have (HTTP 404). */
    NOT_FOUND,
    /** The endpoint's state refuses it now, e.g. promoting a running test without force (409). */
    CONFLICT,
    /** The fleet could not take the command now (its transport is unreachable): retry (503). */
    UNAVAILABLE
  }

  public OperationResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(message, "message");
    problems = List.copyOf(problems);
  }

  static OperationResult applied(String message, @Nullable ShadowTest test) {
    return new OperationResult(Status.APPLIED, message, List.of(), test);
  }

  static OperationResult refused(Status status, Problem problem) {
    return new OperationResult(status, problem.message(), List.of(problem), null);
  }

  /** True if the operation was applied. */
  public boolean applied() {
    return status == Status.APPLIED;
  }

  /** True if the operation was applied here or published to the fleet: not refused. */
  public boolean accepted() {
    return status == Status.APPLIED || status == Status.PUBLISHED;
  }
}
