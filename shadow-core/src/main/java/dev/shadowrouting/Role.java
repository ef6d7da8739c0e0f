package dev.shadowrouting;

/** Which side of the experiment a {@link ShadowRecord} describes. Immutable, thread-safe. */
public enum Role {
  /** A production variant: its answer went back to the caller. */
  PRODUCTION,
  /** A shadow variant: it received a sampled copy of the request; its answer was discarded. */
  SHADOW
}
