package dev.shadowrouting.spring;

import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import java.beans.PropertyDescriptor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.BeanUtils;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.ResolvableType;

/**
 * Explains keys under {@code shadow-routing} that bind to no property (a misspelling, a key at the
 * wrong level): each becomes a {@link Problem} naming the key, the keys allowed where it stands
 * (read off {@link ShadowRoutingProperties} itself, so the list cannot drift from the properties),
 * the closest of them, and where the key was set. Spring Boot's own report would only say that the
 * key "was left unbound".
 *
 * <p>Stateless.
 */
final class UnknownKeys {

  private UnknownKeys() {}

  /** One problem per unbound key, in the order given. */
  static List<Problem> problems(Iterable<ConfigurationProperty> unbound) {
    List<Problem> problems = new ArrayList<>();
    for (ConfigurationProperty p : unbound) {
      problems.add(problem(p.getName(), p.getValue(),
          p.getOrigin() == null ? null : p.getOrigin().toString()));
    }
    return problems;
  }

  /**
   * The problem of one unbound key: walks {@link ShadowRoutingProperties} along the key's elements
   * (a map consumes one element, its key) to the first element no property has.
   */
  static Problem problem(ConfigurationPropertyName name, @Nullable Object value,
      @Nullable String origin) {
    ResolvableType type = ResolvableType.forClass(ShadowRoutingProperties.class);
    int first = ConfigurationPropertyName.of(ShadowRoutingProperties.PREFIX).getNumberOfElements();
    StringBuilder parent = new StringBuilder(ShadowRoutingProperties.PREFIX);
    String requirement = null;
    for (int i = first; i < name.getNumberOfElements() && requirement == null; i++) {
      String element = name.getElement(i, ConfigurationPropertyName.Form.DASHED);
      Class<?> raw = type.toClass();
      if (Map.class.isAssignableFrom(raw)) {
        type = type.asMap().getGeneric(1);
      } else if (isLeaf(raw)) {
        requirement = "is not a shadow-routing property: " + parent + " takes a value, not keys"
            + " below it";
      } else {
        Map<String, ResolvableType> properties = properties(raw);
        ResolvableType next = properties.get(element);
        if (next == null) {
          requirement = "is not a shadow-routing property: the keys allowed under " + parent
              + " are " + new TreeSet<>(properties.keySet()) + closest(element, properties);
        }
        type = next == null ? type : next;
      }
      parent.append('.').append(element);
    }
    if (requirement == null) {
      // every element names a property: the value's shape is what Spring could not bind
      requirement = "is not a shadow-routing property that takes this value";
    }
    return new Problem(name.toString(), value == null ? null : String.valueOf(value),
        requirement + (origin == null ? "" : " (set in " + origin + ")"));
  }

  /** The bean properties of a properties class, by dashed name, with their types. */
  private static Map<String, ResolvableType> properties(Class<?> type) {
    Map<String, ResolvableType> properties = new java.util.LinkedHashMap<>();
    for (PropertyDescriptor d : BeanUtils.getPropertyDescriptors(type)) {
      Method read = d.getReadMethod();
      if (read != null && !d.getName().equals("class")) {
        properties.put(DataObjectPropertyName.toDashedForm(d.getName()),
            ResolvableType.forMethodReturnType(read));
      }
    }
    return properties;
  }

  /** A type bound from one value (not a nested properties object nor a map). */
  private static boolean isLeaf(Class<?> type) {
    return !type.getName().startsWith(ShadowRoutingProperties.class.getName());
  }

  private static String closest(String key, Map<String, ResolvableType> allowed) {
    String best = nearest(key, allowed.keySet());
    return best == null ? "" : "; did you mean '" + best + "'?";
  }

  /**
   * The name in {@code names} nearest {@code key} by edit distance, if near enough to be a
   * misspelling of it: at most a third of the key's letters differ ("samplng-rate" finds
   * "sampling-rate", "x" finds nothing).
   */
  static @Nullable String nearest(String key, Collection<String> names) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : names) {
      int d = distance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best != null && bestDistance <= Math.max(1, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
