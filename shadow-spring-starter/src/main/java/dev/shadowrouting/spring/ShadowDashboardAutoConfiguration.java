package dev.shadowrouting.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.util.HtmlUtils;

/**
 * The live dashboard: a static page at {@code shadow-routing.dashboard.path} (default
 * {@code /shadow-routing}) that polls the Actuator endpoint {@code shadow} every second, in
 * Spring MVC and WebFlux applications that have Actuator. Its scripts, styles and the uPlot
 * charting library (from the uPlot WebJar) come from this starter's jar, so it works without
 * network access.
 *
 * <p>Served only where it can work or where the application asks for it: when the endpoint is
 * exposed over HTTP ({@code management.endpoints.web.exposure.include=shadow}), or when
 * {@code shadow-routing.dashboard.enabled=true} (then, if the endpoint is not exposed, the page
 * says which property to set); never with {@code shadow-routing.dashboard.enabled=false}. Its
 * controls (start a test, stop, promote, discard) appear only when the application allows writes
 * ({@code management.endpoint.shadow.access=unrestricted}).
 */
@AutoConfiguration(after = ShadowRoutingAutoConfiguration.class)
@ConditionalOnClass(name = {
    "org.springframework.boot.actuate.endpoint.annotation.Endpoint",
    "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties"})
@Conditional(ShadowDashboardAutoConfiguration.Served.class)
public class ShadowDashboardAutoConfiguration {

  static final String RESOURCES = "dev/shadowrouting/spring/dashboard/";
  static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  static final String PROPERTY = ShadowRoutingProperties.PREFIX + ".dashboard.enabled";

  /** Exposed over HTTP (unless switched off), or switched on. */
  static final class Served extends AnyNestedCondition {

    Served() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnProperty(name = PROPERTY, havingValue = "true")
    static final class SwitchedOn {}

    @ConditionalOnProperty(name = PROPERTY, havingValue = "true", matchIfMissing = true)
    @ConditionalOnAvailableEndpoint(endpoint = ShadowEndpoint.class,
        exposure = EndpointExposure.WEB)
    static final class Exposed {}
  }

  /** The page for a Spring MVC application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnClass(name = "org.springframework.web.servlet.function.RouterFunction")
  static class Servlet {

    @Bean
    org.springframework.web.servlet.function.RouterFunction<
        org.springframework.web.servlet.function.ServerResponse> shadowRoutingDashboard(
        ShadowRoutingProperties properties, ObjectProvider<WebEndpointProperties> webEndpoints) {
      Page page = new Page(properties, webEndpoints);
      org.springframework.web.servlet.function.HandlerFunction<
          org.springframework.web.servlet.function.ServerResponse> html = request ->
          org.springframework.web.servlet.function.ServerResponse.ok()
              .contentType(HTML)
              .cacheControl(CacheControl.noStore())
              .body(page.html(request.servletRequest().getContextPath()));
      return org.springframework.web.servlet.function.RouterFunctions.route()
          .GET(page.path, html)
          .GET(page.path + "/", html)
          .build()
          .and(org.springframework.web.servlet.function.RouterFunctions.resources(
              page.path + "/assets/**", new ClassPathResource(RESOURCES)))
          .and(org.springframework.web.servlet.function.RouterFunctions.resources(
              page.path + "/uplot/**", new ClassPathResource(UPLOT)));
    }
  }

  /** The page for a WebFlux application. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
  @ConditionalOnClass(name = "org.springframework.web.reactive.function.server.RouterFunction")
  static class Reactive {

    @Bean
    org.springframework.web.reactive.function.server.RouterFunction<
        org.springframework.web.reactive.function.server.ServerResponse> shadowRoutingDashboard(
        ShadowRoutingProperties properties, ObjectProvider<WebEndpointProperties> webEndpoints) {
      Page page = new Page(properties, webEndpoints);
      org.springframework.web.reactive.function.server.HandlerFunction<
          org.springframework.web.reactive.function.server.ServerResponse> html = request ->
          org.springframework.web.reactive.function.server.ServerResponse.ok()
              .contentType(HTML)
              .cacheControl(CacheControl.noStore())
              .bodyValue(page.html(request.requestPath().contextPath().value()));
      return org.springframework.web.reactive.function.server.RouterFunctions.route()
          .GET(page.path, html)
          .GET(page.path + "/", html)
          .build()
          .and(org.springframework.web.reactive.function.server.RouterFunctions.resources(
              page.path + "/assets/**", new ClassPathResource(RESOURCES)))
          .and(org.springframework.web.reactive.function.server.RouterFunctions.resources(
              page.path + "/uplot/**", new ClassPathResource(UPLOT)));
    }
  }

  /** The page's template and paths; renders it under a request's context path. Immutable. */
  static final class Page {
    final String path;
    private final String template;
    private final String endpointPath;

    Page(ShadowRoutingProperties properties, ObjectProvider<WebEndpointProperties> web) {
      this.path = normalise(properties.getDashboard().getPath());
      this.template = read(RESOURCES + "index.html");
      this.endpointPath = ShadowEndpointAutoConfiguration.webPath(web);
    }

    String html(String contextPath) {
      return template
          .replace("{{assets}}", HtmlUtils.htmlEscape(contextPath + path))
          .replace("{{endpoint}}", HtmlUtils.htmlEscape(contextPath + endpointPath));
    }

  }

  private static final MediaType HTML = new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8);

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
