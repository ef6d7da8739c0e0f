package dev.shadowrouting;

import org.jspecify.annotations.Nullable;

/**
 * Transforms a payload (an input or an output) before it is put into a {@link ShadowRecord}.
 *
 * <p>Payloads are captured only for variants built with {@link Variant.Builder#capturePayloads
 * capturePayloads(true)}; everything captured passes through the endpoint's redactor first. Return
 * a masked copy, or {@code null} to leave the field out. Called on a shadow worker thread; must be
 * thread-safe and must not modify its argument (production may still be using it). A redactor that
 * throws drops the payload (the field is left out) and is counted and logged once, never rethrown.
 */
@FunctionalInterface
public interface Redactor {

  /** Which payload is being redacted. */
  enum Field {
    INPUT,
    OUTPUT
  }

  @Nullable Object redact(Field field, Object payload);

  /** Keeps payloads as they are (the default once a variant has opted in). */
  static Redactor identity() {
    return (field, payload) -> payload;
  }

  /** Drops every payload: records never carry inputs or outputs. */
  static Redactor dropAll() {
    return (field, payload) -> null;
  }
}
