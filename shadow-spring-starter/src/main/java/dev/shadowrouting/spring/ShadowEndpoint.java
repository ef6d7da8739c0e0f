package dev.shadowrouting.spring;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.ResolvableType;

/**
 * The Actuator endpoint {@code shadow}: the live state of every shadow-routing endpoint (variants,
 * statistics, running and finished shadow tests) and, when the application allows writes, the
 * actions of a shadow test's life: promote, discard, start a test, stop it, change a sampling rate.
 *
 * <p>Reading is allowed by default; writing only when the application sets
 * {@code management.endpoint.shadow.access=unrestricted}. Exposure over HTTP is the application's
 * choice ({@code management.endpoints.web.exposure.include=shadow}), and so is its security: with
 * Spring Security, Actuator endpoints are protected by the application's rules.
 *
 * <ul>
 *   <li>{@code GET /actuator/shadow}: every endpoint;
 *   <li>{@code GET /actuator/shadow/{endpoint}}: one endpoint;
 *   <li>{@code POST /actuator/shadow/{endpoint}} with a JSON body {@code {"action": ..., ...}}:
 *       {@code promote} ({@code variant}, {@code force}), {@code discard} ({@code variant},
 *       {@code force}), {@code start-test} ({@code candidate}, {@code predictor},
 *       {@code samplingRate}, {@code duration}, {@code maxRequests}, {@code maxLatencyIncrease},
 *       {@code maxErrorRateIncrease}, {@code minAgreement}, {@code minSamples}),
 *       {@code stop-test} ({@code variant}: the candidate, optional when one test runs),
 *       {@code sampling-rate} ({@code variant}, {@code samplingRate}).
 * </ul>
 *
 * <p>Thread-safe.
 */
@Endpoint(id = ShadowEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class ShadowEndpoint {

  /** The endpoint id: {@code /actuator/shadow}. */
  public static final String ID = "shadow";

  static final int BAD_REQUEST = 400;
  static final int NOT_FOUND = 404;
  static final int CONFLICT = 409;

  private final ShadowRouters routers;
  private final ConfigurableListableBeanFactory beans;
  private final ObjectProvider<EndpointAccessResolver> accessResolver;

  public ShadowEndpoint(ShadowRouters routers, ConfigurableListableBeanFactory beans,
      ObjectProvider<EndpointAccessResolver> accessResolver) {
    this.routers = routers;
    this.beans = beans;
    this.accessResolver = accessResolver;
  }

  /** Every endpoint, by name. */
  @ReadOperation
  public Map<String, Object> shadow() {
    Map<String, Object> doc = header();
    Map<String, Object> endpoints = new LinkedHashMap<>();
    routers.asMap().forEach((name, router) -> endpoints.put(name, ShadowDocuments.endpoint(router)));
    doc.put("endpoints", endpoints);
    return doc;
  }

  /** One endpoint. @throws ShadowEndpointException (404) naming the endpoints there are */
  @ReadOperation
  public Map<String, Object> endpoint(@Selector String endpoint) {
    Map<String, Object> doc = header();
    doc.putAll(ShadowDocuments.endpoint(router(endpoint)));
    return doc;
  }

  /**
   * Runs one action on an endpoint and answers with its new state, under {@code "endpoint"}, and
   * what was done, under {@code "result"}.
   *
   * @throws ShadowEndpointException 400 for a bad request (unknown action or variant, a missing or
   *     out-of-range value), 404 for an unknown endpoint, 409 for an action its state refuses
   *     (e.g. promoting the candidate of a running test without {@code force})
   */
  @WriteOperation
  public Map<String, Object> write(@Selector String endpoint, @Nullable String action,
      @Nullable String variant, @Nullable String candidate, @Nullable String predictor,
      @Nullable String samplingRate, @Nullable String duration, @Nullable String maxRequests,
      @Nullable String maxLatencyIncrease, @Nullable String maxErrorRateIncrease,
      @Nullable String minAgreement, @Nullable String minSamples, @Nullable String force) {
    ShadowRouter<Object, Object> router = router(endpoint);
    if (action == null || action.isBlank()) {
      throw new ShadowEndpointException(BAD_REQUEST, "the body needs an \"action\": one of "
          + ACTIONS);
    }
    boolean forced = bool("force", force);
    String result;
    try {
      switch (action.toLowerCase(Locale.ROOT)) {
        case "promote" -> result = promote(router, required("variant", variant), forced);
        case "discard" -> result = discard(router, required("variant", variant), forced);
        case "stop-test" -> result = stopTest(router, variant != null ? variant : candidate);
        case "sampling-rate" -> result = samplingRate(router, required("variant", variant),
            number("samplingRate", required("samplingRate", samplingRate)));
        case "start-test" -> result = startTest(endpoint, router, required("candidate", candidate),
            required("predictor", predictor), samplingRate, duration, maxRequests,
            maxLatencyIncrease, maxErrorRateIncrease, minAgreement, minSamples);
        default -> throw new ShadowEndpointException(BAD_REQUEST, "unknown action \"" + action
            + "\": the actions are " + ACTIONS);
      }
    } catch (IllegalArgumentException e) {
      throw new ShadowEndpointException(BAD_REQUEST, e.getMessage());
    } catch (IllegalStateException e) {
      throw new ShadowEndpointException(CONFLICT, e.getMessage());
    }
    Map<String, Object> doc = header();
    doc.put("result", result);
    doc.put("endpoint", ShadowDocuments.endpoint(router));
    return doc;
  }

  static final List<String> ACTIONS =
      List.of("promote", "discard", "start-test", "stop-test", "sampling-rate");

  private Map<String, Object> header() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", ShadowDocuments.SCHEMA);
    doc.put("access", access().name());
    doc.put("actions", ACTIONS);
    return doc;
  }

  /** The access the application permits to this endpoint (READ_ONLY unless it opted in). */
  Access access() {
    EndpointAccessResolver resolver = accessResolver.getIfAvailable();
    return resolver == null ? Access.READ_ONLY
        : resolver.accessFor(EndpointId.of(ID), Access.READ_ONLY);
  }

  private ShadowRouter<Object, Object> router(String endpoint) {
    if (!routers.contains(endpoint)) {
      throw new ShadowEndpointException(NOT_FOUND, "there is no shadow-routing endpoint '"
          + endpoint + "'; endpoints: " + routers.names());
    }
    return routers.get(endpoint);
  }

  private static String promote(ShadowRouter<Object, Object> router, String variant,
      boolean force) {
    ShadowTest test = latestTest(router, variant);
    if (test != null) {
      test.promote(force);
      return "promoted '" + variant + "', the candidate of the shadow test, to production on"
          + " endpoint '" + router.name() + "'";
    }
    router.promote(variant);
    return "promoted shadow variant '" + variant + "' to production on endpoint '"
        + router.name() + "'";
  }

  private static String discard(ShadowRouter<Object, Object> router, String variant,
      boolean force) {
    ShadowTest test = latestTest(router, variant);
    if (test != null) {
      test.discard(force);
      return "discarded '" + variant + "', the candidate of the shadow test, on endpoint '"
          + router.name() + "'";
    }
    EndpointConfig<Object, Object> config = router.config();
    List<Variant<Object, Object>> remaining = new ArrayList<>();
    for (Variant<Object, Object> v : config.shadowVariants()) {
      if (!v.name().equals(variant)) {
        remaining.add(v);
      }
    }
    if (remaining.size() == config.shadowVariants().size()) {
      throw new IllegalArgumentException(unknownVariant(router, variant, "discard"));
    }
    router.update(config.toBuilder().shadowVariants(remaining).build());
    return "removed shadow variant '" + variant + "' from endpoint '" + router.name() + "'";
  }

  private static String stopTest(ShadowRouter<Object, Object> router, String candidate) {
    List<ShadowTest> running = new ArrayList<>();
    for (ShadowTest t : router.tests()) {
      if (t.status() == ShadowTest.Status.RUNNING) {
        running.add(t);
      }
    }
    ShadowTest test = null;
    if (candidate == null) {
      if (running.size() != 1) {
        throw new IllegalArgumentException("name the test to stop with \"variant\" (its"
            + " candidate): running tests on endpoint '" + router.name() + "': "
            + candidates(running));
      }
      test = running.get(0);
    } else {
      for (ShadowTest t : running) {
        if (t.candidate().equals(candidate)) {
          test = t;
        }
      }
      if (test == null) {
        throw new IllegalArgumentException("no shadow test of '" + candidate + "' is running on"
            + " endpoint '" + router.name() + "'; running tests: " + candidates(running));
      }
    }
    test.stop();
    return "stopped the shadow test of '" + test.candidate() + "' on endpoint '" + router.name()
        + "': " + test.status();
  }

  private static String samplingRate(ShadowRouter<Object, Object> router, String variant,
      double rate) {
    ShadowTest test = latestTest(router, variant);
    if (test != null && test.status() == ShadowTest.Status.RUNNING) {
      test.setSamplingRate(rate);
      return "sampling rate of test candidate '" + variant + "' set to " + rate;
    }
    EndpointConfig<Object, Object> config = router.config();
    List<Variant<Object, Object>> shadows = new ArrayList<>();
    boolean found = false;
    for (Variant<Object, Object> v : config.shadowVariants()) {
      if (v.name().equals(variant)) {
        shadows.add(v.toBuilder().samplingRate(rate).build());
        found = true;
      } else {
        shadows.add(v);
      }
    }
    if (!found) {
      throw new IllegalArgumentException(unknownVariant(router, variant, "change the sampling"
          + " rate of"));
    }
    router.update(config.toBuilder().shadowVariants(shadows).build());
    return "sampling rate of shadow variant '" + variant + "' set to " + rate;
  }

  private String startTest(String endpoint, ShadowRouter<Object, Object> router, String candidate,
      String predictorBean, String samplingRate, String duration, String maxRequests,
      String maxLatencyIncrease, String maxErrorRateIncrease, String minAgreement,
      String minSamples) {
    ResolvableType type = predictorType(endpoint);
    if (!beans.containsBean(predictorBean) || !beans.isTypeMatch(predictorBean, type)) {
      String[] names = beans.getBeanNamesForType(type, true, false);
      Arrays.sort(names);
      throw new IllegalArgumentException((beans.containsBean(predictorBean)
          ? "bean '" + predictorBean + "' is not a " + type
          : "there is no bean named '" + predictorBean + "'")
          + "; the " + type + " beans are " + Arrays.toString(names));
    }
    ShadowRoutingProperties.Test test = new ShadowRoutingProperties.Test();
    test.setCandidate(candidate);
    test.setPredictor(predictorBean);
    if (samplingRate != null) {
      test.setSamplingRate(number("samplingRate", samplingRate));
    }
    if (duration != null) {
      try {
        test.setDuration(DurationStyle.detectAndParse(duration));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("duration must be a duration such as \"1h\", \"30m\""
            + " or \"PT2H\" but was \"" + duration + "\"");
      }
    }
    if (maxRequests != null) {
      test.setMaxRequests((long) number("maxRequests", maxRequests));
    }
    if (maxLatencyIncrease != null) {
      test.setMaxLatencyIncrease(number("maxLatencyIncrease", maxLatencyIncrease));
    }
    if (maxErrorRateIncrease != null) {
      test.setMaxErrorRateIncrease(number("maxErrorRateIncrease", maxErrorRateIncrease));
    }
    if (minAgreement != null) {
      test.setMinAgreement(number("minAgreement", minAgreement));
    }
    if (minSamples != null) {
      test.setMinSamples((long) number("minSamples", minSamples));
    }
    Predictor<Object, Object> predictor = RouterFactory.predictor(beans, null, predictorBean);
    ShadowTest started = router.startTest(RouterFactory.spec(test, predictor));
    return "started a shadow test of '" + candidate + "' on endpoint '" + router.name() + "' for "
        + Duration.ofMillis(started.spec().duration().toMillis()) + " at sampling rate "
        + started.spec().samplingRate();
  }

  private ResolvableType predictorType(String endpoint) {
    String beanName = ShadowRouterRegistrar.beanName(endpoint);
    if (beans.containsBeanDefinition(beanName)) {
      Object type = beans.getMergedBeanDefinition(beanName)
          .getAttribute(RouterFactory.PREDICTOR_TYPE_ATTRIBUTE);
      if (type instanceof ResolvableType t) {
        return t;
      }
    }
    return ResolvableType.forClass(Predictor.class);
  }

  /** The latest test of {@code candidate} (running or ended), or null. */
  private static ShadowTest latestTest(ShadowRouter<?, ?> router, String candidate) {
    ShadowTest latest = null;
    for (ShadowTest t : router.tests()) {
      if (t.candidate().equals(candidate)) {
        latest = t;
      }
    }
    return latest;
  }

  private static String unknownVariant(ShadowRouter<?, ?> router, String variant, String verb) {
    List<String> shadows = new ArrayList<>();
    for (Variant<?, ?> v : router.config().shadowVariants()) {
      shadows.add(v.name());
    }
    List<String> production = new ArrayList<>();
    for (Variant<?, ?> v : router.config().productionVariants()) {
      production.add(v.name());
    }
    return "cannot " + verb + " '" + variant + "': it is neither a shadow variant nor the"
        + " candidate of a shadow test on endpoint '" + router.name() + "'; shadow variants: "
        + shadows + ", production variants: " + production + ", test candidates: "
        + candidates(router.tests());
  }

  private static List<String> candidates(List<ShadowTest> tests) {
    List<String> names = new ArrayList<>();
    for (ShadowTest t : tests) {
      names.add(t.candidate() + " (" + t.status() + ")");
    }
    return names;
  }

  private static String required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new ShadowEndpointException(BAD_REQUEST, "the body needs \"" + field + "\"");
    }
    return value;
  }

  private static double number(String field, String value) {
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ShadowEndpointException(BAD_REQUEST, field + " must be a number but was \""
          + value + "\"");
    }
  }

  private static boolean bool(String field, String value) {
    if (value == null) {
      return false;
    }
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    throw new ShadowEndpointException(BAD_REQUEST, field + " must be true or false but was \""
        + value + "\"");
  }
}
