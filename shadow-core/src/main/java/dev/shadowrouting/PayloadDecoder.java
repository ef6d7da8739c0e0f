package dev.shadowrouting;

import dev.shadowrouting.internal.replay.JacksonDecoder;
import dev.shadowrouting.internal.util.OptionalDependency;
import java.lang.reflect.Type;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Turns a captured payload back into the endpoint's input or output type, for {@link
 * ShadowReplay}. A captured payload is what a record reader gives: plain JSON values as Java
 * ({@code Map<String, Object>} in member order, {@code List<Object>}, {@code String}, {@code
 * Integer}, {@code Long} or {@code BigInteger}, {@code Double}, {@code Boolean}, or {@code
 * null}), as the JSON Lines sink wrote the variant's (redacted) payload.
 *
 * <pre>{@code
 * PayloadDecoder.jackson(Txn.class)                      // jackson-databind on the class path
 * payload -> Txn.fromMap((Map<String, Object>) payload)  // or by hand
 * }</pre>
 *
 * <p>Called on the replay's threads: implementations must be thread-safe. A decoder that throws
 * makes its record unreplayable (counted, with the exception's type: never its message, which
 * may quote the payload).
 *
 * @param <T> the decoded type
 */
@FunctionalInterface
public interface PayloadDecoder<T extends @Nullable Object> {

  /**
   * Decodes one payload.
   *
   * @throws Exception if {@code payload} is not a value of the type
   */
  T decode(@Nullable Object payload) throws Exception;

  /**
   * Decodes with Jackson's data binding ({@code ObjectMapper.convertValue}, default settings:
   * unknown properties are an error): records, beans, arrays ({@code float[].class}), boxed
   * numbers, enums.
   *
   * @throws IllegalStateException if {@code com.fasterxml.jackson.core:jackson-databind} is not on
   *     the class path (an optional dependency of shadow-core)
   */
  static <T> PayloadDecoder<T> jackson(Class<T> type) {
    return jackson((Type) Objects.requireNonNull(type, "type"));
  }

  /**
   * {@link #jackson(Class)} for a generic type, e.g. {@code new TypeReference<List<Txn>>()
   * {}.getType()}; the caller vouches that it is a {@code T}.
   *
   * @throws IllegalStateException if jackson-databind is not on the class path
   */
  static <T> PayloadDecoder<T> jackson(Type type) {
    Objects.requireNonNull(type, "type");
    // before JacksonDecoder is loaded: its linking would fail on the missing classes
    OptionalDependency.require(JacksonDecoder.DATABIND, JacksonDecoder.DATABIND_ARTIFACT,
        "PayloadDecoder.jackson");
    return JacksonDecoder.of(type);
  }

  /** The payload as it was read: for endpoints whose type is {@code Object} or a map. */
  @SuppressWarnings("unchecked")
  static <T> PayloadDecoder<T> asRead() {
    return payload -> (T) payload;
  }
}
