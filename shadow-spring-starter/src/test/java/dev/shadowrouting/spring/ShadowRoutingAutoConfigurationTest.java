package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Variant;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.micrometer.MicrometerSink;
import dev.shadowrouting.sinks.otel.OpenTelemetrySink;
import dev.shadowrouting.spring.Models.Score;
import dev.shadowrouting.spring.Models.Txn;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;
import org.springframework.web.servlet.function.RouterFunction;

/** Every conditional branch of the auto-configuration, with ApplicationContextRunner. */
class ShadowRoutingAutoConfigurationTest {

  static final String[] FRAUD = {
      "shadow-routing.endpoints.fraud.production.v1.predictor=fraudModelV1",
      "shadow-routing.endpoints.fraud.shadows.v2.predictor=fraudModelV2",
      "shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=0.25",
      "shadow-routing.endpoints.fraud.shadows.v2.timeout=50ms",
      "shadow-routing.endpoints.fraud.shadows.v2.max-concurrency=4",
      "shadow-routing.endpoints.fraud.worker-threads=1",
      "shadow-routing.endpoints.fraud.queue-capacity=1024"};

  static final AutoConfigurations STARTER = AutoConfigurations.of(
      ShadowRoutingAutoConfiguration.class, ShadowEndpointAutoConfiguration.class,
      ShadowDashboardAutoConfiguration.class);

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(STARTER)
      .withUserConfiguration(Models.class);

  /** Injects the router the way an application does. */
  static class FraudService {
    final ShadowRouter<Txn, Score> router;

    FraudService(@Qualifier("fraudShadowRouter") ShadowRouter<Txn, Score> router) {
      this.router = router;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class FraudServiceConfig {
    @Bean
    FraudService fraudService(@Qualifier("fraudShadowRouter") ShadowRouter<Txn, Score> router) {
      return new FraudService(router);
    }
  }

  @Test
  void oneTypedRouterBeanPerEndpointFromProperties() {
    runner.withUserConfiguration(FraudServiceConfig.class).withPropertyValues(FRAUD)
        .run(context -> {
          assertThat(context).hasNotFailed();
          ShadowRouter<?, ?> router = context.getBean("fraudShadowRouter", ShadowRouter.class);
          assertThat(context.getBean(FraudService.class).router).isSameAs(router);
          assertThat(context.getBean(ShadowRouters.class).get("fraud")).isSameAs(router);
          assertThat(context.getBean(ShadowRouters.class).names()).containsExactly("fraud");
          // registered with its predictors' types
          assertThat(context.getBeanNamesForType(
              ResolvableType.forClassWithGenerics(ShadowRouter.class, Txn.class, Score.class)))
              .containsExactly("fraudShadowRouter");
          assertThat(context.getBeanNamesForType(
              ResolvableType.forClassWithGenerics(ShadowRouter.class, String.class, Score.class)))
              .isEmpty();
          Variant<?, ?> v2 = router.config().shadowVariants().get(0);
          assertThat(v2.name()).isEqualTo("v2");
          assertThat(v2.samplingRate()).isEqualTo(0.25);
          assertThat(v2.timeout()).isEqualTo(Duration.ofMillis(50));
          assertThat(v2.maxConcurrency()).isEqualTo(4);
          assertThat(router.config().workerThreads()).isEqualTo(1);
          assertThat(router.config().productionVariants().get(0).name()).isEqualTo("v1");
          @SuppressWarnings("unchecked")
          ShadowRouter<Txn, Score> fraud = (ShadowRouter<Txn, Score>) router;
          assertThat(fraud.predict(new Txn("u1", 600))).isEqualTo(new Score(0.6, true));
        });
  }

  @Test
  void endpointsOfDifferentTypesInjectByType() {
    runner.withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.words.production.len.predictor=wordLength")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeanProvider(ResolvableType.forClassWithGenerics(
              ShadowRouter.class, String.class, Integer.class)).getObject())
              .isSameAs(context.getBean("wordsShadowRouter"));
          assertThat(context.getBean(ShadowRouters.class).names())
              .containsExactly("fraud", "words");
          ShadowRouter<String, Integer> words = context.getBean(ShadowRouters.class).get("words");
          assertThat(words.predict("four")).isEqualTo(4);
        });
  }

  /** A @Component-style predictor class: its generic interface gives the router's types. */
  static class LengthPredictor implements Predictor<String, Integer> {
    @Override
    public Integer predict(String input) {
      return input.length();
    }
  }

  @Test
  void predictorClassBeansGiveTheirTypes() {
    runner.withBean("lengthPredictor", LengthPredictor.class, LengthPredictor::new)
        .withPropertyValues("shadow-routing.endpoints.words.production.v1.predictor=lengthPredictor",
            "shadow-routing.endpoints.words.shadows.v2.predictor=wordLength")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeanNamesForType(ResolvableType.forClassWithGenerics(
              ShadowRouter.class, String.class, Integer.class)))
              .containsExactly("wordsShadowRouter");
        });
  }

  @Test
  void noEndpointsNoRouters() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBeansOfType(ShadowRouter.class)).isEmpty();
      assertThat(context.getBean(ShadowRouters.class).names()).isEmpty();
      assertThat(context).doesNotHaveBean(MicrometerSink.class)
          .doesNotHaveBean(OpenTelemetrySink.class).doesNotHaveBean(JsonLinesSink.class);
    });
  }

  @Test
  void aShadowTestStartsWithTheApplication() {
    runner.withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.test.candidate=v3",
            "shadow-routing.endpoints.fraud.test.predictor=fraudModelV3",
            "shadow-routing.endpoints.fraud.test.sampling-rate=0.5",
            "shadow-routing.endpoints.fraud.test.duration=1h",
            "shadow-routing.endpoints.fraud.test.max-latency-increase=0.10",
            "shadow-routing.endpoints.fraud.test.tail-quantile=0.95",
            "shadow-routing.endpoints.fraud.test.max-tail-latency-increase=0.5",
            "shadow-routing.endpoints.fraud.test.warmup=30s",
            "shadow-routing.endpoints.fraud.test.continue-after-fail=true",
            "shadow-routing.endpoints.fraud.test.min-agreement=0.99")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ShadowRouter<?, ?> router = context.getBean(ShadowRouters.class).get("fraud");
          assertThat(router.tests()).hasSize(1);
          ShadowTest test = router.tests().get(0);
          assertThat(test.candidate()).isEqualTo("v3");
          assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
          assertThat(test.spec().samplingRate()).isEqualTo(0.5);
          assertThat(test.spec().duration()).isEqualTo(Duration.ofHours(1));
          assertThat(test.spec().minAgreement()).isEqualTo(0.99);
          assertThat(test.spec().rule().tailQuantile()).isEqualTo(0.95);
          assertThat(test.spec().rule().maxTailLatencyIncrease()).isEqualTo(0.5);
          assertThat(test.spec().rule().warmup()).isEqualTo(Duration.ofSeconds(30));
          assertThat(test.spec().continueAfterFail()).isTrue();
          assertThat(router.config().shadowVariants()).extracting(Variant::name)
              .containsExactly("v2", "v3");
        });
  }

  @Test
  void endpointComparatorAndShadowComparatorFromBeans() {
    runner.withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.comparator=byBlock",
            "shadow-routing.endpoints.fraud.shadows.v2.comparator=byBlock")
        .run(context -> {
          assertThat(context).hasNotFailed();
          ShadowRouter<?, ?> router = context.getBean(ShadowRouters.class).get("fraud");
          assertThat(router.config().comparator()).isSameAs(context.getBean("byBlock"));
          assertThat(router.config().shadowVariants().get(0).comparator())
              .isSameAs(context.getBean("byBlock"));
        });
  }

  // ---- sinks -----------------------------------------------------------------------------------

  @Configuration(proxyBeanMethods = false)
  static class MemorySinkConfig {
    @Bean
    InMemorySink memorySink() {
      return ShadowSink.inMemory();
    }
  }

  @Test
  void applicationShadowSinkBeansReceiveRecords() {
    runner.withUserConfiguration(MemorySinkConfig.class).withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1")
        .run(context -> {
          ShadowRouter<Txn, Score> router = context.getBean(ShadowRouters.class).get("fraud");
          router.predict(new Txn("u", 10));
          assertThat(router.awaitIdle(Duration.ofSeconds(5))).isTrue();
          assertThat(context.getBean(InMemorySink.class).records()).hasSize(2);
          assertThat(router.config().sinks()).containsExactly(context.getBean(InMemorySink.class));
        });
  }

  @Test
  void micrometerSinkWhenAMeterRegistryBeanExistsWithBootsMicrometer() {
    runner.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
            SimpleMetricsExportAutoConfiguration.class,
            CompositeMeterRegistryAutoConfiguration.class))
        .withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(MicrometerSink.class);
          ShadowRouter<Txn, Score> router = context.getBean(ShadowRouters.class).get("fraud");
          assertThat(router.config().sinks()).contains(context.getBean(MicrometerSink.class));
          router.predict(new Txn("u", 600));
          router.awaitIdle(Duration.ofSeconds(5));
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          assertThat(registry.get(MicrometerSink.INVOCATIONS).tag("variant", "v2").timer().count())
              .isEqualTo(1);
          assertThat(registry.get(MicrometerSink.QUEUE_DEPTH).gauge()).isNotNull();
        });
  }

  @Test
  void noMicrometerSinkWithoutARegistryBeanOrWithoutMicrometer() {
    runner.withPropertyValues(FRAUD).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerSink.class));
    runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
        .withPropertyValues(FRAUD)
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(MicrometerSink.class);
          assertThat(context.getBean(ShadowRouters.class).get("fraud").config().sinks()).isEmpty();
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class OtelConfig {
    @Bean
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }

    @Bean
    OpenTelemetry openTelemetry(InMemorySpanExporter spans) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
          .build();
    }
  }

  @Test
  void openTelemetrySinkWhenAnOpenTelemetryBeanExistsWithBootsOpenTelemetry() {
    runner.withUserConfiguration(OtelConfig.class).withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(OpenTelemetrySink.class);
          ShadowRouter<Txn, Score> router = context.getBean(ShadowRouters.class).get("fraud");
          router.predict(new Txn("u", 600));
          router.awaitIdle(Duration.ofSeconds(5));
          assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
              .extracting(s -> s.getName()).containsExactly("shadow v2");
        });
  }

  @Test
  void noOpenTelemetrySinkWithoutABeanOrWithoutTheApi() {
    runner.withPropertyValues(FRAUD).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(OpenTelemetrySink.class));
    runner.withClassLoader(new FilteredClassLoader(OpenTelemetry.class))
        .withPropertyValues(FRAUD)
        .run(context -> assertThat(context).hasNotFailed()
            .doesNotHaveBean(OpenTelemetrySink.class));
  }

  @Test
  void jsonLinesSinkWhenADirectoryIsSetClosedAfterTheRouters(@TempDir Path dir) throws Exception {
    Path records = dir.resolve("records");
    runner.withPropertyValues(FRAUD)
        .withPropertyValues("shadow-routing.endpoints.fraud.shadows.v2.sampling-rate=1",
            "shadow-routing.endpoints.fraud.shadows.v2.max-concurrency=64",
            "shadow-routing.jsonl.directory=" + records, "shadow-routing.jsonl.prefix=fraud")
        .run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(JsonLinesSink.class);
          ShadowRouter<Txn, Score> router = context.getBean(ShadowRouters.class).get("fraud");
          for (int i = 0; i < 10; i++) {
            router.predict(new Txn("u" + i, 100 * i));
          }
        });
    // the context closed: the router drained its copies and flushed, then the file sink closed
    List<String> lines;
    try (Stream<Path> files = Files.list(records)) {
      lines = files.flatMap(f -> {
        try {
          return Files.readAllLines(f).stream();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
    assertThat(lines).hasSize(20).allMatch(l -> l.contains("\"endpoint\":\"fraud\""));
  }

  @Test
  void noJsonLinesSinkWithoutADirectory() {
    runner.withPropertyValues(FRAUD).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean(JsonLinesSink.class));
  }

  /** A slow shadow: closing the application waits for its copy (the router's close deadline). */
  @Configuration(proxyBeanMethods = false)
  static class SlowShadowConfig {
    @Bean
    Predictor<Txn, Score> slowModel() {
      return t -> {
        Thread.sleep(300); // the slow shadow call under test, which shutdown must drain

        return new Score(0, false);
      };
    }
  }

  @Test
  void shutdownDrainsInFlightCopiesAndFlushesSinks() {
    InMemorySink[] sink = new InMemorySink[1];
    runner.withUserConfiguration(MemorySinkConfig.class, SlowShadowConfig.class)
        .withPropertyValues("shadow-routing.endpoints.fraud.production.v1.predictor=fraudModelV1",
            "shadow-routing.endpoints.fraud.shadows.slow.predictor=slowModel",
            "shadow-routing.endpoints.fraud.close-timeout=5s")
        .run(context -> {
          sink[0] = context.getBean(InMemorySink.class);
          ShadowRouter<Txn, Score> router = context.getBean(ShadowRouters.class).get("fraud");
          router.predict(new Txn("u", 1));
          assertThat(sink[0].records()).isEmpty(); // the shadow is still sleeping
        });
    assertThat(sink[0].records()).hasSize(2)
        .anyMatch(r -> r.variant().equals("slow") && r.outcome() == dev.shadowrouting.Outcome.SUCCESS);
  }

  // ---- actuator and web ------------------------------------------------------------------------

  /** Actuator's web endpoints, as a web application has them. */
  static final AutoConfigurations ACTUATOR = AutoConfigurations.of(
      EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class);

  private final WebApplicationContextRunner web = new WebApplicationContextRunner()
      .withConfiguration(STARTER).withConfiguration(ACTUATOR)
      .withUserConfiguration(Models.class).withPropertyValues(FRAUD);

  @Test
  void actuatorEndpointOnlyWhenExposed() {
    web.withPropertyValues("management.endpoints.web.exposure.include=shadow").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(ShadowEndpoint.class)
          .hasSingleBean(ShadowEndpointWebExtension.class);
      assertThat(context.getBean(ShadowEndpoint.class).access())
          .isEqualTo(org.springframework.boot.actuate.endpoint.Access.READ_ONLY);
    });
    web.run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(ShadowEndpoint.class));
    // upper case: the runner's environment has no lenient enum conversion (an application's has)
    web.withPropertyValues("management.endpoints.web.exposure.include=shadow",
        "management.endpoint.shadow.access=UNRESTRICTED").run(context ->
        assertThat(context.getBean(ShadowEndpoint.class).access())
            .isEqualTo(org.springframework.boot.actuate.endpoint.Access.UNRESTRICTED));
    web.withPropertyValues("management.endpoints.web.exposure.include=shadow",
        "management.endpoint.shadow.access=NONE").run(context ->
        assertThat(context).doesNotHaveBean(ShadowEndpoint.class));
  }

  @Test
  void noActuatorNoEndpointNoDashboard() {
    web.withClassLoader(new FilteredClassLoader(Endpoint.class))
        .withPropertyValues("management.endpoints.web.exposure.include=shadow")
        .run(context -> {
          assertThat(context).hasNotFailed().doesNotHaveBean(ShadowEndpoint.class)
              .doesNotHaveBean("shadowRoutingDashboard");
          assertThat(context.getBean(ShadowRouters.class).names()).containsExactly("fraud");
        });
  }

  static final String EXPOSED = "management.endpoints.web.exposure.include=shadow";

  /** Served only where the endpoint is exposed over HTTP, or where the application says so. */
  @Test
  void dashboardOnlyWhereTheEndpointIsExposedOrSwitchedOn() {
    web.withPropertyValues(EXPOSED).run(context -> assertThat(context).hasNotFailed()
        .hasBean("shadowRoutingDashboard").getBean("shadowRoutingDashboard")
        .isInstanceOf(RouterFunction.class));
    web.withPropertyValues("management.endpoints.web.exposure.include=*").run(context ->
        assertThat(context).hasBean("shadowRoutingDashboard"));
    // not exposed (Boot's default exposes health only): no page on the application's port
    web.run(context -> assertThat(context).hasNotFailed()
        .doesNotHaveBean("shadowRoutingDashboard"));
    web.withPropertyValues("management.endpoints.web.exposure.include=health").run(context ->
        assertThat(context).doesNotHaveBean("shadowRoutingDashboard"));
    // exposed over JMX only: still no page
    web.withPropertyValues("management.endpoints.jmx.exposure.include=shadow").run(context ->
        assertThat(context).doesNotHaveBean("shadowRoutingDashboard"));
    // the application asks for it: served (the page names the property to set)
    web.withPropertyValues("shadow-routing.dashboard.enabled=true").run(context ->
        assertThat(context).hasBean("shadowRoutingDashboard"));
    // switched off: never, exposed or not
    web.withPropertyValues(EXPOSED, "shadow-routing.dashboard.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean("shadowRoutingDashboard"));
    // not a web application: no page
    runner.withPropertyValues(FRAUD).withPropertyValues(EXPOSED).run(context ->
        assertThat(context).hasNotFailed().doesNotHaveBean("shadowRoutingDashboard"));
    // Spring MVC missing
    web.withPropertyValues(EXPOSED).withClassLoader(new FilteredClassLoader(RouterFunction.class))
        .run(context -> assertThat(context).hasNotFailed()
            .doesNotHaveBean("shadowRoutingDashboard"));
  }

  private final ReactiveWebApplicationContextRunner reactive =
      new ReactiveWebApplicationContextRunner()
          .withConfiguration(STARTER).withConfiguration(ACTUATOR)
          .withUserConfiguration(Models.class).withPropertyValues(FRAUD);

  /** A WebFlux application gets the reactive page and the reactive read-only answer. */
  @Test
  void dashboardAndReadOnlyAnswerInWebFluxApplications() {
    reactive.withPropertyValues(EXPOSED).run(context -> {
      assertThat(context).hasNotFailed().getBean("shadowRoutingDashboard")
          .isInstanceOf(org.springframework.web.reactive.function.server.RouterFunction.class);
      assertThat(context).hasSingleBean(ReadOnlyWriteWebFilter.class)
          .doesNotHaveBean(ReadOnlyWriteFilter.class);
    });
    reactive.run(context -> assertThat(context).hasNotFailed()
        .doesNotHaveBean("shadowRoutingDashboard").doesNotHaveBean(ReadOnlyWriteWebFilter.class));
    web.withPropertyValues(EXPOSED).run(context -> assertThat(context)
        .hasSingleBean(ReadOnlyWriteFilter.class).doesNotHaveBean(ReadOnlyWriteWebFilter.class));
  }

  @Test
  void dashboardPathIsNormalised() {
    assertThat(ShadowDashboardAutoConfiguration.normalise("ops/shadow/")).isEqualTo("/ops/shadow");
    assertThat(ShadowDashboardAutoConfiguration.normalise(" ")).isEqualTo("/shadow-routing");
  }

  static RouterSnapshot snapshot(ShadowRouter<?, ?> r) {
    return r.snapshot();
  }
}
