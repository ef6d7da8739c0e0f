package dev.shadowrouting.spring;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code shadow-routing} configuration is invalid: thrown at start-up with every problem found,
 * each naming the property, its value and what is allowed (a range, or the bean names available).
 * {@link ShadowRoutingFailureAnalyzer} turns it into Spring Boot's start-up failure report.
 */
public class ShadowRoutingConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public ShadowRoutingConfigurationException(List<Problem> problems) {
    this(problems, null);
  }

  public ShadowRoutingConfigurationException(List<Problem> problems, Throwable cause) {
    super(message(problems), cause);
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in the order of the configuration. */
  public List<Problem> problems() {
    return problems;
  }

  private static String message(List<Problem> problems) {
    List<String> lines = new ArrayList<>();
    for (Problem p : problems) {
      lines.add(p.toString());
    }
    return "Invalid shadow-routing configuration: " + String.join("; ", lines);
  }

  /**
   * One invalid property.
   *
   * @param property the full property path, e.g. {@code shadow-routing.endpoints.fraud.shadows.v2.sampling-rate}
   * @param value the value as configured ({@code null} if missing)
   * @param requirement what is allowed: a range, or the bean names available
   */
  public record Problem(String property, Object value, String requirement) {

    public Problem {
      Objects.requireNonNull(property, "property");
      Objects.requireNonNull(requirement, "requirement");
    }

    @Override
    public String toString() {
      return property + (value == null ? " is not set" : " = " + value) + ": " + requirement;
    }
  }
}
