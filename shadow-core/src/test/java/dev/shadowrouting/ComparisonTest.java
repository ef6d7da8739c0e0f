package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  @Test
  void equalityComparesArraysByContent() {
    OutputComparator<Object> eq = OutputComparator.equality();
    assertThat(eq.compare(new int[] {1, 2}, new int[] {1, 2}).result())
        .isEqualTo(Comparison.Result.MATCH);
    assertThat(eq.compare(new double[][] {{1}}, new double[][] {{2}}).result())
        .isEqualTo(Comparison.Result.MISMATCH);
    assertThat(eq.compare("a", "a").isMatch()).isTrue();
    assertThat(eq.compare(null, null).isMatch()).isTrue();
    assertThat(eq.compare("a", null).isMatch()).isFalse();
  }

  @Test
  void numericToleranceAbsoluteAndRelative() {
    OutputComparator<Object> abs = OutputComparator.numericTolerance(0.01, 0);
    assertThat(abs.compare(1.0, 1.005).isMatch()).isTrue();
    assertThat(abs.compare(1.0, 1.02).isMatch()).isFalse();
    assertThat(abs.compare(1.0, 1.02).score()).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
    OutputComparator<Object> rel = OutputComparator.numericTolerance(0, 0.01);
    assertThat(rel.compare(1000.0, 1009.0).isMatch()).isTrue();
    assertThat(rel.compare(1.0, 1.02).isMatch()).isFalse();
    assertThat(rel.compare(Double.NaN, Double.NaN).isMatch()).isTrue();
    assertThat(rel.compare(Double.NaN, 1.0).isMatch()).isFalse();
    assertThat(rel.compare(3, 3L).isMatch()).isTrue();
  }

  @Test
  void numericToleranceIsElementWiseForArraysAndLists() {
    OutputComparator<Object> tol = OutputComparator.numericTolerance(1e-3, 0);
    assertThat(tol.compare(new float[] {1f, 2f}, new float[] {1.0005f, 2f}).isMatch()).isTrue();
    assertThat(tol.compare(new double[][] {{1, 2}, {3, 4}}, new double[][] {{1, 2}, {3, 4.1}})
        .isMatch()).isFalse();
    assertThat(tol.compare(new double[] {1, 2}, new double[] {1, 2, 3}).isMatch()).isFalse();
    assertThat(tol.compare(List.of(1.0, 2.0), List.of(1.0, 2.0005)).isMatch()).isTrue();
    assertThat(tol.compare(new long[] {5}, new long[] {6}).score()).isEqualTo(1.0);
    assertThat(tol.compare("label", "label").isMatch()).isTrue();
    assertThat(tol.compare("label", "other").isMatch()).isFalse();
  }

  @Test
  void toleranceValidation() {
    assertThatThrownBy(() -> OutputComparator.numericTolerance(-1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("absolute must be a finite number >= 0.0 but was -1.0");
    assertThatThrownBy(() -> OutputComparator.numericTolerance(0, Double.NaN))
        .hasMessageContaining("relative");
  }

  @Test
  void comparingExtractsTheComparedAspect() {
    OutputComparator<String> byLength = OutputComparator.comparing(String::length);
    assertThat(byLength.compare("abc", "xyz").isMatch()).isTrue();
    assertThat(byLength.compare("abc", "xy").isMatch()).isFalse();
  }

  @Test
  void customComparatorScoresReachTheRecordAndAVariantComparatorWins() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("cmp")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("own", in -> in + 1)
                .comparator((a, b) -> Comparison.of(Math.abs(a - b) <= 1, Math.abs(a - b)))
                .build())
            .shadow(Variant.<Integer, Integer>builder("default", in -> in + 1).build())
            .sink(sink).build())) {
      router.predict(10);
      sink.awaitRecords(3, Fixtures.WAIT);
      ShadowRecord own = sink.await(r -> r.variant().equals("own"), 1, Fixtures.WAIT).get(0);
      assertThat(own.comparison().isMatch()).isTrue();
      assertThat(own.comparison().score()).isEqualTo(1.0);
      ShadowRecord def = sink.await(r -> r.variant().equals("default"), 1, Fixtures.WAIT).get(0);
      assertThat(def.comparison().result()).isEqualTo(Comparison.Result.MISMATCH);
    }
  }

  @Test
  void aThrowingComparatorYieldsNotComparedAndACountedErrorNeverACallerException()
      throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    AtomicReference<Thread> comparedOn = new AtomicReference<>();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("bad-cmp")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> in).build())
            .comparator((a, b) -> {
              comparedOn.set(Thread.currentThread());
              throw new IllegalStateException("comparator bug");
            })
            .sink(sink).build())) {
      for (int i = 0; i < 10; i++) {
        assertThat(router.predict(i)).isEqualTo(i);
      }
      Fixtures.awaitQuiescent(router);
      RouterSnapshot.VariantStats s = router.snapshot().variant("s");
      assertThat(s.comparatorErrors()).isEqualTo(10);
      assertThat(s.notCompared()).isEqualTo(10);
      assertThat(s.successes()).isEqualTo(10);
      assertThat(sink.records("s")).allMatch(
          r -> r.comparison().result() == Comparison.Result.NOT_COMPARED);
      assertThat(comparedOn.get()).isNotSameAs(Thread.currentThread());
      assertThat(comparedOn.get().getName()).startsWith("shadow-bad-cmp-worker-");
    }
  }

  @Test
  void failuresOnEitherSideAreNotCompared() throws Exception {
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("f")
            .production(Variant.<Integer, Integer>builder("p", in -> {
              if (in < 0) {
                throw new IllegalArgumentException();
              }
              return in;
            }).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> {
              if (in == 1) {
                throw new java.io.IOException("shadow io");
              }
              return in;
            }).build())
            .sink(sink).build())) {
      try {
        router.predict(-1);
      } catch (IllegalArgumentException expected) {
        // production's own failure, unchanged
      }
      router.predict(1);
      router.predict(2);
      Fixtures.awaitQuiescent(router);
      RouterSnapshot.VariantStats s = router.snapshot().variant("s");
      assertThat(s.matches()).isEqualTo(1);
      assertThat(s.notCompared()).isEqualTo(2);
      assertThat(s.errors()).isEqualTo(1);
      assertThat(sink.records(r -> r.outcome() == Outcome.ERROR && r.role() == Role.SHADOW))
          .singleElement().extracting(ShadowRecord::errorType)
          .isEqualTo("java.io.IOException");
    }
  }
}
