package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The builders' problems are structured (field, value, requirement) for adapters, fields of
 * builders validated inside others under their path, while the messages stay as they were.
 */
class ConfigProblemsTest {

  private static final Predictor<String, String> ID = in -> in;

  private static InvalidConfigurationException thrown(Runnable build) {
    InvalidConfigurationException e =
        catchThrowableOfType(InvalidConfigurationException.class, build::run);
    assertThat(e).as("thrown").isNotNull();
    return e;
  }

  @Test
  void aRangeProblemIsItsMessage() {
    InvalidConfigurationException e = thrown(() -> Variant.builder("v", ID).samplingRate(1.5)
        .build());
    assertThat(e.problems()).containsExactly(new Problem("samplingRate", 1.5, "in [0.0, 1.0]"));
    assertThat(e).hasMessage("variant 'v' is invalid: " + e.problems().get(0).message());
  }

  @Test
  void olderWordingKeepsItsLineAndGainsAProblem() {
    InvalidConfigurationException name = thrown(() -> Variant.builder(" ", null).build());
    assertThat(name).hasMessage("variant ' ' is invalid: 2 errors: name must be a non-blank"
        + " string but was \" \"; predictor must not be null");
    assertThat(name.problems()).containsExactly(new Problem("name", " ", "a non-blank string"),
        new Problem("predictor", null, "non-null"));

    InvalidConfigurationException sum = thrown(() -> EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("a", ID).weight(0).build()).build());
    assertThat(sum).hasMessage(
        "endpoint 'e' is invalid: the sum of production weights must be > 0 but was 0.0");
    assertThat(sum.problems())
        .containsExactly(new Problem("productionVariants[*].weight", 0.0, "> 0 in total"));

    InvalidConfigurationException groundTruth = thrown(() -> ShadowTestSpec
        .builder(Variant.builder("c", ID).build()).groundTruth(0, Duration.ofMinutes(1)).build());
    assertThat(groundTruth).hasMessage("shadow test of 'c' is invalid: groundTruth maxEntries"
        + " must be in [1, 10000000] but was 0");
    assertThat(groundTruth.problems())
        .containsExactly(new Problem("groundTruth.maxEntries", 0L, "in [1, 10000000]"));
  }

  @Test
  void endpointProblemsNameTheListAndTheVariant() {
    Variant<String, String> a = Variant.builder("a", ID).build();
    InvalidConfigurationException e = thrown(() -> EndpointConfig.<String, String>builder("e")
        .production(a).shadow(a).workerThreads(0).build());
    assertThat(e.problems()).containsExactly(
        new Problem("shadowVariants[a].name", "a", "unique among the endpoint's variants"),
        new Problem("workerThreads", 0L, "in [1, 1024]"));
    assertThat(thrown(() -> EndpointConfig.<String, String>builder("e").build()).problems())
        .containsExactly(new Problem("productionVariants", 0, "at least 1 variant"));
    assertThat(thrown(() -> EndpointConfig.<String, String>builder("e")
        .productionVariants(null)).problems())
        .containsExactly(new Problem("productionVariants", null, "a list (possibly empty)"));
  }

  @Test
  void variantBuildersAreValidatedWithTheEndpointUnderTheirPath() {
    InvalidConfigurationException e = thrown(() -> EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("v1", ID).weight(-1))
        .shadow(Variant.builder("v2", ID).samplingRate(1.5).timeout(Duration.ZERO))
        .queueCapacity(0)
        .build());
    assertThat(e.problems()).containsExactly(
        new Problem("productionVariants[v1].weight", -1.0, "a finite number >= 0.0"),
        new Problem("shadowVariants[v2].samplingRate", 1.5, "in [0.0, 1.0]"),
        new Problem("shadowVariants[v2].timeout", Duration.ZERO, "a duration in (0, PT24H]"),
        new Problem("queueCapacity", 0L, "in [1, 16777216]"));
    assertThat(e).hasMessage("endpoint 'e' is invalid: 4 errors:"
        + " productionVariants[v1].weight must be a finite number >= 0.0 but was -1.0;"
        + " shadowVariants[v2].samplingRate must be in [0.0, 1.0] but was 1.5;"
        + " shadowVariants[v2].timeout must be a duration in (0, PT24H] but was PT0S;"
        + " queueCapacity must be in [1, 16777216] but was 0");
    // an invalid variant's own problem is enough: no second one for the sum of weights
    assertThat(thrown(() -> EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("v1", ID).weight(Double.NaN)).build()).problems())
        .extracting(Problem::field).containsExactly("productionVariants[v1].weight");
    // a nested name keeps its line's wording under the path
    assertThat(thrown(() -> EndpointConfig.<String, String>builder("e")
        .production(Variant.builder(" ", ID)).build()))
        .hasMessage("endpoint 'e' is invalid: productionVariants[ ].name must be a non-blank"
            + " string but was \" \"");
  }

  @Test
  void validVariantBuildersBuildWhatTheVariantsWould() {
    Variant.Builder<String, String> v2 = Variant.builder("v2", ID).samplingRate(0.25)
        .timeout(Duration.ofMillis(50));
    EndpointConfig<String, String> deferred = EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("v1", ID).weight(2)).shadow(v2).build();
    EndpointConfig<String, String> eager = EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("v1", ID).weight(2).build()).shadow(v2.build()).build();
    assertThat(deferred).isEqualTo(eager);
    assertThat(deferred.toBuilder().build()).isEqualTo(eager);
  }

  @Test
  void aCandidateBuilderIsValidatedWithTheTestUnderCandidate() {
    InvalidConfigurationException e = thrown(() -> ShadowTestSpec
        .builder(Variant.builder("c", ID).timeout(Duration.ZERO).maxConcurrency(0))
        .duration(Duration.ofDays(60)).build());
    assertThat(e.problems()).containsExactly(
        new Problem("candidate.timeout", Duration.ZERO, "a duration in (0, PT24H]"),
        new Problem("candidate.maxConcurrency", 0L, "in [1, 4096]"),
        new Problem("duration", Duration.ofDays(60), "a duration in [PT1S, PT720H]"));
    assertThat(e.getMessage()).startsWith("shadow test of 'c' is invalid: 3 errors:"
        + " candidate.timeout must be a duration in (0, PT24H] but was PT0S;");

    String longName = "c".repeat(195);
    assertThat(thrown(() -> ShadowTestSpec.builder(Variant.builder(longName, ID))
        .noiseBaseline(true).build()).problems()).containsExactly(new Problem("candidate.name",
        longName, "at most 194 characters with noiseBaseline"));

    ShadowTestSpec<String, String> spec = ShadowTestSpec.builder(Variant.builder("c", ID)
        .timeout(Duration.ofMillis(20))).samplingRate(0.5).build();
    assertThat(spec.candidate()).isEqualTo(Variant.builder("c", ID)
        .timeout(Duration.ofMillis(20)).samplingRate(0.5).build());
    assertThat(spec.samplingRate()).isEqualTo(0.5);
    assertThat(ShadowTestSpec.builder(Variant.builder("c", ID).build()).samplingRate(0.5).build()
        .samplingRate()).isEqualTo(0.5);
  }
}
