package dev.shadowrouting.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UrlPathHelper;

/**
 * Spring MVC's side of {@link ReadOnlyWrites}: a write to the Actuator endpoint {@code shadow}
 * while it is read-only gets a 405 that names the property allowing writes. Order 0: after Spring
 * Security's filter chain (-100). Thread-safe.
 */
final class ReadOnlyWriteFilter extends OncePerRequestFilter implements Ordered {

  private static final UrlPathHelper PATHS = new UrlPathHelper();

  private final ReadOnlyWrites writes;

  ReadOnlyWriteFilter(ReadOnlyWrites writes) {
    this.writes = writes;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
      FilterChain chain) throws ServletException, IOException {
    String endpoint = writes.refused(request.getMethod(), PATHS.getPathWithinApplication(request));
    if (endpoint == null) {
      chain.doFilter(request, response);
      return;
    }
    byte[] body = writes.body(request.getUserPrincipal(), endpoint);
    response.setStatus(ReadOnlyWrites.METHOD_NOT_ALLOWED);
    response.setHeader("Allow", "GET");
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  @Override
  public int getOrder() {
    return 0;
  }
}
