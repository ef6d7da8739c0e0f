package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The test fleet itself ({@link InMemoryFleet}), which the starter's and the sample's tests use
 * too: what it delivers to whom, what it retains, silencing, its publisher thread and commands.
 */
class InMemoryFleetTest {

  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  /** A member that publishes one test's statistics and records what it is handed. */
  private static class Recorder implements Fleet.Member {
    final String published;
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> commands = new CopyOnWriteArrayList<>();
    Fleet.Connection connection;

    Recorder(String published) {
      this.published = published;
    }

    @Override
    public Map<String, byte[]> statistics() {
      return Map.of("t1", bytes(published));
    }

    @Override
    public void received(String fleetId, String instanceId, Instant publishedAt,
        byte[] statistics) {
      received.add(fleetId + "/" + instanceId + "/" + publishedAt + "/"
          + new String(statistics, StandardCharsets.UTF_8));
    }

    @Override
    public void command(byte[] command) {
      commands.add(new String(command, StandardCharsets.UTF_8));
    }
  }

  /** A member on {@code endpoint} of instance {@code id}, publishing its id in capitals. */
  private static Recorder join(InMemoryFleet.Hub hub, String id, String endpoint) {
    Recorder member = new Recorder(id.toUpperCase(Locale.ROOT));
    member.connection = hub.instance(id).connect(endpoint, member);
    return member;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void publishAllHandsEachMemberTheOthersOfItsEndpointAndRetainsForLaterOnes() {
    InMemoryFleet.Hub hub = new InMemoryFleet.Hub();
    Recorder a = join(hub, "a", "fraud");
    Recorder b = join(hub, "b", "fraud");
    Recorder other = join(hub, "c", "other");

    hub.publishAll(AT);

    assertThat(a.received).containsExactly("t1/b/" + AT + "/B");
    assertThat(b.received).containsExactly("t1/a/" + AT + "/A");
    assertThat(other.received).isEmpty();
    // a compacted topic: an instance that connects later gets the latest of each
    Recorder late = join(hub, "d", "fraud");
    assertThat(late.received).containsExactly("t1/a/" + AT + "/A", "t1/b/" + AT + "/B");
  }

  @Test
  void aSilencedInstancePublishesNothingAndStillReceives() {
    InMemoryFleet.Hub hub = new InMemoryFleet.Hub();
    Recorder a = join(hub, "a", "fraud");
    Recorder b = join(hub, "b", "fraud");

    hub.silence("b");
    hub.publishAll(AT);

    assertThat(a.received).isEmpty();
    assertThat(b.received).containsExactly("t1/a/" + AT + "/A");
  }

  @Test
  void aClosedConnectionReceivesNothingMore() {
    InMemoryFleet.Hub hub = new InMemoryFleet.Hub();
    Recorder a = join(hub, "a", "fraud");
    Recorder b = join(hub, "b", "fraud");
    b.connection.close();

    hub.publishAll(AT);

    assertThat(a.received).isEmpty();
    assertThat(b.received).isEmpty();
  }

  @Test
  void thePublisherThreadPublishesUntilClosed() throws Exception {
    CountDownLatch toB = new CountDownLatch(3);
    Recorder a = new Recorder("A");
    Recorder b = new Recorder("B") {
      @Override
      public void received(String fleetId, String instanceId, Instant at, byte[] statistics) {
        super.received(fleetId, instanceId, at, statistics);
        toB.countDown();
      }
    };
    InMemoryFleet.Hub hub = InMemoryFleet.Hub.builder()
        .publishEvery(Duration.ofMillis(5)).publishInterval(Duration.ofMillis(500)).build();
    InMemoryFleet fleetA = hub.instance("a");
    fleetA.connect("fraud", a);
    hub.instance("b").connect("fraud", b);

    assertThat(toB.await(20, TimeUnit.SECONDS)).as("three publications of a").isTrue();
    hub.close();

    assertThat(fleetA.publishInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(b.received).allSatisfy(r -> assertThat(r).startsWith("t1/a/").endsWith("/A"));
    assertThat(a.received).allSatisfy(r -> assertThat(r).startsWith("t1/b/").endsWith("/B"));
    // stamped with the time of each publication
    assertThat(b.received.stream().distinct()).hasSizeGreaterThan(1);
    // closed: the publisher is done, and only the test's own publication reaches b
    int after = b.received.size();
    hub.publishAll(AT);
    assertThat(b.received).hasSize(after + 1);
  }

  @Test
  void closeReportsAScheduledPublicationThatFailed() throws Exception {
    CountDownLatch asked = new CountDownLatch(1);
    InMemoryFleet.Hub hub = InMemoryFleet.Hub.builder().publishEvery(Duration.ofMillis(5))
        .build();
    hub.instance("a").connect("fraud", new Recorder("A") {
      @Override
      public Map<String, byte[]> statistics() {
        asked.countDown();
        throw new IllegalStateException("broken member");
      }
    });
    assertThat(asked.await(20, TimeUnit.SECONDS)).isTrue();

    assertThatThrownBy(hub::close).isInstanceOf(IllegalStateException.class)
        .hasMessage("a scheduled publication failed").cause().hasMessage("broken member");
  }

  @Test
  void commandsReachEveryMemberOfTheEndpointInOrderAndLaterOnesCatchUp() {
    InMemoryFleet.Hub hub = new InMemoryFleet.Hub();
    InMemoryFleet fleetA = hub.instance("a");
    Recorder a = new Recorder("A");
    fleetA.connect("fraud", a);
    Recorder b = join(hub, "b", "fraud");
    assertThat(fleetA.carriesCommands()).isTrue();

    fleetA.publishCommand("fraud", bytes("start"));
    fleetA.publishCommand("fraud", bytes("stop"));
    hub.down(true);
    assertThatThrownBy(() -> fleetA.publishCommand("fraud", bytes("promote")))
        .isInstanceOf(IllegalStateException.class).hasMessage("the hub is down");
    hub.down(false);

    assertThat(a.commands).as("the publishing instance's own too")
        .containsExactly("start", "stop");
    assertThat(b.commands).containsExactly("start", "stop");
    Recorder late = join(hub, "c", "fraud");
    assertThat(late.commands).containsExactly("start", "stop");
    hub.redeliverCommands();
    assertThat(b.commands).containsExactly("start", "stop", "start", "stop");
  }

  @Test
  void aHubWithoutCommandsRefusesThem() {
    InMemoryFleet fleet = InMemoryFleet.Hub.builder().carriesCommands(false).build()
        .instance("a");
    Recorder a = new Recorder("A");
    fleet.connect("fraud", a);

    assertThat(fleet.carriesCommands()).isFalse();
    assertThatThrownBy(() -> fleet.publishCommand("fraud", bytes("start")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(a.commands).isEmpty();
  }

  @Test
  void theBuilderNamesAnIntervalThatIsNotPositive() {
    assertThatThrownBy(() -> InMemoryFleet.Hub.builder().publishEvery(Duration.ZERO))
        .hasMessage("publishEvery must be positive, was PT0S");
    assertThatThrownBy(() -> InMemoryFleet.Hub.builder().publishInterval(Duration.ofSeconds(-1)))
        .hasMessage("publishInterval must be positive, was PT-1S");
    assertThat(new InMemoryFleet.Hub().instance("a").publishInterval())
        .isEqualTo(Duration.ofSeconds(5));
  }
}
