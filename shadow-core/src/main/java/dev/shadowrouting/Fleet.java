package dev.shadowrouting;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * SPI: how the instances of a service share their shadow tests, so that a test started on every
 * instance (from the same configuration) is judged on every instance's pairs at once. A transport
 * (Kafka in {@code shadow-routing-kafka}) implements it; a router joins with {@link
 * EndpointConfig.Builder#fleet}. Without a fleet everything works on one instance.
 *
 * <p>What travels is each test's {@link PairedStatistics} ({@link PairedStatistics#toBytes()}),
 * keyed by the test's {@link ShadowTest#fleetId()} and the instance: the statistics merge exactly,
 * so the fleet's verdict ({@link ShadowTest#fleetReport()}) is the one a single router fed every
 * instance's pairs would reach. Nothing of a request travels, and nothing the fleet does runs on
 * the caller's path: the transport calls the {@link Member} from its own threads, and a transport
 * that is down only makes the fleet view stale.
 *
 * <p><b>Commands.</b> A transport that {@link #carriesCommands() carries commands} makes the
 * router's {@link ShadowRouter#operations() operations} fleet-wide: start-test, stop, promote and
 * discard are checked on the instance where they are asked for, then published ({@link
 * #publishCommand}) and applied by every instance, this one included, when the transport hands
 * them back ({@link Member#command}), in one order per endpoint; an instance that connects later
 * receives the commands still retained, in that order, and catches up. A command is opaque bytes
 * to the transport: the routers write and read them, and apply each once.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Fleet {

  /** This instance's id in the fleet (unique among the instances: a host name and port). */
  String instanceId();

  /**
   * How often the transport publishes this instance's statistics: another instance's whose last
   * update is older than three of these is shown as stale.
   */
  Duration publishInterval();

  /**
   * Connects one endpoint of this instance: from now on the transport asks {@code member} for
   * the statistics to publish, every {@link #publishInterval()}, and hands it what the other
   * instances published for this endpoint. Called once per router, at its creation.
   */
  Connection connect(String endpoint, Member member);

  /**
   * Whether this transport carries commands ({@link #publishCommand}). Default false: the
   * operations of a router in this fleet act on that instance only.
   */
  default boolean carriesCommands() {
    return false;
  }

  /**
   * Publishes a command of {@code endpoint} to every instance of the fleet, this one included:
   * each hands it to the {@link Member#command} of its endpoint of that name, every instance in
   * the same order (the order of publication, per endpoint); an instance connected later receives
   * the retained commands in that order. Returns once the transport holds the command durably;
   * called on the thread of the person's operation, never on a caller's path.
   *
   * @throws UnsupportedOperationException if this transport carries no commands (the default)
   * @throws RuntimeException if the transport cannot take the command now (its broker is
   *     unreachable, its timeout passed): then nothing was published
   */
  default void publishCommand(String endpoint, byte[] command) {
    throw new UnsupportedOperationException(getClass().getName() + " carries no commands");
  }

  /**
   * One endpoint of this instance, as the transport sees it. Implemented by the router; its
   * methods are cheap, never block on the router's work and are safe from any thread.
   */
  interface Member {
    /**
     * The statistics this instance has to publish now, by test {@link ShadowTest#fleetId()}: the
     * running tests', and an ended test's final ones (a fleet keeps an instance's last published
     * statistics: its pairs were valid).
     */
    Map<String, byte[]> statistics();

    /**
     * Another instance's latest statistics of a test ({@link PairedStatistics#toBytes()}). Bytes
     * that cannot be read, or of another rule, are counted and left out, never thrown.
     *
     * <p>The transport never hands an instance what it published itself in this run (since it
     * was built). What it finds under this instance's own {@link Fleet#instanceId()} from an
     * earlier run (the instance restarted with the same id) it does hand over: the member adds
     * those statistics to the test of the same fleet id, so the restart loses none of its pairs.
     */
    void received(String fleetId, String instanceId, Instant publishedAt, byte[] statistics);

    /**
     * A command published by some instance ({@link Fleet#publishCommand}), this one's included,
     * in the fleet's order. Applied here at once, on the calling thread (it may take the
     * endpoint's configuration lock for a moment); a command delivered again is applied once,
     * by its id; bytes that cannot be read are counted and left out, never thrown.
     */
    void command(byte[] command);
  }

  /** The link of one endpoint to the fleet; closed by the router when it closes. */
  interface Connection extends AutoCloseable {
    /** Stops publishing for the endpoint; what was published stays. */
    @Override
    void close();
  }
}
