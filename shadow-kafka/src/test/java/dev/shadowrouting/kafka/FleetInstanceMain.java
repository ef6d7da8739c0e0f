package dev.shadowrouting.kafka;

import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.Variant;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import java.nio.file.Path;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * One instance of the fleet in a JVM of its own, driven by {@link KafkaFleetTest} over stdin and
 * stdout: it starts the scenario's test, sends requests [from, to), then answers commands.
 *
 * <pre>
 *   args: bootstrap instance topics from to
 *   out:  CLIENTS the kafka-clients jar it runs on, then READY when its requests are done
 *   in:   status | traffic-start | traffic-stop | exit
 * </pre>
 */
public final class FleetInstanceMain {
  private FleetInstanceMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("CLIENTS " + Path.of(KafkaProducer.class.getProtectionDomain()
        .getCodeSource().getLocation().toURI()).getFileName());
    KafkaFleet fleet = FleetScenario.fleet(args[0], args[1], args[2]).build();
    ShadowRouter<Integer, Integer> router = FleetScenario.router(fleet);
    ShadowTest test = router.startTest(FleetScenario.spec());
    FleetScenario.traffic(router, Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    System.out.println("READY " + test.report().calls());
    Traffic traffic = null;
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      switch (line) {
        case "status" -> {
          ShadowTest v3 = router.test("v3").orElse(null);
          System.out.println("STATUS production=" + router.config().productionVariants().stream()
              .map(Variant::name).collect(Collectors.joining(","))
              + " v3=" + (v3 == null ? "none" : v3.status() + "/" + v3.decision())
              + " fleetPairs=" + test.fleetStatistics().evaluate().pairs()
              + " " + (traffic == null ? "no traffic" : traffic));
        }
        case "traffic-start" -> {
          traffic = new Traffic(router);
          System.out.println("OK");
        }
        case "traffic-stop" -> {
          traffic.close();
          System.out.println("OK");
        }
        case "exit" -> {
          router.close();
          fleet.close();
          System.out.println("BYE");
          return;
        }
        default -> System.out.println("UNKNOWN " + line);
      }
    }
  }
}
