package dev.shadowrouting;

/** Why a sampled shadow copy was dropped instead of run. Immutable, thread-safe. */
public enum RejectReason {
  /** The router's shadow queue ({@link EndpointConfig#queueCapacity()}) was full. */
  QUEUE_FULL,
  /** The variant already had {@link Variant#maxConcurrency()} copies queued or running. */
  CONCURRENCY_LIMIT,
  /** The router was closed (or closing) before the copy could run. */
  CLOSED,
  /**
   * The variant is quarantined: {@link Variant#maxAbandonedThreads()} of its calls hang past their
   * timeout ignoring interrupts; copies are refused until one of those calls returns.
   */
  QUARANTINED
}
