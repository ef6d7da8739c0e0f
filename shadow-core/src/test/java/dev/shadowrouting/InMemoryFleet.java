package dev.shadowrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fleet inside one JVM, for tests: every instance of a {@link Hub} sees what the others publish
 * when the test calls {@link Hub#publishAll}, the transport's tick made explicit.
 */
final class InMemoryFleet implements Fleet {

  /** The shared "topic": connections of every instance. */
  static final class Hub {
    private final List<Link> links = new CopyOnWriteArrayList<>();

    InMemoryFleet instance(String id) {
      return new InMemoryFleet(this, id);
    }

    /** Every connected member publishes now, stamped {@code at}; all members receive it. */
    void publishAll(Instant at) {
      for (Link from : links) {
        for (Map.Entry<String, byte[]> e : from.member.statistics().entrySet()) {
          for (Link to : links) {
            if (to.endpoint.equals(from.endpoint)) {
              to.member.received(e.getKey(), from.instance, at, e.getValue());
            }
          }
        }
      }
    }

    /** Delivers raw bytes as if {@code instance} had published them. */
    void deliver(String endpoint, String fleetId, String instance, Instant at, byte[] bytes) {
      for (Link to : links) {
        if (to.endpoint.equals(endpoint)) {
          to.member.received(fleetId, instance, at, bytes);
        }
      }
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
    return Duration.ofSeconds(5);
  }

  @Override
  public Connection connect(String endpoint, Member member) {
    Link link = new Link(endpoint, id, member, hub);
    hub.links.add(link);
    return link;
  }
}
