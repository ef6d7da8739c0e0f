package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bad configuration fails in build() with an IllegalArgumentException naming field, value, range.
 * (Property-based fuzzing of every builder: FaultBuilderFuzzTest.)
 */
class ConfigValidationTest {

  private static final Predictor<String, String> ID = in -> in;

  @Test
  void messagesNameTheFieldTheRangeAndTheValue() {
    assertThatThrownBy(() -> Variant.builder("v", ID).samplingRate(1.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("variant 'v' is invalid: samplingRate must be in [0.0, 1.0] but was 1.5");
    assertThatThrownBy(() -> Variant.builder("v", ID).weight(-1).build())
        .hasMessageContaining("weight must be a finite number >= 0.0 but was -1.0");
    assertThatThrownBy(() -> Variant.builder("v", ID).timeout(Duration.ZERO).build())
        .hasMessageContaining("timeout must be a duration in (0, PT24H] but was PT0S");
    assertThatThrownBy(() -> Variant.builder("v", ID).timeout(Duration.ofMillis(-5)).build())
        .hasMessageContaining("timeout must be a duration in (0, PT24H] but was PT-0.005S");
    assertThatThrownBy(() -> Variant.builder("v", ID).maxConcurrency(0).build())
        .hasMessageContaining("maxConcurrency must be in [1, 4096] but was 0");
    assertThatThrownBy(() -> Variant.builder(" ", ID).build())
        .hasMessageContaining("name must be a non-blank string but was \" \"");
    assertThatThrownBy(() -> Variant.builder("v", null).build())
        .hasMessageContaining("predictor must not be null");
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    assertThatThrownBy(() -> Variant.builder("v", ID).samplingRate(-0.1).maxConcurrency(-1)
        .weight(Double.NaN).build())
        .hasMessageStartingWith("variant 'v' is invalid: 3 errors: ")
        .hasMessageContaining("samplingRate")
        .hasMessageContaining("maxConcurrency")
        .hasMessageContaining("weight");
  }

  @Test
  void endpointRules() {
    Variant<String, String> a = Variant.builder("a", ID).build();
    assertThatThrownBy(() -> EndpointConfig.<String, String>builder("e").build())
        .hasMessageContaining("production variants must contain at least 1 variant but was empty");
    assertThatThrownBy(() -> EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("a", ID).weight(0).build())
        .production(Variant.builder("b", ID).weight(0).build()).build())
        .hasMessageContaining("the sum of production weights must be > 0 but was 0.0");
    assertThatThrownBy(() -> EndpointConfig.<String, String>builder("e")
        .production(a).shadow(a).build())
        .hasMessageContaining("variant names must be unique but 'a' appears more than once");
    assertThatThrownBy(() -> EndpointConfig.<String, String>builder("e").production(a)
        .queueCapacity(0).workerThreads(0).sinkBufferCapacity(-3)
        .closeTimeout(Duration.ofSeconds(-1)).redactor(null).comparator(null).build())
        .hasMessageContaining("queueCapacity must be in [1, 16777216] but was 0")
        .hasMessageContaining("workerThreads must be in [1, 1024] but was 0")
        .hasMessageContaining("sinkBufferCapacity must be in [1, 16777216] but was -3")
        .hasMessageContaining("closeTimeout must be a duration in [0, PT24H] but was PT-1S")
        .hasMessageContaining("redactor must not be null")
        .hasMessageContaining("comparator must not be null");
    EndpointConfig.Builder<String, String> many = EndpointConfig.<String, String>builder("e")
        .production(a);
    for (int i = 0; i < 65; i++) {
      many.shadow(Variant.builder("s" + i, ID).build());
    }
    assertThatThrownBy(many::build)
        .hasMessageContaining("shadow variants must be at most 64 but was 65");
  }

  @Test
  void configurationIsImmutable() {
    java.util.List<Variant<String, String>> shadows = new java.util.ArrayList<>();
    EndpointConfig.Builder<String, String> b = EndpointConfig.<String, String>builder("e")
        .production(Variant.builder("p", ID).build());
    EndpointConfig<String, String> c = b.build();
    b.shadow(Variant.builder("s", ID).build());
    assertThat(c.shadowVariants()).isEmpty();
    assertThatThrownBy(() -> c.productionVariants().add(Variant.builder("x", ID).build()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(shadows).isEmpty();
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }
}
