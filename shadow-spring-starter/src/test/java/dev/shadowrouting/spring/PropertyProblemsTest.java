package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The core checks every value; each of its problems names the very property the value came from,
 * with the value and the core's requirement. One invalid property at a time in an otherwise valid
 * configuration, so a field mapped onto the wrong property (or onto none) fails here.
 */
class PropertyProblemsTest {

  private static final String E = "shadow-routing.endpoints.fraud.";

  @TempDir
  static Path records;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShadowRoutingAutoConfiguration.class))
      .withUserConfiguration(Models.class)
      .withPropertyValues(E + "production.v1.predictor=fraudModelV1",
          E + "shadows.v2.predictor=fraudModelV2",
          E + "test.candidate=v3",
          E + "test.predictor=fraudModelV3",
          "shadow-routing.jsonl.directory=" + records);

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', textBlock = """
      shadow-routing.endpoints.fraud.worker-threads                 | 0    | must be in [1, 1024]
      shadow-routing.endpoints.fraud.queue-capacity                 | 0    | must be in [1, 16777216]
      shadow-routing.endpoints.fraud.sink-buffer-capacity           | 0    | must be in [1, 16777216]
      shadow-routing.endpoints.fraud.close-timeout                  | -1s  | must be a duration in [0, PT24H]
      shadow-routing.endpoints.fraud.production.v1.weight           | -1   | must be a finite number >= 0.0
      shadow-routing.endpoints.fraud.shadows.v2.sampling-rate       | 1.5  | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.shadows.v2.timeout             | 0s   | must be a duration in (0, PT24H]
      shadow-routing.endpoints.fraud.shadows.v2.max-concurrency     | 0    | must be in [1, 4096]
      shadow-routing.endpoints.fraud.test.sampling-rate             | 2    | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.test.duration                  | 0s   | must be a duration in [PT1S, PT720H]
      shadow-routing.endpoints.fraud.test.max-requests              | -1   | must be in [0, 9223372036854775807]
      shadow-routing.endpoints.fraud.test.max-latency-increase      | 101  | must be in [0.0, 100.0]
      shadow-routing.endpoints.fraud.test.tail-quantile             | 0.3  | must be in [0.5, 0.9999]
      shadow-routing.endpoints.fraud.test.max-tail-latency-increase | -1   | must be in [0.0, 100.0]
      shadow-routing.endpoints.fraud.test.warmup                    | 2d   | must be a duration in [0, PT24H]
      shadow-routing.endpoints.fraud.test.max-error-rate-increase   | 2    | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.test.min-agreement             | 2    | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.test.min-samples               | 0    | must be in [1, 1000000000]
      shadow-routing.endpoints.fraud.test.alpha                     | 0    | must be in (0.0, 0.5]
      shadow-routing.endpoints.fraud.test.stop-if-error-rate-above  | 2    | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.test.stop-if-timeout-rate-above| 2    | must be in [0.0, 1.0]
      shadow-routing.endpoints.fraud.test.timeout                   | 0s   | must be a duration in (0, PT24H]
      shadow-routing.endpoints.fraud.test.max-concurrency           | 0    | must be in [1, 4096]
      shadow-routing.jsonl.max-files                                | 0    | must be in [1, 1000000]
      shadow-routing.jsonl.max-file-bytes                           | 10   | must be in [1024, 9223372036854775807]
      shadow-routing.jsonl.rotation-interval                        | -1s  | must be a duration in [0, PT87600H]
      shadow-routing.jsonl.flush-interval                           | 0s   | must be a duration in (0, PT24H]
      shadow-routing.jsonl.prefix                                   | a+b  | must be only letters, digits, '.', '_' and '-'
      """)
  void aValueTheCoreRefusesNamesItsProperty(String property, String value, String reason) {
    assertThat(problems(property + "=" + value)).singleElement().satisfies(p -> {
      assertThat(p.property()).isEqualTo(property);
      assertThat(String.valueOf(p.value())).isNotEmpty();
      assertThat(p.requirement()).isEqualTo(reason);
    });
  }

  @Test
  void productionWeightsThatAddUpToZeroNameThemAll() {
    assertThat(problems(E + "production.v1.weight=0")).containsExactly(
        new Problem(E + "production.*.weight", 0.0, "must be > 0 in total"));
  }

  @Test
  void aVariantNameUsedTwiceNamesTheSecondVariant() {
    assertThat(problems(E + "shadows.v1.predictor=fraudModelV2")).containsExactly(
        new Problem(E + "shadows.v1", "v1", "must be unique among the endpoint's variants"));
  }

  @Test
  void theCandidatesNameIsItsProperty() {
    String name = "c".repeat(195); // valid, but its A/A variant "<name>~noise" would not be
    assertThat(problems(E + "test.candidate=" + name, E + "test.noise-baseline=true"))
        .containsExactly(new Problem(E + "test.candidate", name,
            "must be at most 194 characters with noiseBaseline"));
    String tooLong = "c".repeat(201);
    assertThat(problems(E + "test.candidate=" + tooLong)).containsExactly(
        new Problem(E + "test.candidate", tooLong, "must be at most 200 characters"));
  }

  private List<Problem> problems(String... properties) {
    return problems(runner, properties);
  }

  /** The problems that fail {@code runner}'s start-up with {@code properties} added. */
  static List<Problem> problems(ApplicationContextRunner runner, String... properties) {
    Object[] failure = new Object[1];
    runner.withPropertyValues(properties).run(context -> failure[0] = context.getStartupFailure());
    Throwable t = (Throwable) failure[0];
    while (t != null && !(t instanceof ShadowRoutingConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("a ShadowRoutingConfigurationException in %s", failure[0]).isNotNull();
    return ((ShadowRoutingConfigurationException) t).problems();
  }
}
