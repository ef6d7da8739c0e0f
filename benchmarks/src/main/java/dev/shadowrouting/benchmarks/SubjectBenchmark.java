package dev.shadowrouting.benchmarks;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * What the scenarios share: one {@link Subject} per trial, called back to back, and the share of
 * copies executed counted from the first <em>measurement</em> iteration on (during warm-up the
 * JIT compiler threads compete for this machine's two cores, which is not what the scenarios ask
 * about). Each scenario says which implementations it runs and what production and shadow do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public abstract class SubjectBenchmark {

  private Subject subject;
  private boolean counting;
  private int input;

  /** The implementation under test, for this trial's parameters. */
  protected abstract Subject newSubject();

  @Setup(Level.Trial)
  public void setUp() {
    subject = newSubject();
  }

  @Setup(Level.Iteration)
  public void iteration(IterationParams params) {
    if (!counting && params.getType() == IterationType.MEASUREMENT) {
      counting = true;
      subject.startCounting();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    subject.close();
  }

  @Benchmark
  public int call() throws Exception {
    return subject.call(input++);
  }
}
