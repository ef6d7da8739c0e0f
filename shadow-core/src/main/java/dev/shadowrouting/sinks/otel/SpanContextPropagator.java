package dev.shadowrouting.sinks.otel;

import dev.shadowrouting.ContextPropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Captures the span current on the caller's thread so the shadow span can link to it. Capture-only:
 * the router restores only the endpoint's own propagators, and a shadow call must not run inside
 * the production span anyway, so restore and clear do nothing. Stateless and thread-safe.
 */
final class SpanContextPropagator implements ContextPropagator<SpanContext> {

  @Override
  public SpanContext capture() {
    SpanContext current = Span.current().getSpanContext();
    return current.isValid() ? current : null;
  }

  @Override
  public void restore(SpanContext captured) {}

  @Override
  public void clear() {}
}
