package dev.shadowrouting.spring;

import dev.shadowrouting.OperationResult;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The web face of {@link ShadowEndpoint}, in Spring MVC and WebFlux applications alike: a refused
 * request answers with its status (400, 404, 409) and a JSON body
 * {@code {"status": 400, "error": "<what was wrong, and what is possible>"}}, which Spring Boot's
 * error page would otherwise leave out.
 */
@EndpointWebExtension(endpoint = ShadowEndpoint.class)
public class ShadowEndpointWebExtension {

  private final ShadowEndpoint endpoint;

  public ShadowEndpointWebExtension(ShadowEndpoint endpoint) {
    this.endpoint = endpoint;
  }

  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> shadow() {
    return new WebEndpointResponse<>(endpoint.shadow());
  }

  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> endpoint(@Selector String endpoint) {
    try {
      return new WebEndpointResponse<>(this.endpoint.endpoint(endpoint));
    } catch (ShadowEndpointException e) {
      return refused(e);
    }
  }

  @ReadOperation
  public WebEndpointResponse<Map<String, Object>> test(@Selector String endpoint,
      @Selector String candidate) {
    try {
      return new WebEndpointResponse<>(this.endpoint.test(endpoint, candidate));
    } catch (ShadowEndpointException e) {
      return refused(e);
    }
  }

  @WriteOperation
  public WebEndpointResponse<Map<String, Object>> write(SecurityContext securityContext,
      @Selector String endpoint, @Nullable String action, @Nullable String variant,
      @Nullable String candidate, @Nullable String predictor, @Nullable String shadow,
      @Nullable String samplingRate, @Nullable String duration, @Nullable String maxRequests,
      @Nullable String maxLatencyIncrease, @Nullable String tailQuantile,
      @Nullable String maxTailLatencyIncrease, @Nullable String maxErrorRateIncrease,
      @Nullable String minAgreement, @Nullable String minSamples, @Nullable String alpha,
      @Nullable String warmup, @Nullable String force) {
    try {
      Map<String, Object> doc = this.endpoint.write(securityContext, endpoint, action,
          variant, candidate, predictor, shadow, samplingRate, duration, maxRequests,
          maxLatencyIncrease, tailQuantile, maxTailLatencyIncrease, maxErrorRateIncrease,
          minAgreement, minSamples, alpha, warmup, force);
      return new WebEndpointResponse<>(doc, status(doc));
    } catch (ShadowEndpointException e) {
      return refused(e);
    }
  }

  /**
   * 202 for a fleet command (published: every instance applies it when it receives it, so the
   * state in the answer may not show it yet), 200 for an action applied here.
   */
  static int status(Map<String, Object> written) {
    return OperationResult.Status.PUBLISHED.name().equals(written.get("outcome"))
        ? ShadowEndpoint.ACCEPTED : WebEndpointResponse.STATUS_OK;
  }

  static WebEndpointResponse<Map<String, Object>> refused(ShadowEndpointException e) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", e.status());
    body.put("error", e.getMessage());
    return new WebEndpointResponse<>(body, e.status());
  }
}
