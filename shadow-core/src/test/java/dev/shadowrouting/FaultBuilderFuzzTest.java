package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Property-based fuzzing of every builder: whatever the input, it builds, or it throws an
 * {@link InvalidConfigurationException} that names every invalid field, with one {@link Problem}
 * per line of its message. Nothing else escapes (no
 * NullPointerException, no ArithmeticException). Each property checks the builder against an
 * independent statement of the documented ranges, so "builds" is also checked to happen exactly
 * when every field is valid.
 */
class FaultBuilderFuzzTest {

  private static final int EXAMPLES = 2_000;
  private static final Predictor<Object, Object> IDENTITY = in -> in;

  // ---- generators: the edges first, then anything -------------------------------------------

  private static Gen<String> names() {
    Gen<String> edges = Generate.pick(Arrays.asList(
        "", " ", "\t\n", "a", "prod", "x".repeat(200), "x".repeat(201), "ünï-cødé ✓"));
    Gen<String> any = strings().allPossible().ofLengthBetween(0, 220);
    return nullable(edges.mix(any, 50));
  }

  private static Gen<Double> doublesWithEdges() {
    Gen<Double> edges = Generate.pick(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, -0.0, 0.0, Double.MIN_VALUE, 0.5, 1.0, Math.nextUp(1.0), -1.0,
        Double.MAX_VALUE, -Double.MAX_VALUE));
    return edges.mix(doubles().any(), 50);
  }

  private static Gen<Integer> intsWithEdges() {
    Gen<Integer> edges = Generate.pick(Arrays.asList(Integer.MIN_VALUE, -1, 0, 1, 2, 64, 1024,
        1025, 4096, 4097, 1 << 24, (1 << 24) + 1, Integer.MAX_VALUE));
    return edges.mix(integers().all(), 50);
  }

  private static Gen<Duration> durations() {
    Gen<Duration> edges = Generate.pick(Arrays.asList(Duration.ZERO, Duration.ofNanos(1),
        Duration.ofNanos(-1), Duration.ofMillis(50), Duration.ofDays(1), Duration.ofDays(1).plusNanos(1), Duration.ofDays(365),
        Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofSeconds(Long.MIN_VALUE)));
    Gen<Duration> any = longs().all().map(Duration::ofNanos);
    return nullable(edges.mix(any, 50));
  }

  private static <T> Gen<T> nullable(Gen<T> gen) {
    return gen.toOptionals(10).map(o -> o.orElse(null));
  }

  // ---- the oracle ----------------------------------------------------------------------------

  /** The fields a builder must name, collected from the documented ranges. */
  private static final class Expected {
    final List<String> invalid = new ArrayList<>();

    Expected check(boolean valid, String field) {
      if (!valid) {
        invalid.add(field);
      }
      return this;
    }
  }

  private static boolean validName(String name) {
    return name != null && !name.isBlank() && name.length() <= 200;
  }

  private static boolean positiveAtMost(Duration d, Duration max) {
    return d != null && !d.isNegative() && !d.isZero() && d.compareTo(max) <= 0;
  }

  /** Builds, or throws an InvalidConfigurationException naming each expected field; nothing else. */
  private static <T> void assertBuildsOrNames(Expected expected, Supplier<T> build) {
    Throwable thrown = catchThrowable(build::get);
    if (expected.invalid.isEmpty()) {
      assertThat(thrown).as("every field is valid").isNull();
      return;
    }
    assertThat(thrown).as("invalid: %s", expected.invalid)
        .isExactlyInstanceOf(InvalidConfigurationException.class);
    for (String field : expected.invalid) {
      assertThat(thrown.getMessage()).as("names %s", field).contains(field);
    }
    Matcher count = Pattern.compile(": (\\d+) errors: ").matcher(thrown.getMessage());
    assertThat(((InvalidConfigurationException) thrown).problems()).as("one per line")
        .hasSize(count.find() ? Integer.parseInt(count.group(1)) : 1);
  }

  // ---- properties ------------------------------------------------------------------------------

  @Test
  void variantBuilder() {
    Gen<Object[]> settings = names()
        .zip(booleans().all(), doublesWithEdges(), doublesWithEdges(), durations(),
            (name, hasPredictor, weight, rate, timeout)
                -> new Object[] {name, hasPredictor, weight, rate, timeout})
        .zip(intsWithEdges(), booleans().all(), booleans().all(), (a, maxConcurrency,
            hasComparator, capture) -> {
          Object[] all = Arrays.copyOf(a, 8);
          all[5] = maxConcurrency;
          all[6] = hasComparator;
          all[7] = capture;
          return all;
        });
    qt().withExamples(EXAMPLES).forAll(settings).checkAssert(s -> {
      String name = (String) s[0];
      boolean hasPredictor = (Boolean) s[1];
      double weight = (Double) s[2];
      double rate = (Double) s[3];
      Duration timeout = (Duration) s[4];
      int maxConcurrency = (Integer) s[5];
      Expected expected = new Expected()
          .check(validName(name), "name")
          .check(hasPredictor, "predictor")
          .check(weight >= 0 && Double.isFinite(weight), "weight")
          .check(rate >= 0 && rate <= 1, "samplingRate")
          .check(positiveAtMost(timeout, Variant.MAX_TIMEOUT), "timeout")
          .check(maxConcurrency >= 1 && maxConcurrency <= Variant.MAX_CONCURRENCY_LIMIT,
              "maxConcurrency");
      assertBuildsOrNames(expected, () -> Variant.builder(name, hasPredictor ? IDENTITY : null)
          .weight(weight)
          .samplingRate(rate)
          .timeout(timeout)
          .maxConcurrency(maxConcurrency)
          .comparator((Boolean) s[6] ? OutputComparator.equality() : null)
          .capturePayloads((Boolean) s[7])
          .build());
    });
  }

  /** Which production variants an endpoint gets, and what the builder must say about them. */
  enum ProductionCase {
    ONE(List.of(variant("p", 1.0)), null),
    TWO_WEIGHTED(List.of(variant("p", 3.0), variant("q", 0.0)), null),
    NONE(List.of(), "production"),
    A_NULL(Collections.singletonList(null), "null"),
    ZERO_WEIGHT(List.of(variant("p", 0.0)), "weights"),
    DUPLICATE_NAMES(List.of(variant("p", 1.0), variant("p", 1.0)), "unique");

    final List<Variant<Object, Object>> variants;
    final String error;

    ProductionCase(List<Variant<Object, Object>> variants, String error) {
      this.variants = variants;
      this.error = error;
    }
  }

  private static Variant<Object, Object> variant(String name, double weight) {
    return Variant.builder(name, IDENTITY).weight(weight).build();
  }

  @Test
  void endpointConfigBuilder() {
    Gen<Object[]> settings = names()
        .zip(Generate.enumValues(ProductionCase.class), integers().between(0, 70),
            booleans().all(), intsWithEdges(),
            (name, production, shadows, hasComparator, workers)
                -> new Object[] {name, production, shadows, hasComparator, workers})
        .zip(intsWithEdges(), intsWithEdges(), booleans().all(), booleans().all(),
            (a, queue, buffer, nullSink, hasRedactor) -> {
              Object[] all = Arrays.copyOf(a, 10);
              all[5] = queue;
              all[6] = buffer;
              all[7] = nullSink;
              all[8] = hasRedactor;
              return all;
            })
        .zip(durations(), (a, closeTimeout) -> {
          a[9] = closeTimeout;
          return a;
        });
    qt().withExamples(EXAMPLES).forAll(settings).checkAssert(s -> {
      String name = (String) s[0];
      ProductionCase production = (ProductionCase) s[1];
      int shadowCount = (Integer) s[2];
      int workers = (Integer) s[4];
      int queue = (Integer) s[5];
      int buffer = (Integer) s[6];
      boolean nullSink = (Boolean) s[7];
      Duration closeTimeout = (Duration) s[9];
      Expected expected = new Expected()
          .check(validName(name), "name")
          .check(production.error == null, production.error)
          .check(shadowCount <= EndpointConfig.MAX_SHADOW_VARIANTS, "shadow variants")
          .check((Boolean) s[3], "comparator")
          .check(workers >= 1 && workers <= EndpointConfig.MAX_WORKER_THREADS, "workerThreads")
          .check(queue >= 1 && queue <= EndpointConfig.MAX_QUEUE_CAPACITY, "queueCapacity")
          .check(buffer >= 1 && buffer <= EndpointConfig.MAX_QUEUE_CAPACITY,
              "sinkBufferCapacity")
          .check(!nullSink, "sinks")
          .check((Boolean) s[8], "redactor")
          .check(closeTimeout != null && !closeTimeout.isNegative()
              && closeTimeout.compareTo(EndpointConfig.MAX_CLOSE_TIMEOUT) <= 0, "closeTimeout");
      List<Variant<Object, Object>> shadows = new ArrayList<>();
      for (int i = 0; i < shadowCount; i++) {
        shadows.add(variant("shadow-" + i, 1.0));
      }
      assertBuildsOrNames(expected, () -> EndpointConfig.<Object, Object>builder(name)
          .productionVariants(production.variants)
          .shadowVariants(shadows)
          .comparator((Boolean) s[3] ? OutputComparator.equality() : null)
          .workerThreads(workers)
          .queueCapacity(queue)
          .sinkBufferCapacity(buffer)
          .sink(nullSink ? null : ShadowSink.noop())
          .redactor((Boolean) s[8] ? Redactor.identity() : null)
          .closeTimeout(closeTimeout)
          .build());
    });
  }

  @Test
  void endpointConfigListSettersRejectNullWithTheFieldNamed() {
    Expected production = new Expected().check(false, "productionVariants");
    assertBuildsOrNames(production, () -> EndpointConfig.<Object, Object>builder("e")
        .productionVariants(null).build());
    Expected shadows = new Expected().check(false, "shadowVariants");
    assertBuildsOrNames(shadows, () -> EndpointConfig.<Object, Object>builder("e")
        .production(variant("p", 1.0)).shadowVariants(null).build());
  }

  @Test
  void requestBuilderAcceptsAnything() {
    qt().withExamples(EXAMPLES).forAll(names(), names(), names())
        .checkAssert((id, key, target) -> {
          Request r = Request.builder().requestId(id).samplingKey(key).targetVariant(target)
              .build();
          assertThat(r.requestId()).isEqualTo(id);
          assertThat(r.samplingKey()).isEqualTo(key);
          assertThat(r.targetVariant()).isEqualTo(target);
          assertThat(r.toString()).isNotNull();
        });
  }

  @Test
  void numericTolerance() {
    qt().withExamples(EXAMPLES).forAll(doublesWithEdges(), doublesWithEdges())
        .checkAssert((absolute, relative) -> {
          Expected expected = new Expected()
              .check(absolute >= 0 && Double.isFinite(absolute), "absolute")
              .check(relative >= 0 && Double.isFinite(relative), "relative");
          assertBuildsOrNames(expected,
              () -> OutputComparator.numericTolerance(absolute, relative));
        });
  }
}
