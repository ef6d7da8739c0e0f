package dev.shadowrouting.internal.util;

/** Rethrows any throwable unchanged, checked or not. Stateless. */
public final class Rethrow {
  private Rethrow() {}

  /**
   * Throws {@code t} itself: production's exception must reach the caller as the same instance,
   * whatever its type, also a {@code Throwable} that is neither an {@code Exception} nor an
   * {@code Error} (Kotlin's {@code throw Throwable()}, sneaky throws), which a cast would turn
   * into a {@code ClassCastException}. Declared to return so call sites can write
   * {@code throw Rethrow.sneaky(t)}.
   */
  @SuppressWarnings("unchecked")
  public static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
