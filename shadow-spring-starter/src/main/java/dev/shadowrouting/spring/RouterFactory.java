package dev.shadowrouting.spring;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Fleet;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.Endpoint;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.jspecify.annotations.Nullable;

/**
 * Builds an endpoint's router when its bean is created: predictors, comparators and every
 * {@link ShadowSink} bean (the starter's Micrometer, OpenTelemetry, JSON Lines and Kafka sinks,
 * and the application's own) and the {@link Fleet} bean are looked up, and the router is
 * registered as depending on each, so at shutdown it is closed (copies drained, sinks flushed,
 * fleet disconnected) before any of them is destroyed.
 *
 * <p>The properties become shadow-core builders here and nowhere else; the core validates them
 * ({@link ShadowRouterRegistrar} builds the same configuration at start-up, with stand-ins for
 * the beans, to report every problem before anything starts).
 */
final class RouterFactory {

  /** Bean definition attribute holding the endpoint's {@code Predictor<I, O>} type. */
  static final String PREDICTOR_TYPE_ATTRIBUTE = RouterFactory.class.getName() + ".predictorType";

  private RouterFactory() {}

  /** The path of an endpoint's properties: {@code shadow-routing.endpoints.<endpoint>}. */
  static String path(String endpoint) {
    return ShadowRoutingProperties.PREFIX + ".endpoints." + endpoint;
  }

  static ShadowRouter<Object, Object> create(ConfigurableListableBeanFactory beans,
      String beanName, String endpoint, Endpoint config) {
    String p = path(endpoint);
    EndpointConfig.Builder<Object, Object> b = endpoint(endpoint, config,
        name -> predictor(beans, beanName, name), name -> comparator(beans, beanName, name));
    for (String sinkName : beans.getBeanNamesForType(ShadowSink.class)) {
      b.sink(beans.getBean(sinkName, ShadowSink.class));
      beans.registerDependentBean(sinkName, beanName);
    }
    b.fleet(fleet(beans, beanName, p));
    ShadowRouter<Object, Object> router =
        ShadowRouter.create(CoreProblems.build(b::build, CoreProblems.endpoint(p)));
    Test test = config.getTest();
    if (test != null) {
      try {
        CoreProblems.build(() -> router.startTest(
                spec(test, predictor(beans, beanName, test.getPredictor()))),
            CoreProblems.test(p + ".test"));
      } catch (RuntimeException e) {
        router.close();
        throw e instanceof ShadowRoutingConfigurationException ? e
            : new ShadowRoutingConfigurationException(
                List.of(new Problem(p + ".test", test.getCandidate(), e.getMessage())), e);
      }
    }
    return router;
  }

  /**
   * The application's {@link Fleet} bean (the starter's {@code KafkaFleet} or the application's
   * own), which the router joins and which is closed after it; null for this instance alone.
   * Several are a start-up failure: an endpoint shares its tests with one fleet.
   */
  private static @Nullable Fleet fleet(ConfigurableListableBeanFactory beans, String routerBean,
      String endpointPath) {
    String[] names = beans.getBeanNamesForType(Fleet.class);
    if (names.length == 0) {
      return null;
    }
    if (names.length > 1) {
      throw new ShadowRoutingConfigurationException(List.of(new Problem(endpointPath,
          null, "can join one fleet, but there are " + names.length + " Fleet beans: "
          + List.of(names) + "; keep one (shadow-routing.fleet.kafka makes one)")));
    }
    beans.registerDependentBean(names[0], routerBean);
    return beans.getBean(names[0], Fleet.class);
  }

  /**
   * The endpoint's properties on a core builder, its variants as builders so that
   * {@link EndpointConfig.Builder#build()} reports every problem at once. Predictors and
   * comparators are named by bean; {@code predictors} and {@code comparators} resolve the names.
   */
  static EndpointConfig.Builder<Object, Object> endpoint(String endpoint, Endpoint config,
      Function<String, Predictor<Object, Object>> predictors,
      Function<String, OutputComparator<Object>> comparators) {
    EndpointConfig.Builder<Object, Object> b = EndpointConfig.builder(endpoint);
    config.getProduction().forEach((name, v) -> b.production(
        Variant.builder(name, predictors.apply(v.getPredictor()))
            .weight(v.getWeight())
            .capturePayloads(v.isCapturePayloads())));
    config.getShadows().forEach((name, v) -> b.shadow(
        Variant.builder(name, predictors.apply(v.getPredictor()))
            .samplingRate(v.getSamplingRate())
            .timeout(v.getTimeout())
            .maxConcurrency(v.getMaxConcurrency())
            .comparator(v.getComparator() == null ? null : comparators.apply(v.getComparator()))
            .capturePayloads(v.isCapturePayloads())));
    if (config.getComparator() != null) {
      b.comparator(comparators.apply(config.getComparator()));
    }
    return b.workerThreads(config.getWorkerThreads())
        .queueCapacity(config.getQueueCapacity())
        .sinkBufferCapacity(config.getSinkBufferCapacity())
        .closeTimeout(config.getCloseTimeout());
  }

  /**
   * The test's properties as a core spec, its candidate validated with it.
   *
   * @throws dev.shadowrouting.InvalidConfigurationException naming every invalid setting
   */
  static ShadowTestSpec<Object, Object> spec(Test test, Predictor<Object, Object> predictor) {
    return spec(test, Variant.builder(test.getCandidate(), predictor));
  }

  /**
   * The test's properties as a core spec of {@code candidate} (a new variant, or a shadow variant
   * of the endpoint rebuilt), which takes the test's timeout and maximum concurrency.
   *
   * @throws dev.shadowrouting.InvalidConfigurationException naming every invalid setting
   */
  static ShadowTestSpec<Object, Object> spec(Test test, Variant.Builder<Object, Object> candidate) {
    return ShadowTestSpec.builder(candidate
            .timeout(test.getTimeout())
            .maxConcurrency(test.getMaxConcurrency()))
        .samplingRate(test.getSamplingRate())
        .duration(test.getDuration())
        .maxRequests(test.getMaxRequests())
        .maxLatencyIncrease(test.getMaxLatencyIncrease())
        .tailQuantile(test.getTailQuantile())
        .maxTailLatencyIncrease(test.getMaxTailLatencyIncrease())
        .maxErrorRateIncrease(test.getMaxErrorRateIncrease())
        .minAgreement(test.getMinAgreement())
        .alpha(test.getAlpha())
        .warmup(test.getWarmup())
        .continueAfterFail(test.isContinueAfterFail())
        .minSamples(test.getMinSamples())
        .stopIfErrorRateAbove(test.getStopIfErrorRateAbove())
        .stopIfTimeoutRateAbove(test.getStopIfTimeoutRateAbove())
        .noiseBaseline(test.isNoiseBaseline())
        .build();
  }

  @SuppressWarnings("unchecked")
  static Predictor<Object, Object> predictor(ConfigurableListableBeanFactory beans,
      @Nullable String routerBean, String name) {
    Predictor<Object, Object> predictor = beans.getBean(name, Predictor.class);
    if (routerBean != null) {
      beans.registerDependentBean(name, routerBean);
    }
    return predictor;
  }

  @SuppressWarnings("unchecked")
  private static OutputComparator<Object> comparator(ConfigurableListableBeanFactory beans,
      String routerBean, String name) {
    OutputComparator<Object> comparator = beans.getBean(name, OutputComparator.class);
    beans.registerDependentBean(name, routerBean);
    return comparator;
  }
}
