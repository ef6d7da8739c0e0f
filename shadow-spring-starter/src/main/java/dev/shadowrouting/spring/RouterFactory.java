package dev.shadowrouting.spring;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.Endpoint;
import dev.shadowrouting.spring.ShadowRoutingProperties.ProductionVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.ShadowVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Builds an endpoint's router when its bean is created: predictors, comparators and every
 * {@link ShadowSink} bean (the starter's Micrometer, OpenTelemetry and JSON Lines sinks, and the
 * application's own) are looked up, and the router is registered as depending on each, so at
 * shutdown it is closed (copies drained, sinks flushed) before any of them is destroyed.
 */
final class RouterFactory {

  /** Bean definition attribute holding the endpoint's {@code Predictor<I, O>} type. */
  static final String PREDICTOR_TYPE_ATTRIBUTE = RouterFactory.class.getName() + ".predictorType";

  private RouterFactory() {}

  static ShadowRouter<Object, Object> create(ConfigurableListableBeanFactory beans,
      String beanName, String endpoint, Endpoint config) {
    String p = ShadowRoutingProperties.PREFIX + ".endpoints." + endpoint;
    EndpointConfig.Builder<Object, Object> b = EndpointConfig.builder(endpoint);
    for (Map.Entry<String, ProductionVariant> e : config.getProduction().entrySet()) {
      ProductionVariant v = e.getValue();
      b.production(e.getKey(), predictor(beans, beanName, v.getPredictor()),
          x -> x.weight(v.getWeight()).capturePayloads(v.isCapturePayloads()));
    }
    for (Map.Entry<String, ShadowVariant> e : config.getShadows().entrySet()) {
      ShadowVariant v = e.getValue();
      OutputComparator<Object> comparator = comparator(beans, beanName, v.getComparator());
      b.shadow(e.getKey(), predictor(beans, beanName, v.getPredictor()),
          x -> x.samplingRate(v.getSamplingRate()).timeout(v.getTimeout())
              .maxConcurrency(v.getMaxConcurrency()).comparator(comparator)
              .capturePayloads(v.isCapturePayloads()));
    }
    if (config.getComparator() != null) {
      b.comparator(comparator(beans, beanName, config.getComparator()));
    }
    if (config.getWorkerThreads() != null) {
      b.workerThreads(config.getWorkerThreads());
    }
    b.queueCapacity(config.getQueueCapacity())
        .sinkBufferCapacity(config.getSinkBufferCapacity())
        .closeTimeout(config.getCloseTimeout());
    for (String sinkName : beans.getBeanNamesForType(ShadowSink.class)) {
      b.sink(beans.getBean(sinkName, ShadowSink.class));
      beans.registerDependentBean(sinkName, beanName);
    }
    EndpointConfig<Object, Object> endpointConfig;
    try {
      endpointConfig = b.build();
    } catch (IllegalArgumentException e) {
      // the registrar checked every value: this is what it does not know about
      throw new ShadowRoutingConfigurationException(
          List.of(new Problem(p, endpoint, e.getMessage())), e);
    }
    ShadowRouter<Object, Object> router = ShadowRouter.create(endpointConfig);
    Test test = config.getTest();
    if (test != null) {
      try {
        router.startTest(spec(test, predictor(beans, beanName, test.getPredictor())));
      } catch (RuntimeException e) {
        router.close();
        throw new ShadowRoutingConfigurationException(
            List.of(new Problem(p + ".test", test.getCandidate(), e.getMessage())), e);
      }
    }
    return router;
  }

  static ShadowTestSpec<Object, Object> spec(Test test, Predictor<Object, Object> predictor) {
    return ShadowTestSpec.builder(Variant.builder(test.getCandidate(), predictor)
            .timeout(test.getTimeout())
            .maxConcurrency(test.getMaxConcurrency())
            .build())
        .samplingRate(test.getSamplingRate())
        .duration(test.getDuration())
        .maxRequests(test.getMaxRequests())
        .maxLatencyIncrease(test.getMaxLatencyIncrease())
        .maxErrorRateIncrease(test.getMaxErrorRateIncrease())
        .minAgreement(test.getMinAgreement())
        .minSamples(test.getMinSamples())
        .alpha(test.getAlpha())
        .stopIfErrorRateAbove(test.getStopIfErrorRateAbove())
        .stopIfTimeoutRateAbove(test.getStopIfTimeoutRateAbove())
        .noiseBaseline(test.isNoiseBaseline())
        .build();
  }

  @SuppressWarnings("unchecked")
  static Predictor<Object, Object> predictor(ConfigurableListableBeanFactory beans,
      String routerBean, String name) {
    Predictor<Object, Object> predictor = beans.getBean(name, Predictor.class);
    if (routerBean != null) {
      beans.registerDependentBean(name, routerBean);
    }
    return predictor;
  }

  @SuppressWarnings("unchecked")
  private static OutputComparator<Object> comparator(ConfigurableListableBeanFactory beans,
      String routerBean, String name) {
    if (name == null) {
      return null;
    }
    OutputComparator<Object> comparator = beans.getBean(name, OutputComparator.class);
    beans.registerDependentBean(name, routerBean);
    return comparator;
  }
}
