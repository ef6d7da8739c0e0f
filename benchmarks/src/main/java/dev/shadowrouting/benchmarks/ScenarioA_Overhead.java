package dev.shadowrouting.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Scenario A, pure overhead: a trivial production and shadow predictor, so the time and
 * allocation per call (run with {@code -prof gc}) are what each implementation adds to the
 * caller. Aims for the router: at most 20 ns over direct at 0% and without a shadow, at most 300 ns
 * at 100%. The share of copies executed at 100% is printed at the end of each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
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
