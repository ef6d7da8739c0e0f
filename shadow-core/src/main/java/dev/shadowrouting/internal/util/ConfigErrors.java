package dev.shadowrouting.internal.util;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.Problem;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Collects every configuration problem of one {@code build()} so the user sees them all at once
 * (like Micrometer's {@code Validated}), then throws one {@link InvalidConfigurationException}:
 * its message lists them for a person, its {@link InvalidConfigurationException#problems()} gives
 * them to code as {@link Problem}s (field, value, requirement), which adapters such as the Spring
 * starter map onto their own names without parsing text.
 *
 * <p><b>Field paths.</b> A field is named as its builder's setter is ({@code samplingRate},
 * {@code workerThreads}); a part of a setting after a dot ({@code groundTruth.maxEntries},
 * {@code flushPolicy.interval}). A builder validated inside another one ({@link #nested}) has its
 * fields prefixed with its place there and a dot: an element of a list by the list's field and
 * the element's name in brackets ({@code shadowVariants[v2].samplingRate},
 * {@code productionVariants[v1].name}), a single value by its field
 * ({@code candidate.timeout}). {@code [*]} stands for all elements together
 * ({@code productionVariants[*].weight}: their sum). A name in brackets is the variant's name as
 * given, so it may itself contain dots or brackets: an adapter that splits a path takes the last
 * {@code ]} as the end of the name (no field of a variant contains one).
 *
 * <p><b>Messages.</b> Each problem is one line, "{field} must be {requirement} but was {value}"
 * ({@link Problem#message()}); lines older than {@link Problem} keep their wording (users and
 * tests match on them) while their Problem carries the same facts, and in them a part of a setting
 * is named with a space ("groundTruth maxEntries"). A nested builder's lines start with its path.
 * The exception's message is "{subject}: {line}", or "{subject}: {n} errors: {line}; {line}..."
 * for more than one.
 *
 * <p>Not thread-safe (one per build).
 */
public final class ConfigErrors {
  private final String subject;
  /** "" for a builder's own fields, "shadowVariants[v2]." for a nested builder's. */
  private final String path;
  private final List<Problem> problems;
  private final List<String> lines;

  public ConfigErrors(String subject) {
    this.subject = subject;
    this.path = "";
    this.problems = new ArrayList<>();
    this.lines = new ArrayList<>();
  }

  /** A view for a nested builder: what it adds goes into {@code outer}, under {@code path}. */
  private ConfigErrors(ConfigErrors outer, String path) {
    this.subject = outer.subject;
    this.path = outer.path + path + ".";
    this.problems = outer.problems;
    this.lines = outer.lines;
  }

  /** A problem whose line is its {@link Problem#message()}. */
  public void add(Problem problem) {
    add(problem, problem.message());
  }

  /** A problem whose line keeps the wording it had before problems were structured. */
  public void add(Problem problem, String line) {
    problems.add(path.isEmpty() ? problem
        : new Problem(path + problem.field(), problem.value(), problem.requirement()));
    lines.add(path + line);
  }

  /**
   * Validates a builder inside this one: {@code check} adds its problems through a view that puts
   * {@code path} (e.g. {@code "shadowVariants[v2]"}) before each field and line.
   *
   * @return true if {@code check} found nothing, so the nested builder can be built
   */
  public boolean nested(String path, Consumer<ConfigErrors> check) {
    int before = problems.size();
    check.accept(new ConfigErrors(this, path));
    return problems.size() == before;
  }

  public void requireName(String field, String value) {
    if (value == null || value.isBlank()) {
      add(new Problem(field, value, "a non-blank string"),
          label(field) + " must be a non-blank string but was " + quote(value));
    } else if (value.length() > 200) {
      add(new Problem(field, value, "at most 200 characters"),
          label(field) + " must be at most 200 characters but was " + value.length()
              + " characters");
    }
  }

  public void requireNonNull(String field, Object value) {
    if (value == null) {
      add(new Problem(field, null, "non-null"), label(field) + " must not be null");
    }
  }

  public void requireInRange(String field, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      add(field, value, "in [" + min + ", " + max + "]");
    }
  }

  public void requireFiniteAtLeast(String field, double value, double min) {
    if (!(value >= min) || Double.isInfinite(value)) {
      add(field, value, "a finite number >= " + min);
    }
  }

  public void requireInRange(String field, long value, long min, long max) {
    if (value < min || value > max) {
      add(field, value, "in [" + min + ", " + max + "]");
    }
  }

  /** A duration in (0, max]: bounded so that nanosecond arithmetic on it cannot overflow. */
  public void requirePositive(String field, Duration value, Duration max) {
    if (value == null || value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
      add(field, value, "a duration in (0, " + max + "]");
    }
  }

  /** A duration in [0, max]: bounded so that nanosecond arithmetic on it cannot overflow. */
  public void requireNotNegative(String field, Duration value, Duration max) {
    if (value == null || value.isNegative() || value.compareTo(max) > 0) {
      add(field, value, "a duration in [0, " + max + "]");
    }
  }

  /** A duration in [min, max]. */
  public void requireInRange(String field, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      add(field, value, "a duration in [" + min + ", " + max + "]");
    }
  }

  /** Throws if any problem was collected. */
  public void throwIfAny() {
    if (lines.isEmpty()) {
      return;
    }
    if (lines.size() == 1) {
      throw new InvalidConfigurationException(subject + ": " + lines.get(0), problems);
    }
    throw new InvalidConfigurationException(
        subject + ": " + lines.size() + " errors: " + String.join("; ", lines), problems);
  }

  private void add(String field, Object value, String requirement) {
    add(new Problem(field, value, requirement),
        label(field) + " must be " + requirement + " but was " + value);
  }

  /** The field as lines name it: a part of a setting after a space, as they always have. */
  private static String label(String field) {
    return field.replace('.', ' ');
  }

  private static String quote(String value) {
    return value == null ? "null" : '"' + value + '"';
  }
}
