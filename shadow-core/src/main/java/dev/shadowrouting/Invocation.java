package dev.shadowrouting;

import org.jspecify.annotations.Nullable;

/**
 * The result of {@link ShadowRouter#invoke}: the production output, the production variant that
 * produced it, and the request id under which its records (and late ground truth) are filed.
 * Immutable and thread-safe (the output itself is whatever the predictor returned).
 *
 * @param <O> output type
 */
public final class Invocation<O extends @Nullable Object> {
  private final O output;
  private final String variant;
  private final String requestId;

  private Invocation(O output, String variant, String requestId) {
    this.output = output;
    this.variant = variant;
    this.requestId = requestId;
  }

  /** An invocation result (the router builds them; public for tests of code that consumes them). */
  public static <O extends @Nullable Object>
      Invocation<O> of(O output, String variant, String requestId) {
    return new Invocation<>(output, variant, requestId);
  }

  /** What the production variant returned. */
  public O output() {
    return output;
  }

  /** The name of the production variant that answered. */
  public String variant() {
    return variant;
  }

  /** The request's id: the caller's, or one the router generated. Never {@code null}. */
  public String requestId() {
    return requestId;
  }

  @Override
  public String toString() {
    return "Invocation[variant=" + variant + ", requestId=" + requestId + ']';
  }
}
