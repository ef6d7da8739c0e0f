package dev.shadowrouting.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;

/**
 * Scenario A, pure overhead: a trivial production and shadow predictor, so the time and
 * allocation per call (run with {@code -prof gc}) are what each implementation adds to the
 * caller. Aims for the router: at most 20 ns over direct at 0% and without a shadow, at most 300 ns
 * at 100%. The share of copies executed at 100% is printed at the end of each trial.
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScenarioA_Overhead extends SubjectBenchmark {

  @Param({"direct", "router-none", "router:0", "router:1", "router:100",
      "scientist4j:0", "scientist4j:1", "scientist4j:100", "scientist4j-async:100",
      "shadow-tool:0", "shadow-tool:1", "shadow-tool:100", "shadow-tool-bounded:100"})
  public String impl;

  @Override
  protected Subject newSubject() {
    return new Subject(impl, in -> in + 1, in -> in + 1);
  }
}
