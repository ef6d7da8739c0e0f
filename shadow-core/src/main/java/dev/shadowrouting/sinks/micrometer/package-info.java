/**
 * A {@link dev.shadowrouting.ShadowSink} that publishes records and router statistics as
 * Micrometer meters. Needs {@code io.micrometer:micrometer-core}, an optional dependency of
 * shadow-core.
 */
@NullMarked
package dev.shadowrouting.sinks.micrometer;

import org.jspecify.annotations.NullMarked;
