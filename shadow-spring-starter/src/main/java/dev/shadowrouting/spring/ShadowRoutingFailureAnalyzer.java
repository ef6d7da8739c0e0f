package dev.shadowrouting.spring;

import dev.shadowrouting.spring.ShadowRoutingConfigurationException.Problem;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains an invalid {@code shadow-routing} configuration in Spring Boot's start-up failure report:
 * one line per property, with its value and what is allowed. Registered in
 * {@code META-INF/spring.factories}.
 */
public class ShadowRoutingFailureAnalyzer
    extends AbstractFailureAnalyzer<ShadowRoutingConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure,
      ShadowRoutingConfigurationException cause) {
    StringBuilder description = new StringBuilder("The shadow-routing configuration is invalid:\n");
    for (Problem p : cause.problems()) {
      description.append("\n    Property: ").append(p.property())
          .append("\n    Value:    ").append(p.value() == null ? "(not set)" : p.value())
          .append("\n    Reason:   ").append(p.requirement()).append('\n');
    }
    String action = "Update the shadow-routing properties above (application.yml or"
        + " application.properties). Predictors, comparators and sinks are beans: declare them"
        + " (e.g. a @Bean method returning Predictor<I, O>) and name them in the properties.";
    return new FailureAnalysis(description.toString(), action, cause);
  }
}
