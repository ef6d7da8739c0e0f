package dev.shadowrouting.internal.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.internal.stats.ShadowSim.Side;
import dev.shadowrouting.internal.stats.ShadowSim.Summary;
import org.junit.jupiter.api.Test;

class SimulationTest {

  @Test
  void timing() {
    SequentialVerdict engine = new SequentialVerdict(ShadowSim.DEFAULT);
    long t0 = System.nanoTime();
    Summary s = ShadowSim.simulate(engine, ShadowSim.IDENTICAL, null, 200, 5000, 1, false);
    long t1 = System.nanoTime();
    System.out.printf("identical: fail %.4f pass %.4f in %d ms%n", s.failRate(), s.passRate(), (t1 - t0) / 1_000_000);
    Side boundary = new Side(0.011, Math.log(1.1), 0.3, 0.01);
    t0 = System.nanoTime();
    s = ShadowSim.simulate(engine, boundary, null, 200, 5000, 2, false);
    t1 = System.nanoTime();
    System.out.printf("boundary: fail %.4f by %s in %d ms%n", s.failRate(), java.util.Arrays.toString(s.failedBy()), (t1 - t0) / 1_000_000);
    t0 = System.nanoTime();
    s = ShadowSim.simulate(engine, new Side(0.01, 0, 0.3, 0.03), new Side(0.01, 0, 0.3, 0.03), 100, 5000, 3, false);
    t1 = System.nanoTime();
    System.out.printf("noise: fail %.4f by %s in %d ms%n", s.failRate(), java.util.Arrays.toString(s.failedBy()), (t1 - t0) / 1_000_000);
  }
}
