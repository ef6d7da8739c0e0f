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
     */
    void received(String fleetId, String instanceId, Instant publishedAt, byte[] statistics);
  }

  /** The link of one endpoint to the fleet; closed by the router when it closes. */
  interface Connection extends AutoCloseable {
    /** Stops publishing for the endpoint; what was published stays. */
    @Override
    void close();
  }
}
