package dev.shadowrouting.spring;

import dev.shadowrouting.OperationResult;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowOperations;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTestSpec;
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
 * <p>The documents are core's, returned as maps for Actuator's JSON mapper: each endpoint's is
 * {@link ShadowRouter#toDocument()}, under a header ({@code schema}, {@code access},
 * {@code actions}). The layout is documented in the README and pinned by a golden test: add
 * fields, never rename or remove them.
 *
 * <p>Thread-safe.
 */
@Endpoint(id = ShadowEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class ShadowEndpoint {

  /** The endpoint id: {@code /actuator/shadow}. */
  public static final String ID = "shadow";

  /** Version of the document layout, the header's {@code schema}. */
  static final int SCHEMA = 1;

  static final int BAD_REQUEST = 400;
  static final int NOT_FOUND = 404;
  static final int CONFLICT = 409;
  static final int SERVICE_UNAVAILABLE = 503;

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
    routers.asMap().forEach((name, router) -> endpoints.put(name, router.toDocument()));
    doc.put("endpoints", endpoints);
    return doc;
  }

  /** One endpoint. @throws ShadowEndpointException (404) naming the endpoints there are */
  @ReadOperation
  public Map<String, Object> endpoint(@Selector String endpoint) {
    Map<String, Object> doc = header();
    doc.putAll(router(endpoint).toDocument());
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
    ShadowOperations<Object, Object> ops = router.operations();
    OperationResult result = switch (action.toLowerCase(Locale.ROOT)) {
      case "promote" -> ops.promote(required("variant", variant), forced);
      case "discard" -> ops.discard(required("variant", variant), forced);
      case "stop-test" -> ops.stopTest(variant != null ? variant : candidate);
      case "sampling-rate" -> ops.setSamplingRate(required("variant", variant),
          number("samplingRate", required("samplingRate", samplingRate)));
      case "start-test" -> ops.startTest(spec(endpoint, required("candidate", candidate),
          required("predictor", predictor), samplingRate, duration, maxRequests,
          maxLatencyIncrease, maxErrorRateIncrease, minAgreement, minSamples));
      default -> throw new ShadowEndpointException(BAD_REQUEST, "unknown action \"" + action
          + "\": the actions are " + ACTIONS);
    };
    if (!result.accepted()) {
      throw new ShadowEndpointException(status(result.status()), result.message());
    }
    Map<String, Object> doc = header();
    doc.put("result", result.message());
    doc.put("endpoint", router.toDocument());
    return doc;
  }

  /**
   * The HTTP status of a refused operation. A variant the endpoint lacks is a bad request here
   * (400): the URL names the endpoint, which exists, and the variant is a field of the body.
   */
  private static int status(OperationResult.Status status) {
    return switch (status) {
      case CONFLICT -> CONFLICT;
      case INVALID, NOT_FOUND -> BAD_REQUEST;
      case UNAVAILABLE -> SERVICE_UNAVAILABLE;
      case APPLIED, PUBLISHED -> throw new IllegalArgumentException(status + " is not a refusal");
    };
  }

  static final List<String> ACTIONS =
      List.of("promote", "discard", "start-test", "stop-test", "sampling-rate");

  private Map<String, Object> header() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
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

  /** The spec of a start-test body: the candidate from a predictor bean of the endpoint's type. */
  private ShadowTestSpec<Object, Object> spec(String endpoint, String candidate,
      String predictorBean, String samplingRate, String duration, String maxRequests,
      String maxLatencyIncrease, String maxErrorRateIncrease, String minAgreement,
      String minSamples) {
    ResolvableType type = predictorType(endpoint);
    if (!beans.containsBean(predictorBean) || !beans.isTypeMatch(predictorBean, type)) {
      String[] names = beans.getBeanNamesForType(type, true, false);
      Arrays.sort(names);
      throw new ShadowEndpointException(BAD_REQUEST, (beans.containsBean(predictorBean)
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
        throw new ShadowEndpointException(BAD_REQUEST, "duration must be a duration such as"
            + " \"1h\", \"30m\" or \"PT2H\" but was \"" + duration + "\"");
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
    try {
      return RouterFactory.spec(test, predictor);
    } catch (IllegalArgumentException e) {
      throw new ShadowEndpointException(BAD_REQUEST, e.getMessage());
    }
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
