/**
 * A {@link dev.shadowrouting.ShadowSink} that publishes records as OpenTelemetry spans (linked to
 * production's) and metrics. Needs {@code io.opentelemetry:opentelemetry-api}, an optional
 * dependency of shadow-core.
 */
@NullMarked
package dev.shadowrouting.sinks.otel;

import org.jspecify.annotations.NullMarked;
