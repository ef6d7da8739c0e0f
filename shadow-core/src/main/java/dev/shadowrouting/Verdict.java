package dev.shadowrouting;

/**
 * The outcome of a shadow test's statistical checks, or of one check.
 *
 * <ul>
 *   <li>{@link #PASS}: every applicable check shows, with anytime-valid confidence, that the
 *       candidate is within its threshold (and the spec's optional {@code minSamples} were seen);
 *   <li>{@link #FAIL}: at least one check shows, with anytime-valid confidence, that the candidate
 *       is beyond its threshold;
 *   <li>{@link #INCONCLUSIVE}: not enough evidence either way (yet, or at the end of the time box).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public enum Verdict {
  PASS,
  FAIL,
  INCONCLUSIVE
}
