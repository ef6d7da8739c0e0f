package dev.shadowrouting.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scenario B, realistic: production and shadow each burn about 20 µs of CPU
 * ({@link Blackhole#consumeCPU}; {@code tokens} is tuned so that {@code direct} measures ~20 µs on
 * the benchmark machine), 100% sampling, one caller thread. Aim for the router: caller time at
 * most 1.05 x direct with at least 90% of the copies completed (printed per trial).
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ScenarioB_Realistic extends SubjectBenchmark {

  @Param({"direct", "router:100", "scientist4j:100", "scientist4j-async:100",
      "shadow-tool:100", "shadow-tool-bounded:100"})
  public String impl;

  /** Blackhole.consumeCPU tokens for ~20 µs; re-tune with {@code -p tokens=...} if needed. */
  @Param({"9000"})
  public long tokens;

  @Override
  protected Subject newSubject() {
    return new Subject(impl, this::work, this::work);
  }

  private int work(int in) {
    Blackhole.consumeCPU(tokens);
    return in + 1;
  }
}
