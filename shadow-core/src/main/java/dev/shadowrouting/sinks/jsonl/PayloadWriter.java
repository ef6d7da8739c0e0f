package dev.shadowrouting.sinks.jsonl;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Serialises payload values ({@link dev.shadowrouting.ShadowRecord#input()} and {@code output()})
 * of types the sink does not know. The sink asks it first for every value, nested ones included;
 * when it returns {@code false} the sink writes the value itself: {@code null}, strings, numbers,
 * booleans, maps (keys as strings), iterables and arrays natively, {@code byte[]} as base64, and
 * anything else as its {@code toString()}.
 *
 * <p>Called on the sink's thread; must be thread-safe if the sink is shared by several routers.
 */
@FunctionalInterface
public interface PayloadWriter {

  /**
   * Writes {@code value} as exactly one JSON value and returns {@code true}, or returns {@code
   * false} having written nothing. An exception drops the record (counted in {@link
   * JsonLinesSink#failures()}).
   */
  boolean write(Object value, JsonGenerator generator) throws IOException;

  /** Knows no type: every payload is written natively or as its {@code toString()}. */
  static PayloadWriter defaults() {
    return (value, generator) -> false;
  }
}
