package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.json.JsonParserFactory;

/**
 * Every default of the starter is shadow-core's: properties bound from nothing but the names they
 * need build what the core's builders build by default.
 */
class ShadowRoutingDefaultsTest {

  private static final Predictor<Object, Object> P1 = in -> in;
  private static final Predictor<Object, Object> P2 = in -> in;

  private static ShadowRoutingProperties bind(String... properties) {
    Map<String, String> source = new LinkedHashMap<>();
    for (String property : properties) {
      String[] keyValue = property.split("=", 2);
      source.put(keyValue[0], keyValue[1]);
    }
    return new Binder(new MapConfigurationPropertySource(source))
        .bind(ShadowRoutingProperties.PREFIX, ShadowRoutingProperties.class)
        .orElseGet(ShadowRoutingProperties::new);
  }

  @Test
  void anEndpointsDefaultsAreTheCores() {
    ShadowRoutingProperties.Endpoint endpoint = bind(
        "shadow-routing.endpoints.e.production.v1.predictor=p1",
        "shadow-routing.endpoints.e.shadows.v2.predictor=p2").getEndpoints().get("e");
    EndpointConfig<Object, Object> fromProperties = RouterFactory.endpoint("e", endpoint,
        name -> name.equals("p1") ? P1 : P2,
        name -> {
          throw new AssertionError("no comparator is named");
        }).build();
    assertThat(fromProperties).isEqualTo(EndpointConfig.builder("e")
        .production("v1", P1)
        .shadow("v2", P2)
        .build());
  }

  @Test
  void aTestsDefaultsAreTheCores() {
    ShadowRoutingProperties.Test test = bind(
        "shadow-routing.endpoints.e.production.v1.predictor=p1",
        "shadow-routing.endpoints.e.test.candidate=c",
        "shadow-routing.endpoints.e.test.predictor=p2").getEndpoints().get("e").getTest();
    assertThat(RouterFactory.spec(test, P2)).usingRecursiveComparison()
        .isEqualTo(ShadowTestSpec.builder(Variant.builder("c", P2).build()).build());
    // the Actuator endpoint starts tests from an unbound Test: the same defaults
    ShadowRoutingProperties.Test unbound = new ShadowRoutingProperties.Test();
    unbound.setCandidate("c");
    assertThat(RouterFactory.spec(unbound, P2)).usingRecursiveComparison()
        .isEqualTo(ShadowTestSpec.builder(Variant.builder("c", P2).build()).build());
  }

  @Test
  void theJsonLinesSinksDefaultsAreTheCores() {
    ShadowRoutingProperties.Jsonl jsonl = bind("shadow-routing.jsonl.directory=/tmp/x").getJsonl();
    assertThat(jsonl.getPrefix()).isEqualTo(JsonLinesSink.DEFAULT_PREFIX);
    assertThat(jsonl.getMaxFileBytes()).isEqualTo(JsonLinesSink.DEFAULT_MAX_FILE_BYTES);
    assertThat(jsonl.getMaxFiles()).isEqualTo(JsonLinesSink.DEFAULT_MAX_FILES);
    assertThat(jsonl.getRotationInterval()).isEqualTo(JsonLinesSink.DEFAULT_ROTATION_INTERVAL);
    assertThat(jsonl.getFlushInterval()).isEqualTo(JsonLinesSink.DEFAULT_FLUSH_INTERVAL);
  }

  /**
   * The configuration processor cannot read a default from another class's constant, so the
   * IDE's defaults for the JSON Lines sink are stated in additional-spring-configuration-metadata:
   * they must be the core's.
   */
  @Test
  void theIdeMetadataStatesTheCoresDefaults() throws Exception {
    Map<String, Object> defaults = new LinkedHashMap<>();
    try (InputStream in = getClass().getResourceAsStream(
        "/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata").isNotNull();
      Map<String, Object> metadata = JsonParserFactory.getJsonParser()
          .parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      for (Object property : (List<?>) metadata.get("properties")) {
        Map<?, ?> p = (Map<?, ?>) property;
        defaults.put((String) p.get("name"), p.get("defaultValue"));
      }
    }
    assertThat(defaults.get("shadow-routing.jsonl.prefix")).isEqualTo(JsonLinesSink.DEFAULT_PREFIX);
    assertThat(((Number) defaults.get("shadow-routing.jsonl.max-file-bytes")).longValue())
        .isEqualTo(JsonLinesSink.DEFAULT_MAX_FILE_BYTES);
    assertThat(((Number) defaults.get("shadow-routing.jsonl.max-files")).intValue())
        .isEqualTo(JsonLinesSink.DEFAULT_MAX_FILES);
    assertThat(DurationStyle.detectAndParse((String) defaults.get(
        "shadow-routing.jsonl.rotation-interval")))
        .isEqualTo(JsonLinesSink.DEFAULT_ROTATION_INTERVAL);
    assertThat(DurationStyle.detectAndParse((String) defaults.get(
        "shadow-routing.jsonl.flush-interval")))
        .isEqualTo(JsonLinesSink.DEFAULT_FLUSH_INTERVAL);
  }
}
