package dev.shadowrouting;

import java.util.List;

/**
 * A configuration or an operation was refused: every {@link Problem} found at once, each naming
 * its field, its value and what it must be. Thrown by the builders' {@code build()} and by
 * operations on a live endpoint; the message lists the problems for a person, {@link #problems()}
 * gives them to code (the Spring starter maps each field onto its property path). Immutable.
 */
public class InvalidConfigurationException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<Problem> problems;

  public InvalidConfigurationException(String message, List<Problem> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  /** The problems, in the order they were found; never empty. */
  public List<Problem> problems() {
    return problems;
  }
}
