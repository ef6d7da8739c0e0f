package dev.shadowrouting.spring;

import dev.shadowrouting.ShadowRouter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.springframework.beans.factory.ListableBeanFactory;

/**
 * Every {@link ShadowRouter} the starter created from {@code shadow-routing.endpoints}, by endpoint
 * name, in the order of the configuration. Each router is also a bean of its own, named
 * {@code <endpoint>ShadowRouter} and typed with its predictors' input and output types:
 *
 * <pre>
 * &#64;Qualifier("fraudShadowRouter") ShadowRouter&lt;Txn, Score&gt; router   // one endpoint
 * routers.get("fraud")                                                  // any, by name
 * </pre>
 *
 * <p>Immutable and thread-safe (the routers themselves are thread-safe).
 */
public final class ShadowRouters {

  private final Map<String, ShadowRouter<?, ?>> routers;

  ShadowRouters(Map<String, ShadowRouter<?, ?>> routers) {
    this.routers = Collections.unmodifiableMap(new LinkedHashMap<>(routers));
  }

  static ShadowRouters lookUp(ListableBeanFactory beans, Map<String, String> beanNames) {
    Map<String, ShadowRouter<?, ?>> routers = new LinkedHashMap<>();
    beanNames.forEach((endpoint, beanName) ->
        routers.put(endpoint, beans.getBean(beanName, ShadowRouter.class)));
    return new ShadowRouters(routers);
  }

  /**
   * The router of endpoint {@code name}, typed as the caller expects (unchecked: the types are the
   * endpoint's predictors').
   *
   * @throws NoSuchElementException naming the endpoints there are, if there is none of that name
   */
  @SuppressWarnings("unchecked")
  public <I, O> ShadowRouter<I, O> get(String name) {
    ShadowRouter<?, ?> router = routers.get(name);
    if (router == null) {
      throw new NoSuchElementException("no shadow-routing endpoint '" + name + "'; endpoints: "
          + routers.keySet());
    }
    return (ShadowRouter<I, O>) router;
  }

  /** Whether there is an endpoint of that name. */
  public boolean contains(String name) {
    return routers.containsKey(name);
  }

  /** The endpoint names, in configuration order. */
  public Set<String> names() {
    return routers.keySet();
  }

  /** Every router by endpoint name, in configuration order (unmodifiable). */
  public Map<String, ShadowRouter<?, ?>> asMap() {
    return routers;
  }

  @Override
  public String toString() {
    return "ShadowRouters" + routers.keySet();
  }
}
