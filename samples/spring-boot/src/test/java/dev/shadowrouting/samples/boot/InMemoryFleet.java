package dev.shadowrouting.samples.boot;

import dev.shadowrouting.Fleet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A fleet inside one JVM for the browser tests: every instance of one {@link Hub} publishes its
 * statistics to the others on the hub's own thread, every {@link #PUBLISH_EVERY}, until the test
 * {@linkplain Hub#silence silences} it (as an instance that went down). Carries no commands: each
 * instance is operated alone. Thread-safe.
 */
final class InMemoryFleet implements Fleet {

  /** Short, so that an instance the test silences turns stale within seconds. */
  static final Duration PUBLISH_INTERVAL = Duration.ofMillis(500);
  /** Well under the interval, so that a publishing instance is never stale on a loaded machine. */
  static final Duration PUBLISH_EVERY = Duration.ofMillis(100);

  /** The shared "topic" and the publisher thread. Thread-safe. */
  static final class Hub implements AutoCloseable {
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Set<String> silenced = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "in-memory-fleet");
          t.setDaemon(true);
          return t;
        });

    Hub() {
      publisher.scheduleWithFixedDelay(this::publishAll, 0, PUBLISH_EVERY.toMillis(),
          TimeUnit.MILLISECONDS);
    }

    InMemoryFleet instance(String id) {
      return new InMemoryFleet(this, id);
    }

    /** From now on, that instance publishes nothing: the others keep its last statistics. */
    void silence(String instanceId) {
      silenced.add(instanceId);
    }

    private void publishAll() {
      Instant at = Instant.now();
      for (Link from : links) {
        if (silenced.contains(from.instance)) {
          continue;
        }
        from.member.statistics().forEach((fleetId, bytes) -> {
          for (Link to : links) {
            if (to != from && to.endpoint.equals(from.endpoint)) {
              to.member.received(fleetId, from.instance, at, bytes);
            }
          }
        });
      }
    }

    @Override
    public void close() {
      publisher.shutdownNow();
    }
  }

  private record Link(String endpoint, String instance, Member member, Hub hub)
      implements Connection {
    @Override
    public void close() {
      hub.links.remove(this);
    }
  }

  private final Hub hub;
  private final String id;

  private InMemoryFleet(Hub hub, String id) {
    this.hub = hub;
    this.id = id;
  }

  @Override
  public String instanceId() {
    return id;
  }

  @Override
  public Duration publishInterval() {
    return PUBLISH_INTERVAL;
  }

  @Override
  public Connection connect(String endpoint, Member member) {
    Link link = new Link(endpoint, id, member, hub);
    hub.links.add(link);
    return link;
  }
}
