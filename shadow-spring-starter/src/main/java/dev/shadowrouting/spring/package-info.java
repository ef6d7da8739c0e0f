/**
 * shadow-routing's Spring Boot starter: endpoints from {@code shadow-routing.*} properties, the
 * Actuator endpoint {@code shadow} (a thin adapter over core's operations API) and the dashboard.
 * Methods and fields that may be {@code null} are annotated
 * {@link org.jspecify.annotations.Nullable}; everything else is non-null.
 */
@NullMarked
package dev.shadowrouting.spring;

import org.jspecify.annotations.NullMarked;
