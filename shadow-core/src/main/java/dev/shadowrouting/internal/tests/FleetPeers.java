package dev.shadowrouting.internal.tests;

import dev.shadowrouting.Fleet;
import dev.shadowrouting.internal.stats.StatisticsCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * One endpoint's membership of a {@link Fleet}: what this instance publishes (its kept tests'
 * statistics, by fleet id) and the latest statistics every other instance published, decoded once
 * on arrival. The transport calls it from its own threads; tests read it for their fleet report.
 * Bounded: one entry per test and instance, replaced by each newer publication. Thread-safe.
 */
public final class FleetPeers<I, O> implements Fleet.Member {
  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");

  /** Another instance's latest statistics of one test. */
  public record Peer(String instanceId, Instant publishedAt, StatisticsCodec.Decoded statistics) {}

  private final Fleet fleet;
  private final Supplier<List<TestRun<I, O>>> tests;
  private final Map<String, Map<String, Peer>> byTest = new ConcurrentHashMap<>();
  private final LongAdder unreadable = new LongAdder();

  FleetPeers(Fleet fleet, Supplier<List<TestRun<I, O>>> tests) {
    this.fleet = fleet;
    this.tests = tests;
  }

  public String instanceId() {
    return fleet.instanceId();
  }

  public Duration publishInterval() {
    return fleet.publishInterval();
  }

  @Override
  public Map<String, byte[]> statistics() {
    Map<String, byte[]> out = new java.util.HashMap<>();
    for (TestRun<I, O> t : tests.get()) {
      byte[] bytes = t.statisticsToPublish();
      if (bytes != null) {
        out.put(t.fleetId(), bytes);
      }
    }
    return out;
  }

  @Override
  public void received(String fleetId, String instanceId, Instant publishedAt, byte[] bytes) {
    if (instanceId.equals(fleet.instanceId())) {
      return; // our own, come back through the transport
    }
    StatisticsCodec.Decoded decoded;
    try {
      decoded = StatisticsCodec.decode(bytes);
    } catch (RuntimeException e) {
      unreadable.increment();
      LOG.log(System.Logger.Level.DEBUG, "unreadable fleet statistics of " + fleetId + " from "
          + instanceId + ": " + e.getMessage());
      return;
    }
    byTest.computeIfAbsent(fleetId, k -> new ConcurrentHashMap<>()).merge(instanceId,
        new Peer(instanceId, publishedAt, decoded),
        (old, neu) -> neu.publishedAt().isBefore(old.publishedAt()) ? old : neu);
  }

  /** The other instances' latest statistics of a test. */
  public Collection<Peer> peers(String fleetId) {
    Map<String, Peer> m = byTest.get(fleetId);
    return m == null ? List.of() : m.values();
  }

  /** Publications that could not be read (another format, corrupt bytes). */
  public long unreadable() {
    return unreadable.sum();
  }
}
