package dev.shadowrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fleet inside one JVM, for tests: every instance of a {@link Hub} sees what the others publish
 * when the test calls {@link Hub#publishAll}, the transport's tick made explicit. Like a compacted
 * statistics topic, the hub keeps each instance's latest statistics of each test, and like a
 * command topic every command in order; an instance that connects receives both.
 */
final class InMemoryFleet implements Fleet {

  /** The shared "topics": connections of every instance, retained statistics and commands. */
  static final class Hub {
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** Latest statistics by endpoint/test/instance, as a compacted topic keeps them. */
    private final Map<String, Published> statistics = new LinkedHashMap<>();
    private final List<Command> commands = new ArrayList<>();
    private volatile boolean down;

    private record Published(String endpoint, String fleetId, String instance, Instant at,
        byte[] bytes) {}

    private record Command(String endpoint, byte[] bytes) {}

    InMemoryFleet instance(String id) {
      return new InMemoryFleet(this, id);
    }

    /** Every connected member publishes now, stamped {@code at}; all members receive it. */
    synchronized void publishAll(Instant at) {
      for (Link from : links) {
        for (Map.Entry<String, byte[]> e : from.member.statistics().entrySet()) {
          deliver(from, from.endpoint, e.getKey(), from.instance, at, e.getValue());
        }
      }
    }

    /** Delivers raw bytes as if {@code instance} had published them. */
    synchronized void deliver(String endpoint, String fleetId, String instance, Instant at,
        byte[] bytes) {
      deliver(null, endpoint, fleetId, instance, at, bytes);
    }

    /** Delivers to every member of the endpoint but the publishing one (never its own). */
    private void deliver(Link from, String endpoint, String fleetId, String instance,
        Instant at, byte[] bytes) {
      statistics.put(endpoint + "/" + fleetId + "/" + instance,
          new Published(endpoint, fleetId, instance, at, bytes));
      for (Link to : links) {
        if (to.endpoint.equals(endpoint) && to != from) {
          to.member.received(fleetId, instance, at, bytes);
        }
      }
    }

    /** While down, publishing a command fails (a broker that cannot be reached). */
    void down(boolean down) {
      this.down = down;
    }

    synchronized void publishCommand(String endpoint, byte[] bytes) {
      if (down) {
        throw new IllegalStateException("the hub is down");
      }
      commands.add(new Command(endpoint, bytes));
      for (Link to : links) {
        if (to.endpoint.equals(endpoint)) {
          to.member.command(bytes);
        }
      }
    }

    /** Hands every retained command to every member again (a consumer that re-read the topic). */
    synchronized void redeliverCommands() {
      for (Link to : links) {
        replayCommands(to);
      }
    }

    private void replayCommands(Link to) {
      for (Command c : commands) {
        if (c.endpoint.equals(to.endpoint)) {
          to.member.command(c.bytes);
        }
      }
    }

    synchronized void connect(Link link) {
      links.add(link);
      for (Published p : statistics.values()) {
        if (p.endpoint.equals(link.endpoint)) {
          link.member.received(p.fleetId, p.instance, p.at, p.bytes);
        }
      }
      replayCommands(link);
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
    hub.connect(link);
    return link;
  }

  @Override
  public boolean carriesCommands() {
    return true;
  }

  @Override
  public void publishCommand(String endpoint, byte[] command) {
    hub.publishCommand(endpoint, command);
  }
}
