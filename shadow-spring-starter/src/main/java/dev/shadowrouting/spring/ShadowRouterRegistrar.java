package dev.shadowrouting.spring;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import dev.shadowrouting.spring.ShadowRoutingProperties.Endpoint;
import dev.shadowrouting.spring.ShadowRoutingProperties.ProductionVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.ShadowVariant;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link ShadowRouter} bean per {@code shadow-routing.endpoints} entry, named
 * {@code <endpoint>ShadowRouter} and typed {@code ShadowRouter<I, O>} with the input and output types
 * of its production predictor, plus the {@link ShadowRouters} bean. Runs after the application's
 * configuration classes are parsed, so it can check every predictor and comparator bean named in
 * the properties (that it exists, has the right type, and that all predictors of an endpoint agree
 * on their types), and have shadow-core check every value, before anything starts: all problems
 * are reported at once in a {@link ShadowRoutingConfigurationException}. A key under
 * {@code shadow-routing} that binds to no property (a misspelling) fails start-up too, named with
 * the keys allowed where it stands. It holds no range and no
 * default of its own: the core's problems are mapped onto property paths by {@link CoreProblems}.
 */
final class ShadowRouterRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

  /** Suffix of the router bean names: endpoint "fraud" is bean "fraudShadowRouter". */
  static final String BEAN_SUFFIX = "ShadowRouter";
  static final String ROUTERS_BEAN = "shadowRouters";

  /**
   * Stands in for the predictor beans while the core checks the values: the beans are not created
   * yet (they are checked by name and type), and the configuration built with it never routes.
   */
  private static final Predictor<Object, Object> STAND_IN = input -> {
    throw new UnsupportedOperationException("a stand-in for validation, never called");
  };

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
    ShadowRoutingProperties properties = bind(environment);
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

  /**
   * The properties, bound strictly: a misspelled key would otherwise leave its default in place
   * without a word, so each key that binds to nothing fails start-up, named with the keys allowed
   * where it stands ({@link UnknownKeys}).
   */
  static ShadowRoutingProperties bind(Environment environment) {
    try {
      return Binder.get(environment)
          .bind(ShadowRoutingProperties.PREFIX, Bindable.of(ShadowRoutingProperties.class),
              new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
          .orElseGet(ShadowRoutingProperties::new);
    } catch (BindException e) {
      if (e.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
        throw new ShadowRoutingConfigurationException(
            UnknownKeys.problems(unbound.getUnboundProperties()), e);
      }
      throw e;
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}

  /**
   * Checks one endpoint, adding a problem per invalid property; returns the endpoint's
   * {@code Predictor<I, O>} type (from its first production predictor). The beans named are
   * checked here; every value is checked by shadow-core, building the endpoint's configuration
   * and test as {@link RouterFactory} will, with {@link #STAND_IN} for the predictors.
   */
  private static ResolvableType validate(ConfigurableListableBeanFactory beans, String name,
      Endpoint endpoint, List<Problem> problems) {
    String p = RouterFactory.path(name);
    ResolvableType endpointType = null;
    String typeSource = null;
    for (Map.Entry<String, ProductionVariant> e : endpoint.getProduction().entrySet()) {
      String property = p + ".production." + e.getKey() + ".predictor";
      String bean = e.getValue().getPredictor();
      ResolvableType t = predictorType(beans, property, bean, problems);
      if (t != null && endpointType == null) {
        endpointType = t;
        typeSource = property;
      } else {
        checkSameTypes(property, bean, t, endpointType, typeSource, problems);
      }
    }
    for (Map.Entry<String, ShadowVariant> e : endpoint.getShadows().entrySet()) {
      String vp = p + ".shadows." + e.getKey();
      ShadowVariant v = e.getValue();
      ResolvableType t = predictorType(beans, vp + ".predictor", v.getPredictor(), problems);
      checkSameTypes(vp + ".predictor", v.getPredictor(), t, endpointType, typeSource, problems);
      comparator(beans, vp + ".comparator", v.getComparator(), problems);
    }
    comparator(beans, p + ".comparator", endpoint.getComparator(), problems);
    problems.addAll(CoreProblems.check(() -> RouterFactory.endpoint(name, endpoint,
        bean -> STAND_IN, bean -> OutputComparator.equality()).build(), CoreProblems.endpoint(p)));
    Test test = endpoint.getTest();
    if (test != null) {
      String tp = p + ".test";
      candidate(name, endpoint, tp + ".candidate", test.getCandidate(), problems);
      ResolvableType t = predictorType(beans, tp + ".predictor", test.getPredictor(), problems);
      checkSameTypes(tp + ".predictor", test.getPredictor(), t, endpointType, typeSource, problems);
      problems.addAll(CoreProblems.check(() -> RouterFactory.spec(test, STAND_IN),
          CoreProblems.test(tp)));
    }
    return endpointType != null ? endpointType
        : ResolvableType.forClassWithGenerics(Predictor.class, Object.class, Object.class);
  }

  /**
   * A test's candidate becomes a new shadow variant when the router starts it, so it must not be
   * named like one of the endpoint's variants: said here, with the names in use, because the core
   * could only refuse it once the application runs.
   */
  private static void candidate(String endpointName, Endpoint endpoint, String property,
      String candidate, List<Problem> problems) {
    if (endpoint.getProduction().containsKey(candidate)) {
      problems.add(new Problem(property, candidate, "is a production variant of endpoint '"
          + endpointName + "': a test's candidate becomes a new shadow variant, so it needs a"
          + " name the endpoint does not use (it uses " + variantNames(endpoint) + ")"));
    } else if (endpoint.getShadows().containsKey(candidate)) {
      problems.add(new Problem(property, candidate, "is already a shadow variant of endpoint '"
          + endpointName + "': a test adds its candidate as a new shadow variant; give it a new"
          + " name, or remove it from " + RouterFactory.path(endpointName) + ".shadows (the"
          + " endpoint uses " + variantNames(endpoint) + ")"));
    }
  }

  private static List<String> variantNames(Endpoint endpoint) {
    List<String> names = new ArrayList<>(endpoint.getProduction().keySet());
    names.addAll(endpoint.getShadows().keySet());
    return names;
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
}
