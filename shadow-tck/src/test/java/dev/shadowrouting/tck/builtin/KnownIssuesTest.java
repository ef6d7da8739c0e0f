package dev.shadowrouting.tck.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.tck.KitRunner;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Built-in implementations that fail a check of the kit. Each test runs the full kit through the
 * JUnit Platform and asserts that exactly the known check fails, for the known reason, and every
 * other check passes. When the implementation is fixed its test here fails: then delete it, and
 * the {@code @Disabled} override or the split-off sample data it names.
 */
class KnownIssuesTest {

  /**
   * {@code JsonLinesSink} writes through a {@code FileChannel}, which an interrupted thread closes
   * ({@code ClosedByInterruptException}): the buffered records are dropped, and so is every record
   * of the next second (the sink's reopen back-off). A router's delivery thread is a thread like
   * any other: one interrupt there costs a second of records.
   */
  @Test
  void jsonLinesSinkLosesRecordsAfterAnInterruptedFlush() {
    Map<String, KitRunner.Check> checks = KitRunner.run(JsonLinesSinkFullKit.class);
    assertOnlyFailure(checks, "interruptedCaller", "records accepted after a call on an"
        + " interrupted thread", "the sink reports 0;"); // every one of them lost
  }

  /**
   * {@code numericTolerance(abs, rel)} with {@code rel > 0} computes {@code |p - s| <= rel *
   * max(|p|, |s|)} as {@code Infinity <= Infinity} when one side is infinite: every finite number
   * MATCHes +Infinity, and +Infinity MATCHes -Infinity.
   */
  @Test
  void numericToleranceTakesEveryNumberToBeNearInfinity() {
    Map<String, KitRunner.Check> checks = KitRunner.run(NumericToleranceWithInfinities.class);
    assertOnlyFailure(checks, "mismatchesDifferentPairs", "compare(1.0, Infinity): MATCH");
  }

  private static void assertOnlyFailure(Map<String, KitRunner.Check> checks, String check,
      String... message) {
    assertThat(checks).containsKey(check);
    assertThat(checks.get(check).failed())
        .as("%s now passes: the issue is fixed; remove this test and its @Disabled override or"
            + " split-off data", check).isTrue();
    assertThat(checks.get(check).message()).contains(message);
    List<KitRunner.Check> others = checks.values().stream()
        .filter(c -> !c.name().equals(check) && c.failed()).toList();
    assertThat(others).as("other checks failing").isEmpty();
  }

  /**
   * The kit over {@code JsonLinesSink}, no check disabled. Its clock stands still, so that the
   * sink's 1 s back-off cannot expire during the check on a slow machine: the outcome does not
   * depend on timing (with the system clock the check fails the same way, in milliseconds).
   */
  @Tag("kit-fixture")
  static class JsonLinesSinkFullKit extends JsonLinesSinkKit {
    private static final Clock STILL = Clock.fixed(Instant.parse("2026-11-23T10:15:30Z"),
        ZoneOffset.UTC);

    @Override
    protected JsonLinesSink createSink() {
      return JsonLinesSink.builder(root.resolve("full-kit-" + System.nanoTime())).clock(STILL)
          .build();
    }
  }

  /** The numeric-tolerance kit with infinities among the pairs that must MISMATCH. */
  @Tag("kit-fixture")
  static class NumericToleranceWithInfinities extends NumericToleranceComparatorCompatibilityTest {
    @Override
    protected List<Map.Entry<Object, Object>> differentPairs() {
      return List.of(Map.entry(1.0, Double.POSITIVE_INFINITY),
          Map.entry(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY),
          Map.entry(new double[] {1e300}, new double[] {Double.NEGATIVE_INFINITY}));
    }
  }
}
