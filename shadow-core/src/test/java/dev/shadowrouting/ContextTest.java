package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ContextTest {

  private static final ThreadLocal<String> MDC_LIKE = new ThreadLocal<>();

  @Test
  void isShadowIsTrueInsideShadowCallsOnly() throws Exception {
    AtomicBoolean inProduction = new AtomicBoolean(true);
    AtomicBoolean inShadow = new AtomicBoolean(false);
    AtomicBoolean inComparator = new AtomicBoolean(true);
    List<String> variants = new CopyOnWriteArrayList<>();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("ctx")
            .production(Variant.<Integer, Integer>builder("p", in -> {
              inProduction.set(ShadowContext.isShadow());
              return in;
            }).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> {
              inShadow.set(ShadowContext.isShadow());
              variants.add(ShadowContext.currentVariant());
              return in;
            }).build())
            .comparator((a, b) -> {
              inComparator.set(ShadowContext.isShadow());
              return Comparison.of(a.equals(b));
            })
            .build())) {
      router.predict(1);
      Fixtures.awaitQuiescent(router);
    }
    assertThat(inProduction).isFalse();
    assertThat(inShadow).isTrue();
    assertThat(inComparator).isFalse();
    assertThat(variants).containsExactly("s");
    assertThat(ShadowContext.isShadow()).isFalse();
  }

  @Test
  void theCallersContextIsCarriedIntoTheShadowAndClearedAfterwards() throws Exception {
    ContextPropagator<String> propagator = ContextPropagator.threadLocal(MDC_LIKE);
    List<String> seenInShadow = new CopyOnWriteArrayList<>();
    List<String> seenAfter = new CopyOnWriteArrayList<>();
    InMemorySink sink = ShadowSink.inMemory();
    try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
        EndpointConfig.<Integer, Integer>builder("mdc")
            .production(Variant.<Integer, Integer>builder("p", in -> in).build())
            .shadow(Variant.<Integer, Integer>builder("s", in -> {
              seenInShadow.add(MDC_LIKE.get());
              return in;
            }).build())
            // what the same worker thread sees outside the shadow call
            .comparator((a, b) -> {
              seenAfter.add(String.valueOf(MDC_LIKE.get()));
              return Comparison.match();
            })
            .contextPropagator(propagator)
            .workerThreads(1)
            .sink(sink)
            .build())) {
      MDC_LIKE.set("trace-1");
      router.predict(1);
      MDC_LIKE.set("trace-2");
      router.predict(2);
      MDC_LIKE.remove();
      router.predict(3);
      Fixtures.awaitQuiescent(router);
      assertThat(sink.records("s")).extracting(r -> r.capturedContext(propagator))
          .containsExactlyInAnyOrder("trace-1", "trace-2", null);
    }
    assertThat(seenInShadow).containsExactlyInAnyOrder("trace-1", "trace-2", null);
    assertThat(seenAfter).containsOnly("null");
  }
}
