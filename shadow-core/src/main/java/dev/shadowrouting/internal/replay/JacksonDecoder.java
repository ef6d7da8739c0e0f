package dev.shadowrouting.internal.replay;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.shadowrouting.PayloadDecoder;
import java.lang.reflect.Type;

/**
 * {@link PayloadDecoder#jackson}: jackson-databind's {@code convertValue} from the payload as read
 * to the type. Loaded only when a user asks for it, so jackson-databind stays optional. Immutable
 * and thread-safe (an {@code ObjectMapper} is, once configured).
 */
public final class JacksonDecoder<T> implements PayloadDecoder<T> {
  /** Compile-time constants: reading them does not load this class. */
  public static final String DATABIND = "com.fasterxml.jackson.databind.ObjectMapper";
  public static final String DATABIND_ARTIFACT = "com.fasterxml.jackson.core:jackson-databind";

  /** One mapper for every decoder: it caches its (de)serialisers per type. */
  private static final class Holder {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final JavaType type;

  private JacksonDecoder(Type type) {
    this.type = Holder.MAPPER.constructType(type);
  }

  /** Call only once {@link #DATABIND} was found. */
  public static <T> PayloadDecoder<T> of(Type type) {
    return new JacksonDecoder<>(type);
  }

  /** @throws Exception Jackson's own (a {@code MismatchedInputException}...), unwrapped */
  @Override
  public T decode(Object payload) throws Exception {
    try {
      return Holder.MAPPER.convertValue(payload, type);
    } catch (IllegalArgumentException e) {
      // convertValue wraps what went wrong; the report names the type of the real cause
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "PayloadDecoder.jackson(" + type + ")";
  }
}
