package dev.shadowrouting.spring;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.Endpoint;
import dev.shadowrouting.spring.ShadowRoutingProperties.ProductionVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.ShadowVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link ShadowRouter} bean per {@code shadow-routing.endpoints} entry, named
 * {@code <endpoint>ShadowRouter} and typed {@code ShadowRouter<I, O>} with the input and output types
 * of its production predictor, plus the {@link ShadowRouters} bean. Runs after the application's
 * configuration classes are parsed, so it can check every predictor and comparator bean named in
 * the properties (that it exists, has the right type, and that all predictors of an endpoint agree
 * on their types) and every value's range before anything starts: all problems are reported at once
 * in a {@link ShadowRoutingConfigurationException}.
 */
final class ShadowRouterRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

  /** Suffix of the router bean names: endpoint "fraud" is bean "fraudShadowRouter". */
  static final String BEAN_SUFFIX = "ShadowRouter";
  static final String ROUTERS_BEAN = "shadowRouters";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  static String beanName(String endpoint) {
    return endpoint + BEAN_SUFFIX;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    ShadowRoutingProperties properties = Binder.get(environment)
        .bind(ShadowRoutingProperties.PREFIX, ShadowRoutingProperties.class)
        .orElseGet(ShadowRoutingProperties::new);
    ConfigurableListableBeanFactory beans = (ConfigurableListableBeanFactory) registry;
    List<Problem> problems = new ArrayList<>();
    Map<String, ResolvableType> routerTypes = new LinkedHashMap<>();
    properties.getEndpoints().forEach((name, endpoint) ->
        routerTypes.put(name, validate(beans, name, endpoint, problems)));
    if (!problems.isEmpty()) {
      throw new ShadowRoutingConfigurationException(problems);
    }
    Map<String, String> beanNames = new LinkedHashMap<>();
    for (Map.Entry<String, Endpoint> e : properties.getEndpoints().entrySet()) {
      String endpoint = e.getKey();
      String beanName = beanName(endpoint);
      ResolvableType predictorType = routerTypes.get(endpoint);
      RootBeanDefinition definition = new RootBeanDefinition(ShadowRouter.class);
      definition.setTargetType(ResolvableType.forClassWithGenerics(ShadowRouter.class,
          predictorType.getGeneric(0), predictorType.getGeneric(1)));
      Endpoint config = e.getValue();
      definition.setInstanceSupplier(() -> RouterFactory.create(beans, beanName, endpoint, config));
      definition.setDestroyMethodName("close");
      definition.setAttribute(RouterFactory.PREDICTOR_TYPE_ATTRIBUTE, predictorType);
      registry.registerBeanDefinition(beanName, definition);
      beanNames.put(endpoint, beanName);
    }
    if (!registry.containsBeanDefinition(ROUTERS_BEAN)) {
      RootBeanDefinition routers = new RootBeanDefinition(ShadowRouters.class);
      routers.setInstanceSupplier(() -> ShadowRouters.lookUp(beans, beanNames));
      routers.setDependsOn(beanNames.values().toArray(String[]::new));
      registry.registerBeanDefinition(ROUTERS_BEAN, routers);
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

  /**
   * Checks one endpoint, adding a problem per invalid property; returns the endpoint's
   * {@code Predictor<I, O>} type (from its first production predictor).
   */
  private static ResolvableType validate(ConfigurableListableBeanFactory beans, String name,
      Endpoint endpoint, List<Problem> problems) {
    String p = ShadowRoutingProperties.PREFIX + ".endpoints." + name;
    if (name.isBlank() || name.length() > 200) {
      problems.add(new Problem(p, name, "an endpoint name must be non-blank and at most 200"
          + " characters"));
    }
    ResolvableType endpointType = null;
    String typeSource = null;
    Set<String> variantNames = new HashSet<>();
    if (endpoint.getProduction().isEmpty()) {
      problems.add(new Problem(p + ".production", null, "an endpoint needs at least one"
          + " production variant, e.g. " + p + ".production.v1.predictor=<bean name of a"
          + " Predictor>"));
    }
    double totalWeight = 0;
    for (Map.Entry<String, ProductionVariant> e : endpoint.getProduction().entrySet()) {
      String vp = p + ".production." + e.getKey();
      ProductionVariant v = e.getValue();
      variantName(vp, e.getKey(), variantNames, problems);
      ResolvableType t = predictorType(beans, vp + ".predictor", v.getPredictor(), problems);
      if (t != null && endpointType == null) {
        endpointType = t;
        typeSource = vp + ".predictor";
      } else {
        checkSameTypes(vp + ".predictor", v.getPredictor(), t, endpointType, typeSource, problems);
      }
      if (!Double.isFinite(v.getWeight()) || v.getWeight() < 0) {
        problems.add(new Problem(vp + ".weight", v.getWeight(),
            "must be a finite number >= 0"));
      } else {
        totalWeight += v.getWeight();
      }
    }
    if (!endpoint.getProduction().isEmpty() && !(totalWeight > 0)) {
      problems.add(new Problem(p + ".production.*.weight", totalWeight,
          "the production weights must add up to more than 0"));
    }
    if (endpoint.getShadows().size() > EndpointConfig.MAX_SHADOW_VARIANTS) {
      problems.add(new Problem(p + ".shadows", endpoint.getShadows().size() + " variants",
          "at most " + EndpointConfig.MAX_SHADOW_VARIANTS + " shadow variants"));
    }
    for (Map.Entry<String, ShadowVariant> e : endpoint.getShadows().entrySet()) {
      String vp = p + ".shadows." + e.getKey();
      ShadowVariant v = e.getValue();
      variantName(vp, e.getKey(), variantNames, problems);
      ResolvableType t = predictorType(beans, vp + ".predictor", v.getPredictor(), problems);
      checkSameTypes(vp + ".predictor", v.getPredictor(), t, endpointType, typeSource, problems);
      rate(vp + ".sampling-rate", v.getSamplingRate(), problems);
      timeout(vp + ".timeout", v.getTimeout(), problems);
      range(vp + ".max-concurrency", v.getMaxConcurrency(), 1, Variant.MAX_CONCURRENCY_LIMIT,
          problems);
      comparator(beans, vp + ".comparator", v.getComparator(), problems);
    }
    comparator(beans, p + ".comparator", endpoint.getComparator(), problems);
    if (endpoint.getWorkerThreads() != null) {
      range(p + ".worker-threads", endpoint.getWorkerThreads(), 1,
          EndpointConfig.MAX_WORKER_THREADS, problems);
    }
    range(p + ".queue-capacity", endpoint.getQueueCapacity(), 1,
        EndpointConfig.MAX_QUEUE_CAPACITY, problems);
    range(p + ".sink-buffer-capacity", endpoint.getSinkBufferCapacity(), 1,
        EndpointConfig.MAX_QUEUE_CAPACITY, problems);
    Duration close = endpoint.getCloseTimeout();
    if (close == null || close.isNegative() || close.compareTo(EndpointConfig.MAX_CLOSE_TIMEOUT) > 0) {
      problems.add(new Problem(p + ".close-timeout", close, "must be in [0s, 1d]"));
    }
    Test test = endpoint.getTest();
    if (test != null) {
      String tp = p + ".test";
      if (test.getCandidate() == null || test.getCandidate().isBlank()) {
        problems.add(new Problem(tp + ".candidate", test.getCandidate(),
            "a shadow test needs a candidate: the name of a new shadow variant"));
      } else if (endpoint.getProduction().containsKey(test.getCandidate())) {
        problems.add(new Problem(tp + ".candidate", test.getCandidate(), "is a production"
            + " variant of endpoint '" + name + "': a test's candidate becomes a new shadow"
            + " variant, so it needs a name the endpoint does not use (it uses "
            + variantNames(endpoint) + ")"));
      } else if (endpoint.getShadows().containsKey(test.getCandidate())) {
        problems.add(new Problem(tp + ".candidate", test.getCandidate(), "is already a shadow"
            + " variant of endpoint '" + name + "': a test adds its candidate as a new shadow"
            + " variant; give it a new name, or remove it from " + p + ".shadows (the endpoint"
            + " uses " + variantNames(endpoint) + ")"));
      } else if (test.getCandidate().length() > 200) {
        problems.add(new Problem(tp + ".candidate", test.getCandidate(),
            "must be at most 200 characters"));
      }
      ResolvableType t = predictorType(beans, tp + ".predictor", test.getPredictor(), problems);
      checkSameTypes(tp + ".predictor", test.getPredictor(), t, endpointType, typeSource, problems);
      rate(tp + ".sampling-rate", test.getSamplingRate(), problems);
      Duration d = test.getDuration();
      if (d == null || d.compareTo(ShadowTestSpec.MIN_DURATION) < 0
          || d.compareTo(ShadowTestSpec.MAX_DURATION) > 0) {
        problems.add(new Problem(tp + ".duration", d, "must be in [1s, 30d]"));
      }
      if (test.getMaxRequests() < 0) {
        problems.add(new Problem(tp + ".max-requests", test.getMaxRequests(),
            "must be >= 0 (0: no budget)"));
      }
      range(tp + ".max-latency-increase", test.getMaxLatencyIncrease(), 0,
          ShadowTestSpec.MAX_LATENCY_INCREASE, problems);
      rate(tp + ".max-error-rate-increase", test.getMaxErrorRateIncrease(), problems);
      rate(tp + ".min-agreement", test.getMinAgreement(), problems);
      range(tp + ".min-samples", test.getMinSamples(), 1, ShadowTestSpec.MAX_MIN_SAMPLES,
          problems);
      if (!(test.getAlpha() > 0 && test.getAlpha() <= ShadowTestSpec.MAX_ALPHA)) {
        problems.add(new Problem(tp + ".alpha", test.getAlpha(),
            "must be in (0, " + ShadowTestSpec.MAX_ALPHA + "]"));
      }
      rate(tp + ".stop-if-error-rate-above", test.getStopIfErrorRateAbove(), problems);
      rate(tp + ".stop-if-timeout-rate-above", test.getStopIfTimeoutRateAbove(), problems);
      timeout(tp + ".timeout", test.getTimeout(), problems);
      range(tp + ".max-concurrency", test.getMaxConcurrency(), 1, Variant.MAX_CONCURRENCY_LIMIT,
          problems);
    }
    return endpointType != null ? endpointType
        : ResolvableType.forClassWithGenerics(Predictor.class, Object.class, Object.class);
  }

  private static List<String> variantNames(Endpoint endpoint) {
    List<String> names = new ArrayList<>(endpoint.getProduction().keySet());
    names.addAll(endpoint.getShadows().keySet());
    return names;
  }

  private static void variantName(String property, String name, Set<String> seen,
      List<Problem> problems) {
    if (name.isBlank() || name.length() > 200) {
      problems.add(new Problem(property, name,
          "a variant name must be non-blank and at most 200 characters"));
    }
    if (!seen.add(name)) {
      problems.add(new Problem(property, name, "variant names must be unique in an endpoint:"
          + " '" + name + "' is both a production and a shadow variant"));
    }
  }

  /**
   * The {@code Predictor<I, O>} type of bean {@code beanName}, or null (and a problem) if there is
   * no such bean or it is not a Predictor.
   */
  private static ResolvableType predictorType(ConfigurableListableBeanFactory beans,
      String property, String beanName, List<Problem> problems) {
    if (beanName == null || beanName.isBlank()) {
      problems.add(new Problem(property, beanName, "the bean name of a Predictor is required;"
          + " Predictor beans: " + available(beans, Predictor.class)));
      return null;
    }
    if (!beans.containsBean(beanName)) {
      problems.add(new Problem(property, beanName, "there is no bean named '" + beanName
          + "'; Predictor beans: " + available(beans, Predictor.class)));
      return null;
    }
    ResolvableType type = beanType(beans, beanName);
    Class<?> raw = type.resolve();
    if (raw == null || !Predictor.class.isAssignableFrom(raw)) {
      problems.add(new Problem(property, beanName, "bean '" + beanName + "' is a "
          + (raw == null ? "bean of unknown type" : raw.getName()) + ", not a "
          + Predictor.class.getName() + "; Predictor beans: " + available(beans, Predictor.class)));
      return null;
    }
    return type.as(Predictor.class);
  }

  /** The full generic type of a bean, from its definition (factory method or class). */
  static ResolvableType beanType(ConfigurableListableBeanFactory beans, String beanName) {
    Class<?> raw = beans.getType(beanName, false);
    if (raw == null) {
      return ResolvableType.NONE;
    }
    try {
      BeanDefinition definition = beans.getMergedBeanDefinition(beanName);
      ResolvableType declared = definition.getResolvableType();
      Class<?> declaredRaw = declared.resolve();
      if (declaredRaw != null && declaredRaw.isAssignableFrom(raw)) {
        // the more specific of the two: a factory method's generic return type, or the class
        return declaredRaw == raw || declared.hasGenerics() ? declared : ResolvableType.forClass(raw);
      }
    } catch (NoSuchBeanDefinitionException e) {
      // a singleton registered as an instance: its class is all there is
    }
    return ResolvableType.forClass(raw);
  }

  private static void checkSameTypes(String property, String beanName, ResolvableType type,
      ResolvableType endpointType, String typeSource, List<Problem> problems) {
    if (type == null || endpointType == null || type.hasUnresolvableGenerics()
        || endpointType.hasUnresolvableGenerics()) {
      return;
    }
    ResolvableType in = endpointType.getGeneric(0);
    ResolvableType out = endpointType.getGeneric(1);
    ResolvableType otherIn = type.getGeneric(0);
    ResolvableType otherOut = type.getGeneric(1);
    // a predictor may accept a wider input and return a narrower output than the endpoint's
    if (!otherIn.isAssignableFrom(in) || !out.isAssignableFrom(otherOut)) {
      problems.add(new Problem(property, beanName, "bean '" + beanName + "' is a Predictor<"
          + otherIn + ", " + otherOut + "> but the endpoint's predictors are Predictor<" + in
          + ", " + out + "> (as " + typeSource + " declares): all variants of an endpoint take"
          + " the same input and give the same output type"));
    }
  }

  private static void comparator(ConfigurableListableBeanFactory beans, String property,
      String beanName, List<Problem> problems) {
    if (beanName == null) {
      return;
    }
    if (!beans.containsBean(beanName)) {
      problems.add(new Problem(property, beanName, "there is no bean named '" + beanName
          + "'; OutputComparator beans: " + available(beans, OutputComparator.class)));
    } else if (!beans.isTypeMatch(beanName, OutputComparator.class)) {
      problems.add(new Problem(property, beanName, "bean '" + beanName + "' is a "
          + beans.getType(beanName, false) + ", not an " + OutputComparator.class.getName()
          + "; OutputComparator beans: " + available(beans, OutputComparator.class)));
    }
  }

  private static String available(ConfigurableListableBeanFactory beans, Class<?> type) {
    String[] names = beans.getBeanNamesForType(type, true, false);
    Arrays.sort(names);
    return names.length == 0 ? "none (declare one as a @Bean)" : Arrays.toString(names);
  }

  private static void rate(String property, double value, List<Problem> problems) {
    range(property, value, 0.0, 1.0, problems);
  }

  private static void range(String property, double value, double min, double max,
      List<Problem> problems) {
    if (!(value >= min && value <= max)) {
      problems.add(new Problem(property, value, "must be in [" + min + ", " + max + "]"));
    }
  }

  private static void range(String property, long value, long min, long max,
      List<Problem> problems) {
    if (value < min || value > max) {
      problems.add(new Problem(property, value, "must be in [" + min + ", " + max + "]"));
    }
  }

  private static void timeout(String property, Duration value, List<Problem> problems) {
    if (value == null || value.isZero() || value.isNegative()
        || value.compareTo(Variant.MAX_TIMEOUT) > 0) {
      problems.add(new Problem(property, value, "must be in (0s, 1d]"));
    }
  }
}
