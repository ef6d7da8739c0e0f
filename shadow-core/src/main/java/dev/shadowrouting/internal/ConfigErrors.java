package dev.shadowrouting.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects every configuration error of one {@code build()} so the user sees them all at once
 * (like Micrometer's {@code Validated}), then throws one {@link IllegalArgumentException}.
 * Messages follow one pattern: field, allowed range, actual value. Not thread-safe (one per build).
 */
public final class ConfigErrors {
  private final String subject;
  private final List<String> errors = new ArrayList<>();

  public ConfigErrors(String subject) {
    this.subject = subject;
  }

  public void add(String message) {
    errors.add(message);
  }

  public void addAll(ConfigErrors other) {
    errors.addAll(other.errors);
  }

  public void requireName(String field, String value) {
    if (value == null || value.isBlank()) {
      add(field + " must be a non-blank string but was " + quote(value));
    } else if (value.length() > 200) {
      add(field + " must be at most 200 characters but was " + value.length() + " characters");
    }
  }

  public void requireNonNull(String field, Object value) {
    if (value == null) {
      add(field + " must not be null");
    }
  }

  public void requireInRange(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      add(field + " must be in [" + min + ", " + max + "] but was " + value);
    }
  }

  public void requireFiniteAtLeast(String field, double value, double min) {
    if (!(value >= min) || Double.isInfinite(value)) {
      add(field + " must be a finite number >= " + min + " but was " + value);
    }
  }

  public void requireInRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      add(field + " must be in [" + min + ", " + max + "] but was " + value);
    }
  }

  /** A duration in (0, max]: bounded so that nanosecond arithmetic on it cannot overflow. */
  public void requirePositive(String field, Duration value, Duration max) {
    if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
      add(field + " must be a duration in (0, " + max + "] but was " + value);
    }
  }

  /** A duration in [0, max]: bounded so that nanosecond arithmetic on it cannot overflow. */
  public void requireNotNegative(String field, Duration value, Duration max) {
    if (value == null || value.isNegative() || value.compareTo(max) > 0) {
      add(field + " must be a duration in [0, " + max + "] but was " + value);
    }
  }

  /** A duration in [min, max]. */
  public void requireInRange(String field, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      add(field + " must be a duration in [" + min + ", " + max + "] but was " + value);
    }
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  /** Throws if any error was collected. */
  public void throwIfAny() {
    if (errors.isEmpty()) {
      return;
    }
    if (errors.size() == 1) {
      throw new IllegalArgumentException(subject + ": " + errors.get(0));
    }
    throw new IllegalArgumentException(
        subject + ": " + errors.size() + " errors: " + String.join("; ", errors));
  }

  private static String quote(String value) {
    return value == null ? "null" : '"' + value + '"';
  }
}
