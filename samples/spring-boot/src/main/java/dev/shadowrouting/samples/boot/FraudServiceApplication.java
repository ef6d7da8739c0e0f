package dev.shadowrouting.samples.boot;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A fraud-scoring web service whose model is shadowed by candidates, configured only by
 * {@code application.yml}: production model v1 answers {@code POST /predict}, shadow v2 gets a
 * quarter of the requests, and a shadow test of v3 starts with the application. The dashboard is
 * at <a href="http://localhost:8080/shadow-routing">http://localhost:8080/shadow-routing</a>.
 *
 * <p>Run: {@code mvn -B -q -pl samples/spring-boot -am compile exec:java}; a built-in traffic
 * generator ({@link TrafficGenerator}) sends it requests so the dashboard shows live numbers.
 */
@SpringBootApplication
public class FraudServiceApplication {

  public static void main(String[] args) {
    SpringApplication.run(FraudServiceApplication.class, args);
  }

  /** Production: the current model. */
  @Bean
  Predictor<Txn, Score> fraudModelV1(AlertLog alerts) {
    return new FraudModel("v1", 0.50, 40, alerts);
  }

  /** A shadow: a retrained threshold (disagrees near the boundary), a little slower. */
  @Bean
  Predictor<Txn, Score> fraudModelV2(AlertLog alerts) {
    return new FraudModel("v2", 0.53, 60, alerts);
  }

  /** The candidate of the shadow test: same decisions, twice the work per call. */
  @Bean
  Predictor<Txn, Score> fraudModelV3(AlertLog alerts) {
    return new FraudModel("v3", 0.50, 80, alerts);
  }

  /** Outputs agree when they take the same decision (the scores may differ a little). */
  @Bean
  OutputComparator<Score> sameDecision() {
    return OutputComparator.comparing(Score::block);
  }
}
