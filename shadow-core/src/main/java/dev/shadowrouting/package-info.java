/**
 * shadow-routing's API: SageMaker-style shadow variants and shadow tests inside a JVM application.
 *
 * <p>Configure an endpoint ({@link dev.shadowrouting.EndpointConfig}) with production and shadow
 * {@link dev.shadowrouting.Variant}s, each a {@link dev.shadowrouting.Predictor} (or an
 * {@link dev.shadowrouting.AsyncPredictor}); run it with {@link dev.shadowrouting.ShadowRouter}:
 * production answers every request on the caller's thread while sampled copies go to the shadows on
 * a bounded pool, are compared ({@link dev.shadowrouting.OutputComparator}) and recorded
 * ({@link dev.shadowrouting.ShadowRecord}) to sinks ({@link dev.shadowrouting.ShadowSink}).
 * {@link dev.shadowrouting.RouterSnapshot} has the live statistics. A time-boxed shadow test
 * ({@link dev.shadowrouting.ShadowTestSpec}, {@link dev.shadowrouting.ShadowTest}) turns that into
 * an anytime-valid {@link dev.shadowrouting.Verdict} and a promote-or-discard decision.
 *
 * <p>Every public type says its thread-safety; configuration and records are immutable. Methods
 * and fields that may be {@code null} are annotated {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package dev.shadowrouting;

import org.jspecify.annotations.NullMarked;
