package dev.shadowrouting.spring;

import dev.shadowrouting.InvalidConfigurationException;
import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.jspecify.annotations.Nullable;

/**
 * Maps shadow-core's {@link dev.shadowrouting.Problem}s onto the starter's property paths. The
 * core's builders own every range and every default; the starter builds the core objects from the
 * properties and only says which property each core field came from, so the failure report names
 * the property, the value and what the core requires of it. Core fields are paths (see the core's
 * {@code ConfigErrors}); below {@code shadow-routing.endpoints.<endpoint>} they map as:
 *
 * <ul>
 *   <li>{@code workerThreads} to {@code worker-threads}, {@code name} to the endpoint itself;
 *   <li>{@code shadowVariants[v2].samplingRate} to {@code shadows.v2.sampling-rate},
 *       {@code productionVariants[v1].name} to {@code production.v1},
 *       {@code productionVariants[*].weight} to {@code production.*.weight};
 *   <li>a test's {@code maxRequests} to {@code test.max-requests}, its candidate's settings beside
 *       it ({@code candidate.timeout} to {@code test.timeout}), the candidate's name to
 *       {@code test.candidate}.
 * </ul>
 *
 * <p>Stateless.
 */
final class CoreProblems {

  private CoreProblems() {}

  /**
   * Runs a core build; what it refuses becomes a {@link ShadowRoutingConfigurationException}
   * whose problems name the properties {@code property} maps the core's fields onto.
   */
  static <T> T build(Supplier<T> build, UnaryOperator<String> property) {
    try {
      return build.get();
    } catch (InvalidConfigurationException e) {
      throw new ShadowRoutingConfigurationException(map(e, property), e);
    }
  }

  /** Runs a core build for its problems only: none if it builds. */
  static List<Problem> check(Supplier<?> build, UnaryOperator<String> property) {
    try {
      build.get();
      return List.of();
    } catch (InvalidConfigurationException e) {
      return map(e, property);
    }
  }

  /** Fields of an {@code EndpointConfig} and of its variants, below the endpoint's path. */
  static UnaryOperator<String> endpoint(String endpointPath) {
    return field -> {
      String variants = variantList(field);
      if (variants == null) {
        return field.equals("name") ? endpointPath : endpointPath + '.' + dashed(field);
      }
      String list = endpointPath + (variants.equals("productionVariants") ? ".production"
          : ".shadows");
      if (field.equals(variants)) {
        return list;
      }
      // the variant's name ends at the last ']': a variant's own fields have none
      int end = field.lastIndexOf(']');
      String variant = list + '.' + field.substring(variants.length() + 1, end);
      String own = field.substring(end + 1);
      return own.isEmpty() || own.equals(".name") ? variant
          : variant + '.' + dashed(own.substring(1));
    };
  }

  /** Fields of a {@code ShadowTestSpec} and of its candidate, below the test's path. */
  static UnaryOperator<String> test(String testPath) {
    return field -> {
      // the candidate's settings sit beside the test's; its name is the property "candidate"
      String own = field.startsWith("candidate.") ? field.substring("candidate.".length()) : field;
      return testPath + '.' + (own.equals("name") ? "candidate" : dashed(own));
    };
  }

  /** Fields of a {@code JsonLinesSink}, below the jsonl path. */
  static UnaryOperator<String> jsonl(String jsonlPath) {
    // the flush policy is configured by its interval alone
    return field -> jsonlPath + '.'
        + (field.startsWith("flushPolicy") ? "flush-interval" : dashed(field));
  }

  /** Fields of a builder that has no nesting of its own, dashed below {@code path}. */
  static UnaryOperator<String> below(String path) {
    return field -> path + '.' + dashed(field);
  }

  private static List<Problem> map(InvalidConfigurationException e,
      UnaryOperator<String> property) {
    List<Problem> problems = new ArrayList<>();
    for (dev.shadowrouting.Problem p : e.problems()) {
      problems.add(new Problem(property.apply(p.field()), p.value(),
          "must be " + p.requirement()));
    }
    return problems;
  }

  /** "productionVariants" or "shadowVariants" if the field is, or is inside, that list. */
  private static @Nullable String variantList(String field) {
    for (String list : new String[] {"productionVariants", "shadowVariants"}) {
      if (field.equals(list) || field.startsWith(list + '[')) {
        return list;
      }
    }
    return null;
  }

  private static String dashed(String field) {
    return DataObjectPropertyName.toDashedForm(field);
  }
}
