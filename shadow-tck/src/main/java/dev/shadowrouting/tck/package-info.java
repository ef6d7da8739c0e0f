/**
 * Compatibility kits (JUnit Jupiter) for your own implementations of shadow-routing's extension
 * points, in the manner of Micrometer's {@code micrometer-test}: extend a kit in your test sources,
 * say how to build your implementation, and every check of the contract runs against it.
 *
 * <ul>
 *   <li>{@link dev.shadowrouting.tck.ShadowSinkCompatibilityKit} for a
 *       {@link dev.shadowrouting.ShadowSink};
 *   <li>{@link dev.shadowrouting.tck.PredictorCompatibilityKit} for a
 *       {@link dev.shadowrouting.Predictor};
 *   <li>{@link dev.shadowrouting.tck.OutputComparatorCompatibilityKit} for an
 *       {@link dev.shadowrouting.OutputComparator}.
 * </ul>
 *
 * <p>Add {@code dev.shadowrouting:shadow-tck} with {@code <scope>test</scope>} next to
 * {@code org.junit.jupiter:junit-jupiter}. The kits bring {@code junit-jupiter-api} and AssertJ.
 */
@NullMarked
package dev.shadowrouting.tck;

import org.jspecify.annotations.NullMarked;
