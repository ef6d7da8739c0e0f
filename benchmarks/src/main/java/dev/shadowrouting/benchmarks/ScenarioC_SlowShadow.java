package dev.shadowrouting.benchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Scenario C, slow shadow: a shadow that parks 1 ms, 100% sampling, back-to-back calls from one
 * thread, so copies arrive far faster than the shadow can take them. Aim for the router: caller
 * time at most 1.1 x direct (excess copies are dropped and counted, printed per trial; peers with
 * unbounded pools accumulate threads or queued work instead). Production is measured twice:
 * trivial ({@code productionTokens=0}, which shows the absolute nanoseconds added: no ratio to a
 * ~5 ns call can be 1.1) and realistic (~20 µs of CPU, as in scenario B, where the ratio is the
 * question: does the caller ever wait for the 1 ms shadow?).
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScenarioC_SlowShadow extends SubjectBenchmark {

  @Param({"direct", "router:100", "scientist4j:100", "scientist4j-async:100",
      "shadow-tool:100", "shadow-tool-bounded:100"})
  public String impl;

  /** Production's {@code Blackhole.consumeCPU} tokens: 0 (trivial) or ~20 µs (see scenario B). */
  @Param({"0", "9000"})
  public long productionTokens;

  @Override
  protected Subject newSubject() {
    return new Subject(impl, in -> {
      Blackhole.consumeCPU(productionTokens);
      return in + 1;
    }, in -> {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      return in + 1;
    });
  }
}
