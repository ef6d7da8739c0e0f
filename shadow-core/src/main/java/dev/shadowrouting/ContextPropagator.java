package dev.shadowrouting;

import org.jspecify.annotations.Nullable;
import java.util.Objects;

/**
 * Carries a thread-local context from the caller's thread into shadow calls, e.g. the SLF4J MDC
 * (capture {@code MDC.getCopyOfContextMap()}, restore {@code MDC.setContextMap(ctx)}, clear
 * {@code MDC.clear()}) or a tracing context.
 *
 * <p>{@link #capture()} runs on the caller's thread, only for requests that a shadow samples, so it
 * must be cheap and must not throw (a throwing capture is counted and the context left out). {@link
 * #restore} and {@link #clear} run on the shadow worker around the shadow predictor call; the worker
 * always calls {@code clear} afterwards so nothing leaks into the next task. Sinks can read what
 * was captured through {@link ShadowRecord#capturedContext(ContextPropagator)}. Implementations must
 * be thread-safe.
 *
 * @param <C> the captured context
 */
public interface ContextPropagator<C extends @Nullable Object> {

  /** Captures the current thread's context (on the caller's thread); {@code null} for none. */
  @Nullable C capture();

  /** Installs a captured context on the current (shadow worker) thread. */
  void restore(@Nullable C captured);

  /** Removes the context from the current (shadow worker) thread. */
  void clear();

  /** Propagates the value of a {@link ThreadLocal}. */
  static <T extends @Nullable Object> ContextPropagator<T> threadLocal(ThreadLocal<T> threadLocal) {
    Objects.requireNonNull(threadLocal, "threadLocal");
    return new ContextPropagator<>() {
      @Override
      public T capture() {
        return threadLocal.get();
      }

      @Override
      public void restore(@Nullable T captured) {
        threadLocal.set(captured);
      }

      @Override
      public void clear() {
        threadLocal.remove();
      }
    };
  }
}
