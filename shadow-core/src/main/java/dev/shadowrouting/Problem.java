package dev.shadowrouting;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with a configuration or an operation, structured so that an adapter can map it
 * onto its own names (a YAML property path, a JSON field) without parsing text: the
 * {@link #field} as the core API names it (e.g. {@code samplingRate}, {@code shadows[v2].timeout}),
 * the {@link #value} that was given (null when it was missing), and the {@link #requirement} it
 * failed (e.g. {@code "in [0.0, 1.0]"}, {@code "a shadow variant of endpoint 'fraud'"}).
 * Immutable and thread-safe.
 *
 * @param field the field, in the core API's names
 * @param value the value given, or {@code null} when it was missing
 * @param requirement what the value must be, phrased to follow "must be"
 */
public record Problem(String field, @Nullable Object value, String requirement) {

  public Problem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(requirement, "requirement");
  }

  /** "{field} must be {requirement} but was {value}". */
  public String message() {
    return field + " must be " + requirement + " but was " + value;
  }

  @Override
  public String toString() {
    return message();
  }
}
