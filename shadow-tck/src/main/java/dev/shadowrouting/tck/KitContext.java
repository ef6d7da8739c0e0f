package dev.shadowrouting.tck;

import dev.shadowrouting.RouterSnapshot;
import dev.shadowrouting.ShadowSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link ShadowSink.Context} the kit attaches a sink with, in place of a router's: it hands out
 * a snapshot taken from a real router of its endpoint ({@link TckRecords#snapshot}) and keeps what
 * the sink reports through {@link #failed}, and how it called it. Thread-safe, as the contract
 * requires.
 */
final class KitContext implements ShadowSink.Context {
  private final String endpoint;
  private final RouterSnapshot snapshot;
  private final AtomicLong failedRecords = new AtomicLong();
  private final List<String> misuses = new CopyOnWriteArrayList<>();

  KitContext(String endpoint) throws Exception {
    this.endpoint = endpoint;
    this.snapshot = TckRecords.snapshot(endpoint);
  }

  @Override
  public String endpoint() {
    return endpoint;
  }

  @Override
  public RouterSnapshot snapshot() {
    return snapshot;
  }

  @Override
  public void failed(Throwable cause, long records) {
    if (cause == null || records < 0) {
      misuses.add("Context.failed(" + cause + ", " + records + ") of endpoint '" + endpoint
          + "': the cause must not be null and records must be >= 0");
    }
    failedRecords.addAndGet(Math.max(0, records));
  }

  /** Records the sink reported failed through this context. */
  long failedRecords() {
    return failedRecords.get();
  }

  /** Calls of {@link #failed} that broke its contract. */
  List<String> misuses() {
    return List.copyOf(misuses);
  }
}
