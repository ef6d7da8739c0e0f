package dev.shadowrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fleet inside one JVM, for tests: this module's, and through shadow-core's test jar the
 * starter's and the Spring Boot sample's. Every instance of a {@link Hub} sees what the others
 * publish, either when the test calls {@link Hub#publishAll} (the transport's tick made explicit,
 * the default) or every {@link Hub.Builder#publishEvery} on the hub's own daemon thread, until the
 * test {@linkplain Hub#silence silences} an instance. Like a compacted statistics topic, the hub
 * keeps each instance's latest statistics of each test, and like a command topic every command in
 * order; an instance that connects receives both. A hub {@linkplain Hub.Builder#carriesCommands
 * without commands} leaves each instance's operations to that instance.
 *
 * <p>Thread-safe, as {@link Fleet} requires: the hub delivers under its own lock, so every member
 * sees the publications and commands in one order, whichever threads publish.
 */
public final class InMemoryFleet implements Fleet {

  /**
   * The shared "topics": connections of every instance, retained statistics and commands, and
   * the publisher thread when there is one. Thread-safe: what is retained is guarded by the hub's
   * lock, the connections are a copy-on-write list that a closing connection leaves without it.
   */
  public static final class Hub implements AutoCloseable {
    private final Duration publishInterval;
    private final boolean carriesCommands;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final Set<String> silenced = ConcurrentHashMap.newKeySet();
    /** Latest statistics by endpoint/test/instance, as a compacted topic keeps them. */
    private final Map<String, Published> statistics = new LinkedHashMap<>();
    private final List<Command> commands = new ArrayList<>();
    private volatile boolean down;
    /** Null when the test publishes ({@link #publishAll}). */
    private final ScheduledExecutorService publisher;
    /** The first failure of a scheduled publication, reported by {@link #close()}. */
    private final AtomicReference<RuntimeException> publisherFailure = new AtomicReference<>();

    private record Published(String endpoint, String fleetId, String instance, Instant at,
        byte[] bytes) {}

    private record Command(String endpoint, byte[] bytes) {}

    /**
     * A hub that carries commands and publishes when the test calls {@link #publishAll}; its
     * instances' publish interval is five seconds.
     */
    public Hub() {
      this(builder());
    }

    private Hub(Builder builder) {
      this.publishInterval = builder.publishInterval;
      this.carriesCommands = builder.carriesCommands;
      if (builder.publishEvery == null) {
        this.publisher = null;
      } else {
        this.publisher = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "in-memory-fleet");
          t.setDaemon(true);
          return t;
        });
        // last: the executor's hand-over publishes the fields above to its thread
        publisher.scheduleWithFixedDelay(this::publishNow, 0,
            builder.publishEvery.toNanos(), TimeUnit.NANOSECONDS);
      }
    }

    /** A hub other than the default: a publisher thread, another interval, no commands. */
    public static Builder builder() {
      return new Builder();
    }

    /** A new instance of this fleet, with the id {@code id}. */
    public InMemoryFleet instance(String id) {
      return new InMemoryFleet(this, id);
    }

    /**
     * Every connected member that is not {@linkplain #silence silenced} publishes now, stamped
     * {@code at}; every other member of its endpoint receives it.
     */
    public synchronized void publishAll(Instant at) {
      for (Link from : links) {
        if (silenced.contains(from.instance)) {
          continue;
        }
        for (Map.Entry<String, byte[]> e : from.member.statistics().entrySet()) {
          deliver(from, from.endpoint, e.getKey(), from.instance, at, e.getValue());
        }
      }
    }

    /**
     * From now on, that instance publishes nothing (as an instance that went down): the others
     * keep its last statistics.
     */
    public void silence(String instanceId) {
      silenced.add(instanceId);
    }

    /** Delivers raw bytes as if {@code instance} had published them. */
    public synchronized void deliver(String endpoint, String fleetId, String instance,
        Instant at, byte[] bytes) {
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
    public void down(boolean down) {
      this.down = down;
    }

    private synchronized void publishCommand(String endpoint, byte[] bytes) {
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
    public synchronized void redeliverCommands() {
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

    private synchronized void connect(Link link) {
      links.add(link);
      for (Published p : statistics.values()) {
        if (p.endpoint.equals(link.endpoint)) {
          link.member.received(p.fleetId, p.instance, p.at, p.bytes);
        }
      }
      replayCommands(link);
    }

    /** A scheduled publication; a failure is kept for {@link #close()}, and the next runs. */
    private void publishNow() {
      try {
        publishAll(Instant.now());
      } catch (RuntimeException e) {
        publisherFailure.compareAndSet(null, e);
      }
    }

    /**
     * Stops the publisher thread, if any, and waits for a publication under way: once this
     * returns the hub publishes nothing more on its own.
     *
     * @throws IllegalStateException if a scheduled publication failed (a member threw)
     */
    @Override
    public void close() {
      if (publisher != null) {
        publisher.shutdownNow();
        try {
          if (!publisher.awaitTermination(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the in-memory fleet's publisher did not stop");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      RuntimeException failure = publisherFailure.get();
      if (failure != null) {
        throw new IllegalStateException("a scheduled publication failed", failure);
      }
    }

    /**
     * How a {@link Hub} other than the default publishes. Not thread-safe: one test builds it.
     */
    public static final class Builder {
      private Duration publishInterval = Duration.ofSeconds(5);
      private Duration publishEvery;
      private boolean carriesCommands = true;

      private Builder() {}

      /**
       * The publish interval the instances report ({@link Fleet#publishInterval()}): another
       * instance's statistics older than three of these are stale. Default five seconds.
       */
      public Builder publishInterval(Duration interval) {
        this.publishInterval = positive("publishInterval", interval);
        return this;
      }

      /**
       * Publishes every {@code every} on the hub's own daemon thread (the first at once), stamped
       * with the time of publication, until the hub is {@linkplain Hub#close closed}. By default
       * the hub publishes only when the test calls {@link Hub#publishAll}.
       */
      public Builder publishEvery(Duration every) {
        this.publishEvery = positive("publishEvery", every);
        return this;
      }

      /**
       * Whether the instances carry commands ({@link Fleet#carriesCommands()}). Default true;
       * without, each instance's operations act on it alone.
       */
      public Builder carriesCommands(boolean carriesCommands) {
        this.carriesCommands = carriesCommands;
        return this;
      }

      public Hub build() {
        return new Hub(this);
      }

      private static Duration positive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
          throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
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
    return hub.publishInterval;
  }

  @Override
  public Connection connect(String endpoint, Member member) {
    Link link = new Link(endpoint, id, member, hub);
    hub.connect(link);
    return link;
  }

  @Override
  public boolean carriesCommands() {
    return hub.carriesCommands;
  }

  @Override
  public void publishCommand(String endpoint, byte[] command) {
    if (!hub.carriesCommands) {
      throw new UnsupportedOperationException("this in-memory fleet carries no commands");
    }
    hub.publishCommand(endpoint, command);
  }
}
