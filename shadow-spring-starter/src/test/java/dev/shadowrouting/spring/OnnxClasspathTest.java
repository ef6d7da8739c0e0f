package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.onnx.InputMapper;
import dev.shadowrouting.onnx.ModelSource;
import dev.shadowrouting.onnx.OnnxPredictor;
import dev.shadowrouting.onnx.OutputMapper;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With and without shadow-onnx on the classpath. The starter has no ONNX-specific code: an
 * {@link OnnxPredictor} is a Predictor bean like any other (typed {@code Predictor<float[], Float>}
 * here), and the starter closes each router before the predictor beans it uses, so an in-flight
 * shadow call never meets a closed ONNX session. Without shadow-onnx (an optional dependency of the
 * starter) nothing of it is loaded.
 */
class OnnxClasspathTest {

  @Configuration(proxyBeanMethods = false)
  static class OnnxModels {
    @Bean
    OnnxPredictor<float[], Float> scoreV1() {
      return OnnxPredictor.builder(ModelSource.classpath("models/logistic_v1.onnx"))
          .intraOpThreads(1)
          .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
    }

    @Bean
    OnnxPredictor<float[], Float> scoreV2() {
      return OnnxPredictor.builder(ModelSource.classpath("models/logistic_v2.onnx"))
          .intraOpThreads(1)
          .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"));
    }

    @Bean
    OutputComparator<Float> closeScores() {
      return OutputComparator.numericTolerance(1e-3, 0);
    }

    @Bean
    InMemorySink records() {
      return ShadowSink.inMemory();
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void onnxPredictorBeansServeAnEndpointAndCloseAfterIt() {
    OnnxPredictor<?, ?>[] predictors = new OnnxPredictor<?, ?>[1];
    InMemorySink[] sink = new InMemorySink[1];
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ShadowRoutingAutoConfiguration.class))
        .withUserConfiguration(OnnxModels.class)
        .withPropertyValues("shadow-routing.endpoints.score.production.v1.predictor=scoreV1",
            "shadow-routing.endpoints.score.shadows.v2.predictor=scoreV2",
            "shadow-routing.endpoints.score.comparator=closeScores")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBeanNamesForType(org.springframework.core.ResolvableType
              .forClassWithGenerics(ShadowRouter.class, float[].class, Float.class)))
              .containsExactly("scoreShadowRouter");
          ShadowRouter<float[], Float> router = context.getBean(ShadowRouters.class).get("score");
          for (int i = 0; i < 20; i++) {
            assertThat(router.predict(new float[] {i, 1, 2, 3})).isBetween(0f, 1f);
          }
          predictors[0] = context.getBean("scoreV2", OnnxPredictor.class);
          sink[0] = context.getBean(InMemorySink.class);
        });
    // every shadow copy ran against an open session, then the context closed the predictors
    assertThat(sink[0].records()).filteredOn(r -> r.variant().equals("v2"))
        .isNotEmpty().allMatch(r -> r.outcome() == Outcome.SUCCESS);
    assertThatThrownBy(() -> ((OnnxPredictor<float[], Float>) predictors[0])
        .predict(new float[] {1, 2, 3, 4})).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withoutShadowOnnxTheStarterNeedsNoneOfIt() {
    new ApplicationContextRunner()
        .withClassLoader(new FilteredClassLoader("dev.shadowrouting.onnx", "ai.onnxruntime"))
        .withConfiguration(AutoConfigurations.of(ShadowRoutingAutoConfiguration.class,
            ShadowEndpointAutoConfiguration.class, ShadowDashboardAutoConfiguration.class))
        .withUserConfiguration(Models.class)
        .withPropertyValues(ShadowRoutingAutoConfigurationTest.FRAUD)
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(ShadowRouters.class).names()).containsExactly("fraud");
        });
  }

}
