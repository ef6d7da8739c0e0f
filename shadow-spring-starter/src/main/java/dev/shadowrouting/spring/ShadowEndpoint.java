package dev.shadowrouting.spring;

import dev.shadowrouting.Fleet;
import dev.shadowrouting.OperationResult;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.ShadowOperations;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import dev.shadowrouting.spring.ShadowRoutingProperties.Test;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
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
 *   <li>{@code GET /actuator/shadow/{endpoint}/{candidate}}: the newest test of that candidate,
 *       its checks over time;
 *   <li>{@code POST /actuator/shadow/{endpoint}} with a JSON body {@code {"action": ..., ...}}:
 *       {@code promote} ({@code variant}, {@code force}), {@code discard} ({@code variant},
 *       {@code force}), {@code start-test} ({@code candidate} and {@code predictor}, or
 *       {@code shadow}; {@code samplingRate}, {@code duration}, {@code maxRequests},
 *       {@code maxLatencyIncrease}, {@code tailQuantile}, {@code maxTailLatencyIncrease},
 *       {@code maxErrorRateIncrease}, {@code minAgreement}, {@code minSamples}, {@code alpha},
 *       {@code warmup}), {@code stop-test} ({@code variant}: the candidate, optional when one
 *       test runs), {@code sampling-rate} ({@code variant}, {@code samplingRate}). Any other
 *       field is refused (400), naming the action's fields.
 * </ul>
 *
 * <p>The documents are core's, returned as maps for Actuator's JSON mapper: each endpoint's is
 * {@link ShadowRouter#toDocument()} (in a fleet with {@code fleet}, this instance's id, and
 * each test's fleet report beside its own: see {@link #document}), under a header ({@code schema},
 * {@code access},
 * {@code actions}, and where writes are allowed {@code startTest}: the settings of a test with
 * their defaults and ranges, and each endpoint's candidates). The layout is documented in
 * docs/spring.md and pinned by a golden test: add
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

  static final int ACCEPTED = 202;
  static final int BAD_REQUEST = 400;
  static final int NOT_FOUND = 404;
  static final int CONFLICT = 409;
  static final int SERVICE_UNAVAILABLE = 503;

  /** The actions of a write, in order. */
  static final List<String> ACTIONS = WriteFields.actions();

  private final ShadowRouters routers;
  private final ConfigurableListableBeanFactory beans;
  private final ObjectProvider<EndpointAccessResolver> accessResolver;
  private final TestHistories histories;

  /** An endpoint whose tests keep no history ({@link #test} answers with no points). */
  public ShadowEndpoint(ShadowRouters routers, ConfigurableListableBeanFactory beans,
      ObjectProvider<EndpointAccessResolver> accessResolver) {
    // never started: nothing samples it
    this(routers, beans, accessResolver, new TestHistories(routers, System::currentTimeMillis));
  }

  ShadowEndpoint(ShadowRouters routers, ConfigurableListableBeanFactory beans,
      ObjectProvider<EndpointAccessResolver> accessResolver, TestHistories histories) {
    this.routers = routers;
    this.beans = beans;
    this.accessResolver = accessResolver;
    this.histories = histories;
  }

  /** Every endpoint, by name. */
  @ReadOperation
  public Map<String, Object> shadow() {
    Map<String, Object> doc = header(routers.names());
    Map<String, Object> endpoints = new LinkedHashMap<>();
    routers.asMap().forEach((name, router) -> endpoints.put(name, document(router)));
    doc.put("endpoints", endpoints);
    return doc;
  }

  /** One endpoint. @throws ShadowEndpointException (404) naming the endpoints there are */
  @ReadOperation
  public Map<String, Object> endpoint(@Selector String endpoint) {
    ShadowRouter<Object, Object> router = router(endpoint);
    Map<String, Object> doc = header(List.of(endpoint));
    doc.putAll(document(router));
    return doc;
  }

  /**
   * The newest shadow test of {@code candidate} on {@code endpoint}, its checks over time: each
   * check's threshold and its estimate, lower and upper bound at each sampled time (a bounded
   * history, see the starter's docs), the verdict at each time, and the test's status.
   *
   * @throws ShadowEndpointException (404) for an unknown endpoint, or a candidate with no test,
   *     naming the tests there are
   */
  @ReadOperation
  public Map<String, Object> test(@Selector String endpoint, @Selector String candidate) {
    ShadowRouter<Object, Object> router = router(endpoint);
    Map<String, Object> history = histories.document(router, candidate);
    if (history == null) {
      throw new ShadowEndpointException(NOT_FOUND, "endpoint '" + endpoint + "' has no shadow"
          + " test of '" + candidate + "'; its tests' candidates: "
          + router.tests().stream().map(ShadowTest::candidate).distinct().toList());
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
    doc.put("endpoint", endpoint);
    doc.put("candidate", candidate);
    doc.putAll(history);
    return doc;
  }

  /**
   * Runs one action on an endpoint and answers with its new state, under {@code "endpoint"}, and
   * what was done, under {@code "result"}. Every write, applied or refused, is logged at INFO
   * with who asked ({@code securityContext}'s principal), the fields and the endpoint's state
   * before and after (see {@code Audit}).
   *
   * @throws ShadowEndpointException 400 for a bad request (unknown action, variant or field, a
   *     missing or out-of-range value), 404 for an unknown endpoint, 409 for an action its state
   *     refuses (e.g. promoting the candidate of a running test without {@code force})
   */
  @WriteOperation
  public Map<String, Object> write(SecurityContext securityContext, @Selector String endpoint,
      @Nullable String action, @Nullable String variant, @Nullable String candidate,
      @Nullable String predictor, @Nullable String shadow, @Nullable String samplingRate,
      @Nullable String duration, @Nullable String maxRequests,
      @Nullable String maxLatencyIncrease, @Nullable String tailQuantile,
      @Nullable String maxTailLatencyIncrease, @Nullable String maxErrorRateIncrease,
      @Nullable String minAgreement, @Nullable String minSamples, @Nullable String alpha,
      @Nullable String warmup, @Nullable String force) {
    Map<String, String> given = new LinkedHashMap<>();
    put(given, WriteFields.ACTION, action);
    put(given, "variant", variant);
    put(given, "candidate", candidate);
    put(given, "predictor", predictor);
    put(given, "shadow", shadow);
    put(given, "samplingRate", samplingRate);
    put(given, "duration", duration);
    put(given, "maxRequests", maxRequests);
    put(given, "maxLatencyIncrease", maxLatencyIncrease);
    put(given, "tailQuantile", tailQuantile);
    put(given, "maxTailLatencyIncrease", maxTailLatencyIncrease);
    put(given, "maxErrorRateIncrease", maxErrorRateIncrease);
    put(given, "minAgreement", minAgreement);
    put(given, "minSamples", minSamples);
    put(given, "alpha", alpha);
    put(given, "warmup", warmup);
    put(given, "force", force);
    return write(securityContext.getPrincipal(), endpoint, given);
  }

  private static void put(Map<String, String> given, String field, @Nullable String value) {
    if (value != null) {
      given.put(field, value);
    }
  }

  /**
   * A write with the fields given (name to value, {@code action} among them), audit-logged
   * whatever comes of it.
   */
  Map<String, Object> write(@Nullable Principal who, String endpoint, Map<String, String> given) {
    String action = given.get(WriteFields.ACTION);
    String state = null;
    try {
      ShadowRouter<Object, Object> router = router(endpoint);
      state = Audit.state(router);
      String a = WriteFields.check(action, given.keySet());
      OperationResult result = apply(router, endpoint, a, given);
      if (!result.accepted()) {
        throw new ShadowEndpointException(status(result.status()), result.message());
      }
      Audit.applied(who, endpoint, a, given, result.message(), state, Audit.state(router));
      Map<String, Object> doc = header(List.of(endpoint));
      doc.put("result", result.message());
      // PUBLISHED: a fleet command every instance applies when it receives it (this one too)
      doc.put("outcome", result.status().name());
      doc.put("endpoint", document(router));
      return doc;
    } catch (ShadowEndpointException e) {
      Audit.refused(who, endpoint, action, given, e.status(), e.getMessage(), state);
      throw e;
    }
  }

  private OperationResult apply(ShadowRouter<Object, Object> router, String endpoint,
      String action, Map<String, String> given) {
    ShadowOperations<Object, Object> ops = router.operations();
    boolean forced = bool("force", given.get("force"));
    String variant = given.get("variant");
    return switch (action) {
      case "promote" -> ops.promote(required("variant", variant), forced);
      case "discard" -> ops.discard(required("variant", variant), forced);
      case "stop-test" -> ops.stopTest(variant != null ? variant : given.get("candidate"));
      case "sampling-rate" -> ops.setSamplingRate(required("variant", variant),
          TestSettings.parseNumber("samplingRate", required("samplingRate",
              given.get("samplingRate"))));
      case "start-test" -> startTest(router, endpoint, given);
      default -> throw new IllegalStateException("WriteFields.check let through " + action);
    };
  }

  /**
   * The router's document; in a fleet also {@code fleet} ({@code instanceId}, {@code commands})
   * and, in each test's report, {@code fleet}: the test's report on every instance's pairs, its
   * {@code instances} listed (id, pairs, last update, stale). Without a fleet, the core's document
   * as it is.
   */
  static Map<String, Object> document(ShadowRouter<?, ?> router) {
    Map<String, Object> doc = router.toDocument();
    Fleet fleet = router.config().fleet();
    if (fleet == null) {
      return doc;
    }
    Map<String, Object> about = new LinkedHashMap<>();
    about.put("instanceId", fleet.instanceId());
    about.put("commands", fleet.carriesCommands());
    about.put("publishIntervalMillis", fleet.publishInterval().toMillis());
    doc.put("fleet", about);
    // the reports again, from one list of tests, so each fleet report sits beside its own
    List<Map<String, Object>> tests = new ArrayList<>();
    for (ShadowTest t : router.tests()) {
      Map<String, Object> report = t.report().toDocument();
      report.put("fleet", t.fleetReport().toDocument());
      tests.add(report);
    }
    doc.put("tests", tests);
    return doc;
  }

  /**
   * The status of a refused operation. A variant the endpoint lacks is a bad request here (400):
   * the URL names the endpoint, which exists, and the variant is a field of the body.
   */
  private static int status(OperationResult.Status status) {
    return switch (status) {
      case CONFLICT -> CONFLICT;
      case INVALID, NOT_FOUND -> BAD_REQUEST;
      case UNAVAILABLE -> SERVICE_UNAVAILABLE;
      case APPLIED, PUBLISHED -> throw new IllegalArgumentException(status + " is not a refusal");
    };
  }

  /**
   * The header of every document: {@code schema}, {@code access}, {@code actions}, and where
   * writes are allowed {@code startTest}: what a test can be started with on {@code endpoints}
   * (the settings with their defaults and ranges, and per endpoint the candidates: predictor
   * beans of its type and its shadow variants).
   */
  private Map<String, Object> header(Collection<String> endpoints) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("schema", SCHEMA);
    Access access = access();
    doc.put("access", access.name());
    doc.put("actions", ACTIONS);
    if (access == Access.UNRESTRICTED) {
      Map<String, Object> start = new LinkedHashMap<>();
      start.put("settings", TestSettings.describe());
      Map<String, Object> candidates = new LinkedHashMap<>();
      for (String name : endpoints) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("predictors", List.of(predictorBeans(predictorType(name))));
        c.put("shadows", plainShadows(routers.get(name)));
        candidates.put(name, c);
      }
      start.put("candidates", candidates);
      doc.put("startTest", start);
    }
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

  /**
   * A start-test: its candidate is a predictor bean of the endpoint's type under a new name
   * ({@code candidate} and {@code predictor}), or a shadow variant of the endpoint
   * ({@code shadow}), which the test takes over: the plain shadow is removed and the test's
   * candidate, under the same name and with its predictor, timeout, concurrency and comparator,
   * takes its place (its sampling rate unless the body sets one). In a fleet that carries
   * commands, a shadow's test is a fleet command every instance applies (a new predictor is
   * refused there: the other instances do not have it).
   */
  private OperationResult startTest(ShadowRouter<Object, Object> router, String endpoint,
      Map<String, String> given) {
    String shadow = given.get("shadow");
    String predictor = given.get("predictor");
    if ((shadow == null) == (predictor == null) || (shadow != null
        && given.containsKey("candidate"))) {
      throw new ShadowEndpointException(BAD_REQUEST, "start-test takes either \"candidate\" and"
          + " \"predictor\" (a new variant from a Predictor bean: "
          + Arrays.toString(predictorBeans(predictorType(endpoint))) + ") or \"shadow\" (a"
          + " shadow variant of the endpoint: " + plainShadows(router) + "), not both");
    }
    Test test = new Test();
    if (shadow != null) {
      Variant<Object, Object> v = router.config().shadowVariants().stream()
          .filter(s -> s.name().equals(shadow) && plainShadows(router).contains(shadow))
          .findFirst()
          .orElseThrow(() -> new ShadowEndpointException(BAD_REQUEST, "shadow must be a shadow"
              + " variant of endpoint '" + endpoint + "' that no running test holds ("
              + plainShadows(router) + ") but was \"" + shadow + "\""));
      Fleet fleet = router.config().fleet();
      if (fleet != null && fleet.carriesCommands()) {
        // a fleet command: every instance's shadow of that name is taken over, by the core
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("samplingRate", v.samplingRate());
        settings.putAll(TestSettings.values(given));
        return router.operations().startTest(shadow, settings);
      }
      test.setCandidate(shadow);
      test.setSamplingRate(v.samplingRate());
      test.setTimeout(v.timeout());
      test.setMaxConcurrency(v.maxConcurrency());
      TestSettings.apply(test, given);
      ShadowTestSpec<Object, Object> spec = build(() -> RouterFactory.spec(test, v.toBuilder()));
      try {
        router.discard(shadow);
      } catch (IllegalArgumentException | IllegalStateException e) {
        // another operator got there first
        throw new ShadowEndpointException(CONFLICT, "shadow variant '" + shadow + "' cannot be"
            + " tested now: " + e.getMessage());
      }
      OperationResult result = router.operations().startTest(spec);
      if (!result.applied()) {
        // a race (the router closing, another operator): put the shadow back as it was
        try {
          router.update(router.config().toBuilder().shadow(v).build());
        } catch (RuntimeException e) {
          result = new OperationResult(result.status(), result.message() + "; shadow variant '"
              + shadow + "' could not be put back (" + e.getMessage() + ")", result.problems(),
              null);
        }
      }
      return result;
    }
    test.setCandidate(required("candidate", given.get("candidate")));
    test.setPredictor(predictor);
    TestSettings.apply(test, given);
    ResolvableType type = predictorType(endpoint);
    if (!beans.containsBean(predictor) || !beans.isTypeMatch(predictor, type)) {
      throw new ShadowEndpointException(BAD_REQUEST, (beans.containsBean(predictor)
          ? "bean '" + predictor + "' is not a " + type
          : "there is no bean named '" + predictor + "'")
          + "; the " + type + " beans are " + Arrays.toString(predictorBeans(type)));
    }
    Predictor<Object, Object> p = RouterFactory.predictor(beans, null, predictor);
    return router.operations().startTest(build(() -> RouterFactory.spec(test, p)));
  }

  private static ShadowTestSpec<Object, Object> build(
      java.util.function.Supplier<ShadowTestSpec<Object, Object>> spec) {
    try {
      return spec.get();
    } catch (IllegalArgumentException e) {
      throw new ShadowEndpointException(BAD_REQUEST, e.getMessage());
    }
  }

  /**
   * The endpoint's shadow variants that a test may take over: not the candidate of a running
   * test, nor its A/A copy.
   */
  private static List<String> plainShadows(ShadowRouter<?, ?> router) {
    java.util.Set<String> lanes = new java.util.HashSet<>();
    for (ShadowTest t : router.tests()) {
      if (!t.status().isEnded()) {
        lanes.add(t.candidate());
        lanes.add(t.candidate() + ShadowTestSpec.NOISE_SUFFIX);
      }
    }
    return router.config().shadowVariants().stream().map(Variant::name)
        .filter(n -> !lanes.contains(n)).toList();
  }

  private String[] predictorBeans(ResolvableType type) {
    String[] names = beans.getBeanNamesForType(type, true, false);
    Arrays.sort(names);
    return names;
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

  private static String required(String field, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new ShadowEndpointException(BAD_REQUEST, "the body needs \"" + field + "\"");
    }
    return value;
  }

  private static boolean bool(String field, @Nullable String value) {
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
