package dev.shadowrouting;

import dev.shadowrouting.internal.sinks.CompositeSink;
import dev.shadowrouting.internal.sinks.LoggingSink;
import java.util.List;
import java.util.function.Supplier;

/**
 * Where {@link ShadowRecord}s go: metrics, traces, files, a test's memory.
 *
 * <p>The router never calls a sink on the caller's thread. Each sink of an endpoint gets its own
 * bounded buffer ({@link EndpointConfig#sinkBufferCapacity()}) and its own delivery thread, which
 * calls {@link #accept} for one record at a time, so an implementation sees calls from one thread
 * per router (several, if it is shared by several routers: make it thread-safe). A sink that is slow
 * or blocks only fills its own buffer: further records for it are dropped and counted, nothing
 * waits. A sink that throws is counted (the record as dropped) and logged once at WARN, then at
 * DEBUG; it keeps receiving records.
 *
 * <p>The contract the router relies on (and {@code shadow-tck}'s {@code
 * ShadowSinkCompatibilityKit} checks): {@link #accept} and {@link #flush} are thread-safe, may be
 * called before any record was accepted and after {@code flush}, never block indefinitely, and
 * leave the calling thread's interrupt status as they found it (the router interrupts a delivery
 * thread still busy at its close deadline); {@code toString()} and {@link #name()} never contain
 * payloads. Closing a sink that owns resources is its owner's business ({@code AutoCloseable}
 * sinks such as the JSON Lines sink): the router only flushes and detaches.
 */
public interface ShadowSink {

  /** Handles one record. Runs on the sink's delivery thread. */
  void accept(ShadowRecord record);

  /** Makes delivered records durable or visible; called when the router closes. */
  default void flush() {}

  /**
   * Whether this sink confirms each record's delivery itself, after {@link #accept} returned (a
   * sink that hands records to a broker and hears back later, such as the Kafka sink). Then the
   * router counts a record as delivered only when the sink calls {@link Context#delivered}, and
   * as failed (and dropped) when it calls {@link Context#failed}; until then the record is in
   * flight: {@link ShadowRouter#awaitIdle} waits for it, and a router that closes counts what is
   * still in flight after {@link #flush} (within its close deadline) as dropped, and a
   * confirmation that comes later as nothing. Such a sink reports exactly one of the two for every
   * record {@code accept} returned normally for, and none for a record {@code accept} threw for
   * (the router counts that one as failed). Default false: a record is delivered when {@code
   * accept} returns.
   */
  default boolean confirmsDelivery() {
    return false;
  }

  /**
   * A short name for snapshots, thread names and logs. Default: the class's simple name, or
   * {@code "sink"} for lambdas and anonymous classes (whose generated names say nothing).
   */
  default String name() {
    Class<?> type = getClass();
    String simple = type.getSimpleName();
    return simple.isEmpty() || type.isSynthetic() || simple.contains("$$") ? "sink" : simple;
  }

  /**
   * Context this sink wants captured on the caller's thread for sampled requests (e.g. the current
   * trace span, to link shadow spans to production's). Read it with
   * {@link ShadowRecord#capturedContext(ContextPropagator)}. Default: none.
   */
  default List<ContextPropagator<?>> contextPropagators() {
    return List.of();
  }

  /**
   * Called once when a router starts delivering to this sink, with a supplier of its live
   * statistics (e.g. to register gauges). Must not block. Default: nothing.
   */
  default void onAttach(String endpoint, Supplier<RouterSnapshot> snapshot) {}

  /**
   * Called once when a router starts delivering to this sink. The default calls
   * {@link #onAttach(String, Supplier)}; override this one to report failures that happen after
   * {@link #accept} returned (a file that cannot be written, an exporter that gave up) through
   * {@link Context#failed}, so the router's snapshot and meters show them. Must not block.
   */
  default void onAttach(Context context) {
    onAttach(context.endpoint(), context::snapshot);
  }

  /**
   * What a router tells a sink it delivers to. Thread-safe: {@link #failed} may be called from any
   * thread, at any time until the router closes.
   */
  interface Context {
    /** The endpoint's name. */
    String endpoint();

    /** The router's live statistics. */
    RouterSnapshot snapshot();

    /**
     * Reports that this sink could not handle {@code records} records it had accepted (0 if it
     * cannot tell how many): counted in {@link RouterSnapshot.SinkStats#failed()} and logged once
     * at WARN, then at DEBUG, with the exception type only.
     */
    void failed(Throwable cause, long records);

    /**
     * For a sink that {@link ShadowSink#confirmsDelivery() confirms delivery}: {@code records}
     * records it had accepted are delivered (a broker acknowledged them). Ignored for other sinks.
     */
    default void delivered(long records) {}
  }

  /** Called once when that router closes. Default: nothing. */
  default void onDetach(String endpoint) {}

  /** A sink that keeps records in memory (bounded to 100,000), with await helpers for tests. */
  static InMemorySink inMemory() {
    return new InMemorySink(InMemorySink.DEFAULT_CAPACITY);
  }

  /** A sink that keeps at most {@code capacity} records in memory; later ones are counted as overflow. */
  static InMemorySink inMemory(int capacity) {
    return new InMemorySink(capacity);
  }

  /**
   * A sink that logs one line per record through {@link System.Logger} {@code
   * dev.shadowrouting.records} at INFO. Payloads appear only for variants that opted in.
   */
  static ShadowSink logging() {
    return new LoggingSink(System.Logger.Level.INFO);
  }

  /** Like {@link #logging()}, at the given level. */
  static ShadowSink logging(System.Logger.Level level) {
    return new LoggingSink(level);
  }

  /**
   * One sink that delivers to several, in order; one that throws does not keep the record from the
   * others (its failure is logged once and then at DEBUG, and rethrown after the others ran, so the
   * router counts it).
   */
  static ShadowSink composite(ShadowSink... sinks) {
    return new CompositeSink(List.of(sinks));
  }

  /** A sink that discards everything. */
  static ShadowSink noop() {
    return record -> {};
  }
}
