package dev.shadowrouting.spring;

import dev.shadowrouting.Fleet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fleet inside one JVM for the starter's tests (shadow-core's test fixture is not on this
 * classpath): the instances of one {@link Hub} see the statistics the others publish when the
 * test calls {@link Hub#publishAll}, and every command at once, in order, this instance's too.
 */
final class TestFleet implements Fleet {

  /** The shared "topics". Thread-safe (synchronized). */
  static final class Hub {
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final List<byte[]> commands = new ArrayList<>();
    private volatile boolean down;

    TestFleet instance(String id) {
      return new TestFleet(this, id);
    }

    /** Every connected member publishes now, stamped {@code at}; the others receive it. */
    synchronized void publishAll(Instant at) {
      for (Link from : links) {
        from.member.statistics().forEach((fleetId, bytes) -> {
          for (Link to : links) {
            if (to != from && to.endpoint.equals(from.endpoint)) {
              to.member.received(fleetId, from.instance, at, bytes);
            }
          }
        });
      }
    }

    /** While down, publishing a command fails, as with a broker that cannot be reached. */
    void down(boolean down) {
      this.down = down;
    }

    private synchronized void publishCommand(String endpoint, byte[] bytes) {
      if (down) {
        throw new IllegalStateException("the hub is down");
      }
      commands.add(bytes);
      for (Link to : links) {
        if (to.endpoint.equals(endpoint)) {
          to.member.command(bytes);
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

  private TestFleet(Hub hub, String id) {
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

  @Override
  public boolean carriesCommands() {
    return true;
  }

  @Override
  public void publishCommand(String endpoint, byte[] command) {
    hub.publishCommand(endpoint, command);
  }
}
