package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Every bad property fails start-up with a message naming the property, its value and what is allowed. */
@ExtendWith(OutputCaptureExtension.class)
class ShadowRoutingFailureAnalyzerTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ShadowRoutingAutoConfiguration.class))
      .withUserConfiguration(Models.class)
      .withPropertyValues("shadow-routing.endpoints.fraud.production.v1.predictor=fraudModelV1");

  private void fails(Consumer<String> description, String... properties) {
    runner.withPropertyValues(properties).run(context -> {
      assertThat(context).hasFailed();
      Throwable failure = context.getStartupFailure();
      FailureAnalysis analysis = new ShadowRoutingFailureAnalyzer().analyze(failure);
      assertThat(analysis).as("analysis of %s", failure).isNotNull();
      description.accept(analysis.getDescription());
      assertThat(analysis.getAction()).contains("shadow-routing properties");
    });
  }

  @Test
  void unknownPredictorBeanListsThePredictorBeans() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.predictor")
            .contains("Value:    fraudModelV9")
            .contains("there is no bean named 'fraudModelV9'; Predictor beans: [fraudModelV1,"
                + " fraudModelV2, fraudModelV3, wordLength]"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV9");
  }

  @Test
  void aBeanThatIsNoPredictor() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.predictor")
            .contains("bean 'notAPredictor' is a java.lang.String, not a"
                + " dev.shadowrouting.Predictor"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=notAPredictor");
  }

  @Test
  void aPredictorOfTheWrongTypes() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.predictor")
            .contains("bean 'wordLength' is a Predictor<java.lang.String, java.lang.Integer> but"
                + " the endpoint's predictors are Predictor<dev.shadowrouting.spring.Models$Txn,"
                + " dev.shadowrouting.spring.Models$Score>"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=wordLength");
  }

  @Test
  void samplingRateOutOfRange() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.sampling-rate")
            .contains("Value:    1.5")
            .contains("must be in [0.0, 1.0]"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
        "shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1.5");
  }

  @Test
  void everyProblemAtOnce() {
    fails(d -> assertThat(d)
            .contains("shadow-routing.endpoints.fraud.shadows.v2.timeout")
            .contains("must be a duration in (0, PT24H]")
            .contains("shadow-routing.endpoints.fraud.shadows.v2.max-concurrency")
            .contains("must be in [1, 4096]")
            .contains("shadow-routing.endpoints.fraud.worker-threads")
            .contains("must be in [1, 1024]")
            .contains("shadow-routing.endpoints.fraud.comparator")
            .contains("there is no bean named 'nope'; OutputComparator beans: [byBlock]"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
        "shadow-routing.endpoints.fraud.shadows.v2.timeout=0s",
        "shadow-routing.endpoints.fraud.shadows.v2.max-concurrency=0",
        "shadow-routing.endpoints.fraud.worker-threads=2000",
        "shadow-routing.endpoints.fraud.comparator=nope");
  }

  @Test
  void aTestWhoseCandidateIsAlreadyAShadow() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.test.candidate")
            .contains("Value:    v2")
            .contains("is already a shadow variant of endpoint 'fraud': a test adds its"
                + " candidate as a new shadow variant"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
        "shadow-routing.endpoints.fraud.test.candidate=v2",
        "shadow-routing.endpoints.fraud.test.predictor=fraudModelV3");
  }

  @Test
  void aTestWhoseCandidateIsProduction() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.test.candidate")
            .contains("is a production variant of endpoint 'fraud'"),
        "shadow-routing.endpoints.fraud.test.candidate=v1",
        "shadow-routing.endpoints.fraud.test.predictor=fraudModelV3");
  }

  @Test
  void testValuesOutOfRange() {
    fails(d -> assertThat(d)
            .contains("shadow-routing.endpoints.fraud.test.duration")
            .contains("must be a duration in [PT1S, PT720H]")
            .contains("shadow-routing.endpoints.fraud.test.min-agreement")
            .contains("Property: shadow-routing.endpoints.fraud.test.predictor\n    Value:    (not set)"),
        "shadow-routing.endpoints.fraud.test.candidate=v3",
        "shadow-routing.endpoints.fraud.test.duration=60d",
        "shadow-routing.endpoints.fraud.test.min-agreement=2");
  }

  @Test
  void anEndpointWithoutProduction() {
    runner.withPropertyValues("shadow-routing.endpoints.empty.shadows.v2.predictor=fraudModelV2")
        .run(context -> {
          FailureAnalysis a = new ShadowRoutingFailureAnalyzer().analyze(context.getStartupFailure());
          assertThat(a.getDescription())
              .contains("Property: shadow-routing.endpoints.empty.production\n")
              .contains("must be at least 1 variant");
        });
  }

  /** The three typos: each names the key, the keys allowed there and the nearest. */
  @Test
  void aMisspelledKeyNamesItAndTheKeysAllowedThere() {
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.sampling-rat\n"
                + "    Value:    0.5\n"
                + "    Reason:   is not a shadow-routing property: the keys allowed under"
                + " shadow-routing.endpoints.fraud.shadows.v2 are [capture-payloads, comparator,"
                + " max-concurrency, predictor, sampling-rate, timeout]; did you mean"
                + " 'sampling-rate'?"),
        "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
        "shadow-routing.endpoints.fraud.shadows.v2.sampling-rat=0.5");
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.shadow.v9.predictor\n")
            .contains("the keys allowed under shadow-routing.endpoints.fraud are [close-timeout,"
                + " comparator, production, queue-capacity, shadows, sink-buffer-capacity, test,"
                + " worker-threads]; did you mean 'shadows'?"),
        "shadow-routing.endpoints.fraud.shadow.v9.predictor=fraudModelV2");
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.endpoints.fraud.test.min-agreemnt\n")
            .contains("the keys allowed under shadow-routing.endpoints.fraud.test are [alpha,")
            .contains("did you mean 'min-agreement'?"),
        "shadow-routing.endpoints.fraud.test.candidate=v3",
        "shadow-routing.endpoints.fraud.test.predictor=fraudModelV3",
        "shadow-routing.endpoints.fraud.test.min-agreemnt=0.95");
    // far from every key: no guess, and every problem at once
    fails(d -> assertThat(d)
            .contains("Property: shadow-routing.jsonl.max-filez\n")
            .contains("did you mean 'max-files'?")
            .contains("Property: shadow-routing.colour\n")
            .contains("the keys allowed under shadow-routing are [dashboard, endpoints, fleet,"
                + " jsonl, kafka-sink] (set in")
            .contains("Property: shadow-routing.endpoints.fraud.comparator.name\n")
            .contains("shadow-routing.endpoints.fraud.comparator takes a value, not keys below"),
        "shadow-routing.jsonl.max-filez=3", "shadow-routing.colour=blue",
        "shadow-routing.endpoints.fraud.comparator.name=byBlock");
  }

  @Test
  void editDistance() {
    assertThat(UnknownKeys.distance("samplng-rate", "sampling-rate")).isEqualTo(1);
    assertThat(UnknownKeys.distance("", "abc")).isEqualTo(3);
    assertThat(UnknownKeys.distance("kitten", "sitting")).isEqualTo(3);
  }

  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  @Import(Models.class)
  static class App {}

  /** The analyzer is registered in spring.factories: Spring Boot prints its report. */
  @Test
  void springBootPrintsTheReport(CapturedOutput output) {
    assertThatThrownBy(() -> new SpringApplicationBuilder(App.class)
        .web(WebApplicationType.NONE)
        .properties("shadow-routing.endpoints.fraud.production.v1.predictor=fraudModelV1",
            "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
            "shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1.5",
            "spring.main.banner-mode=off")
        .run()).isInstanceOf(ShadowRoutingConfigurationException.class);
    assertThat(output).contains("APPLICATION FAILED TO START")
        .contains("The shadow-routing configuration is invalid")
        .contains("Property: shadow-routing.endpoints.fraud.shadows.v2.sampling-rate");
  }
}
