package dev.shadowrouting.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.EndpointConfig;
import dev.shadowrouting.ShadowRouter;
import dev.shadowrouting.ShadowTest;
import dev.shadowrouting.ShadowTestSpec;
import dev.shadowrouting.Variant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A test's checks over time: sampled once per step, bounded in points (compacted, the step
 * doubling) and in tests, one last point at the end; driven by a clock the test moves.
 */
class TestHistoriesTest {

  /** Epoch millis, moved by hand. */
  private final AtomicLong now = new AtomicLong(1_767_225_600_000L);
  private ShadowRouter<Integer, Integer> router;
  private TestHistories histories;

  @BeforeEach
  void router() {
    router = ShadowRouter.create(EndpointConfig.<Integer, Integer>builder("e")
        .production("v1", x -> x).workerThreads(1).build());
    histories = new TestHistories(new ShadowRouters(Map.of("e", router)), now::get);
  }

  @AfterEach
  void close() {
    router.close();
  }

  private ShadowTest start(String candidate) {
    return router.startTest(ShadowTestSpec.builder(Variant.<Integer, Integer>builder(candidate,
        x -> x % 50 == 0 ? -x : x)).duration(Duration.ofHours(1)).build());
  }

  private void traffic(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      router.predict(i);
    }
    assertThat(router.awaitIdle(Duration.ofSeconds(10))).isTrue();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> series(Map<String, Object> doc, String check, String part) {
    return (List<Object>) ((Map<String, Object>) ((Map<String, Object>) doc.get("checks"))
        .get(check)).get(part);
  }

  @Test
  @SuppressWarnings("unchecked") // the document's lists, as the test reads them
  void onePointPerStepBoundedByCompactionThenOneLastPoint() throws Exception {
    ShadowTest test = start("c");
    traffic(100);
    histories.sample();
    histories.sample(); // not due yet: the same point
    Map<String, Object> doc = histories.document(router, "c");
    assertThat((List<?>) doc.get("times")).hasSize(1);
    assertThat(doc.get("status")).isEqualTo("RUNNING");
    double first = test.report().check("agreement").orElseThrow().estimate();
    assertThat(series(doc, "agreement", "estimate")).containsExactly(first);
    assertThat(((Map<?, ?>) ((Map<?, ?>) doc.get("checks")).get("agreement")).get("threshold"))
        .isEqualTo(0.99);

    // a step later, a second point
    now.addAndGet(TestHistories.FIRST_STEP_MILLIS);
    traffic(100);
    histories.sample();
    doc = histories.document(router, "c");
    assertThat((List<?>) doc.get("times")).hasSize(2);
    assertThat(series(doc, "agreement", "estimate")).containsExactly(first,
        test.report().check("agreement").orElseThrow().estimate());
    assertThat(series(doc, "errors", "lower")).hasSize(2).doesNotContainNull();

    // full: every other point goes and the step doubles, so the history spans the whole test
    for (int i = 0; i < TestHistories.MAX_POINTS; i++) {
      now.addAndGet(TestHistories.FIRST_STEP_MILLIS);
      histories.sample();
    }
    doc = histories.document(router, "c");
    List<Long> times = (List<Long>) doc.get("times");
    assertThat(times.size()).isLessThanOrEqualTo(TestHistories.MAX_POINTS)
        .isGreaterThan(TestHistories.MAX_POINTS / 2);
    assertThat(doc.get("stepMillis")).isEqualTo(2 * TestHistories.FIRST_STEP_MILLIS);
    assertThat(now.get() - times.get(times.size() - 1))
        .isLessThan(2 * TestHistories.FIRST_STEP_MILLIS);
    assertThat(series(doc, "latency", "estimate")).hasSameSizeAs(times);
    // from a fresh point, a step of 1 s is not due any more, 2 s is
    now.addAndGet(2 * TestHistories.FIRST_STEP_MILLIS);
    histories.sample();
    times = (List<Long>) histories.document(router, "c").get("times");
    assertThat(times.get(times.size() - 1)).isEqualTo(now.get());
    int size = times.size();
    now.addAndGet(TestHistories.FIRST_STEP_MILLIS);
    histories.sample();
    assertThat((List<?>) histories.document(router, "c").get("times")).hasSize(size);
    now.addAndGet(TestHistories.FIRST_STEP_MILLIS);
    histories.sample();
    assertThat((List<?>) histories.document(router, "c").get("times")).hasSize(size + 1);

    // the end: one last point with the final report, then none
    test.stop();
    histories.sample();
    now.addAndGet(60_000);
    histories.sample();
    doc = histories.document(router, "c");
    assertThat((List<?>) doc.get("times")).hasSize(size + 2);
    assertThat(doc.get("status")).isEqualTo("STOPPED");
    List<Object> errors = series(doc, "errors", "estimate");
    assertThat(errors.get(errors.size() - 1))
        .isEqualTo(test.report().check("errors").orElseThrow().estimate());
  }

  @Test
  void onlyTheNewestTestsOfAnEndpointAreKept() {
    for (int i = 0; i < TestHistories.MAX_TESTS + 5; i++) {
      start("c" + i).stop();
      histories.sample();
      assertThat(histories.size()).isLessThanOrEqualTo(TestHistories.MAX_TESTS);
    }
    assertThat(histories.size()).isEqualTo(TestHistories.MAX_TESTS);
    assertThat(histories.document(router, "c" + (TestHistories.MAX_TESTS + 4))).isNotNull();
    // an old test the router still lists has no history left: its document has no points
    assertThat((List<?>) histories.document(router, "c0").get("times")).isEmpty();
    assertThat(histories.document(router, "nope")).isNull();
  }

  @Test
  void theSamplerThreadRunsWithTheApplication() throws Exception {
    TestHistories live = new TestHistories(new ShadowRouters(Map.of("e", router)),
        System::currentTimeMillis);
    start("c");
    live.start();
    try {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
          ((List<?>) live.document(router, "c").get("times")).size() >= 2);
    } finally {
      live.stop();
    }
    assertThat(live.isRunning()).isFalse();
  }
}
