package dev.shadowrouting.spring;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.core.env.Environment;

/**
 * The answer to a write the application does not allow: while the Actuator endpoint
 * {@code shadow} is read-only, Actuator maps no write operation and a POST would get Spring's
 * generic 405 page. {@link ReadOnlyWriteFilter} (Spring MVC) and {@link ReadOnlyWriteWebFilter}
 * (WebFlux) answer it instead with 405, {@code Allow: GET} and a JSON body
 * {@code {"status": 405, "error": ...}} naming the property that allows writes (and the cap
 * {@code management.endpoints.access.max-permitted} when it is what holds them back), and log it
 * like every write ({@link Audit}). They run after Spring Security's filters: a caller the
 * application does not let in is refused by them first.
 *
 * <p>Immutable and thread-safe.
 */
final class ReadOnlyWrites {

  static final int METHOD_NOT_ALLOWED = 405;
  static final String ACCESS_PROPERTY = "management.endpoint." + ShadowEndpoint.ID + ".access";
  static final String MAX_PERMITTED_PROPERTY = "management.endpoints.access.max-permitted";

  private final ShadowEndpoint endpoint;
  private final String path;
  private final Environment environment;

  /**
   * @param path the endpoint's path within the application, e.g. {@code /actuator/shadow}
   */
  ReadOnlyWrites(ShadowEndpoint endpoint, String path, Environment environment) {
    this.endpoint = endpoint;
    this.path = path;
    this.environment = environment;
  }

  /**
   * The endpoint name of a refused write: a POST to {@code <path>/<endpoint>} while writes are
   * off; null for every other request, which goes on.
   */
  @Nullable String refused(String method, String pathWithinApplication) {
    if (!"POST".equals(method) || !pathWithinApplication.startsWith(path + "/")) {
      return null;
    }
    String rest = pathWithinApplication.substring(path.length() + 1);
    if (rest.isEmpty() || rest.contains("/") || endpoint.access() == Access.UNRESTRICTED) {
      return null;
    }
    return rest;
  }

  /** The JSON body of the refusal, after logging it. */
  byte[] body(@Nullable Principal who, String shadowEndpoint) {
    String message = message();
    Audit.refused(who, shadowEndpoint, null, java.util.Map.of(), METHOD_NOT_ALLOWED, message,
        null);
    return ("{\"status\":" + METHOD_NOT_ALLOWED + ",\"error\":\"" + message.replace("\"", "'")
        + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** What to set: the endpoint's access, and the cap over every endpoint if it is below. */
  String message() {
    String access = environment.getProperty(ACCESS_PROPERTY, "read-only (the default)");
    String cap = environment.getProperty(MAX_PERMITTED_PROPERTY);
    boolean capped = cap != null && !cap.trim().toLowerCase(Locale.ROOT).equals("unrestricted");
    return "writes to the Actuator endpoint '" + ShadowEndpoint.ID + "' are not allowed ("
        + ACCESS_PROPERTY + " is " + access + (capped ? " and " + MAX_PERMITTED_PROPERTY
        + " is " + cap : "") + "): to allow " + String.join(", ", ShadowEndpoint.ACTIONS)
        + ", set " + ACCESS_PROPERTY + "=unrestricted" + (capped ? " and "
        + MAX_PERMITTED_PROPERTY + "=unrestricted" : "") + ", and protect the endpoint (Spring"
        + " Security's rules apply to Actuator endpoints)";
  }
}
