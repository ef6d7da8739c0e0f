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
 * statistics, by fleet id), the latest statistics every other instance published, decoded once
 * on arrival, and the commands of the fleet, handed to {@link FleetCommands}. The transport calls
 * it from its own threads; tests read it for their fleet report. Bounded: one entry per test and
 * instance, replaced by each newer publication.
 *
 * <p>Rejoining: statistics under this instance's own id are an earlier run of this instance (a
 * restart with the same id; a transport never hands an instance its own publications of this
 * run, see {@link Fleet.Member#received}): they are kept apart, one per test, and a test of the
 * same fleet id adds them to what it publishes and to its fleet view, so a restart loses none of
 * the instance's pairs. Thread-safe.
 */
public final class FleetPeers<I, O> implements Fleet.Member {
  private static final System.Logger LOG = System.getLogger("dev.shadowrouting");

  /** Another instance's latest statistics of one test. */
  public record Peer(String instanceId, Instant publishedAt, StatisticsCodec.Decoded statistics) {}

  private final Fleet fleet;
  private final Supplier<List<TestRun<I, O>>> tests;
  private final Map<String, Map<String, Peer>> byTest = new ConcurrentHashMap<>();
  /** This instance's statistics from before this membership began, by fleet id. */
  private final Map<String, Peer> earlier = new ConcurrentHashMap<>();
  private final LongAdder unreadable = new LongAdder();
  private final FleetCommands<I, O> commands;

  FleetPeers(Fleet fleet, Supplier<List<TestRun<I, O>>> tests, FleetCommands<I, O> commands) {
    this.fleet = fleet;
    this.tests = tests;
    this.commands = commands;
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
    boolean own = instanceId.equals(fleet.instanceId()); // an earlier run of this instance
    StatisticsCodec.Decoded decoded;
    try {
      decoded = StatisticsCodec.decode(bytes);
    } catch (RuntimeException e) {
      unreadable.increment();
      LOG.log(System.Logger.Level.DEBUG, "unreadable fleet statistics of " + fleetId + " from "
          + instanceId + ": " + e.getMessage());
      return;
    }
    Map<String, Peer> peers = own ? earlier
        : byTest.computeIfAbsent(fleetId, k -> new ConcurrentHashMap<>());
    peers.merge(own ? fleetId : instanceId, new Peer(instanceId, publishedAt, decoded),
        (old, neu) -> neu.publishedAt().isBefore(old.publishedAt()) ? old : neu);
  }

  /** This instance's last statistics of a test from before a restart, or null. */
  public Peer earlier(String fleetId) {
    return earlier.get(fleetId);
  }

  @Override
  public void command(byte[] bytes) {
    FleetCommand c;
    try {
      c = FleetCommand.fromBytes(bytes);
    } catch (RuntimeException e) {
      unreadable.increment();
      LOG.log(System.Logger.Level.DEBUG, "unreadable fleet command: " + e.getMessage());
      return;
    }
    commands.receive(c);
  }

  /** The other instances' latest statistics of a test. */
  public Collection<Peer> peers(String fleetId) {
    Map<String, Peer> m = byTest.get(fleetId);
    return m == null ? List.of() : m.values();
  }

  /** Publications and commands that could not be read (another format, corrupt bytes). */
  public long unreadable() {
    return unreadable.sum();
  }
}
