package dev.shadowrouting.spring;

import java.security.Principal;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * WebFlux's side of {@link ReadOnlyWrites}: a write to the Actuator endpoint {@code shadow} while
 * it is read-only gets a 405 that names the property allowing writes. Order 0: after Spring
 * Security's web filter chain (-100). Thread-safe.
 */
final class ReadOnlyWriteWebFilter implements WebFilter, Ordered {

  private final ReadOnlyWrites writes;

  ReadOnlyWriteWebFilter(ReadOnlyWrites writes) {
    this.writes = writes;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String endpoint = writes.refused(exchange.getRequest().getMethod().name(),
        exchange.getRequest().getPath().pathWithinApplication().value());
    if (endpoint == null) {
      return chain.filter(exchange);
    }
    return exchange.<Principal>getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty())
        .flatMap(who -> {
          byte[] body = writes.body(who.orElse(null), endpoint);
          ServerHttpResponse response = exchange.getResponse();
          response.setStatusCode(HttpStatus.METHOD_NOT_ALLOWED);
          response.getHeaders().setAllow(Set.of(HttpMethod.GET));
          response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
          return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
        });
  }

  @Override
  public int getOrder() {
    return 0;
  }
}
