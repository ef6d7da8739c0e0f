package dev.shadowrouting;

import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;

/**
 * Tells code whether it is running as a shadow call, so a predictor that has side effects (writes,
 * emails, payments, cache fills) can skip them when it is only being shadowed:
 *
 * <pre>{@code
 * if (!ShadowContext.isShadow()) { ledger.write(result); }
 * }</pre>
 *
 * <p>Thread-safe: the state is per thread, set by the shadow worker for exactly the duration of the
 * shadow predictor call (not during comparison or sink delivery) and cleared afterwards.
 */
public final class ShadowContext {

  private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

  private ShadowContext() {}

  /** {@code true} inside a shadow predictor call, {@code false} everywhere else. */
  public static boolean isShadow() {
    return CURRENT.get() != null;
  }

  /** The name of the shadow variant being called on this thread, or {@code null}. */
  public static @Nullable String currentVariant() {
    return CURRENT.get();
  }

  /**
   * Runs {@code body} marked as a shadow call of {@code variant}. Used by the router; public so
   * tests and custom executors can mark their own shadow work.
   */
  public static <T extends @Nullable Object>
      T callAsShadow(String variant, Callable<T> body) throws Exception {
    String previous = CURRENT.get();
    CURRENT.set(variant);
    try {
      return body.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
