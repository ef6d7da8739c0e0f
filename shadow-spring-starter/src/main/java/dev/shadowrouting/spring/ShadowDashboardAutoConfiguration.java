package dev.shadowrouting.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.util.HtmlUtils;
import org.jspecify.annotations.Nullable;

/**
 * The live dashboard: a static page at {@code shadow-routing.dashboard.path} (default
 * {@code /shadow-routing}) that polls the Actuator endpoint {@code shadow} every second. Served in
 * servlet web applications that have Actuator; its scripts, styles and the uPlot charting library
 * (from the uPlot WebJar) come from this starter's jar, so it works without network access.
 *
 * <p>The page reaches the endpoint only if the application exposes it over HTTP
 * ({@code management.endpoints.web.exposure.include=shadow}); if not, it says which property to
 * set. Its buttons (stop, promote, discard) appear only when the application allows writes
 * ({@code management.endpoint.shadow.access=unrestricted}).
 */
@AutoConfiguration(after = ShadowRoutingAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = {
    "org.springframework.web.servlet.function.RouterFunction",
    "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties"})
@ConditionalOnProperty(prefix = "shadow-routing.dashboard", name = "enabled", havingValue = "true",
    matchIfMissing = true)
public class ShadowDashboardAutoConfiguration {

  static final String RESOURCES = "dev/shadowrouting/spring/dashboard/";
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  @Bean
  RouterFunction<ServerResponse> shadowRoutingDashboard(ShadowRoutingProperties properties,
      ObjectProvider<WebEndpointProperties> webEndpoints) {
    String path = normalise(properties.getDashboard().getPath());
    String page = read(RESOURCES + "index.html");
    WebEndpointProperties web = webEndpoints.getIfAvailable(WebEndpointProperties::new);
    String endpointPath = web.getBasePath() + "/"
        + web.getPathMapping().getOrDefault(ShadowEndpoint.ID, ShadowEndpoint.ID);
    return RouterFunctions.route()
        .GET(path, request -> page(request, page, path, endpointPath))
        .GET(path + "/", request -> page(request, page, path, endpointPath))
        .build()
        .and(RouterFunctions.resources(path + "/assets/**", new ClassPathResource(RESOURCES)))
        .and(RouterFunctions.resources(path + "/uplot/**", new ClassPathResource(UPLOT)));
  }

  private static ServerResponse page(ServerRequest request, String template, String path,
      String endpointPath) {
    String context = request.servletRequest().getContextPath();
    String html = template
        .replace("{{assets}}", HtmlUtils.htmlEscape(context + path))
        .replace("{{endpoint}}", HtmlUtils.htmlEscape(context + endpointPath));
    return ServerResponse.ok()
        .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
        .cacheControl(CacheControl.noStore())
        .body(html);
  }

  /** A leading slash, no trailing one: "shadow/" becomes "/shadow". */
  static String normalise(@Nullable String path) {
    String p = path == null || path.isBlank() ? "/shadow-routing" : path.trim();
    if (!p.startsWith("/")) {
      p = "/" + p;
    }
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String read(String resource) {
    try (InputStream in = new ClassPathResource(resource).getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource + " from the starter's jar", e);
    }
  }

}
