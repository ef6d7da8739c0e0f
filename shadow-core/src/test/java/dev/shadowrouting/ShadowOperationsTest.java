package dev.shadowrouting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.OperationResult.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The operations a person runs on a live endpoint answer with structured results: applied, or
 * refused with the field, the value and what it must be, and the kind of refusal an adapter maps
 * to a status code.
 */
class ShadowOperationsTest {

  private final ShadowRouter<Integer, Integer> router = ShadowRouter.create(
      EndpointConfig.<Integer, Integer>builder("ops")
          .production(Variant.builder("v1", (Integer in) -> in).build())
          .shadow(Variant.builder("s1", (Integer in) -> in).build())
          .build());
  private final ShadowOperations<Integer, Integer> ops = router.operations();

  @AfterEach
  void close() {
    router.close();
  }

  private static ShadowTestSpec<Integer, Integer> spec(String candidate) {
    return ShadowTestSpec.builder(Variant.<Integer, Integer>builder(candidate, in -> in).build())
        .duration(Duration.ofHours(1)).build();
  }

  private static void assertRefused(OperationResult r, Status status, String field,
      Object value, String requirement) {
    assertThat(r.status()).as(r.message()).isEqualTo(status);
    assertThat(r.applied()).isFalse();
    assertThat(r.problems()).hasSize(1);
    Problem p = r.problems().get(0);
    assertThat(p.field()).isEqualTo(field);
    assertThat(p.value()).isEqualTo(value);
    assertThat(p.requirement()).contains(requirement);
    assertThat(r.message()).isEqualTo(p.message());
  }

  private List<String> shadows() {
    return router.config().shadowVariants().stream().map(Variant::name).toList();
  }

  @Test
  void promotesAPlainShadow() {
    OperationResult r = ops.promote("s1", false);
    assertThat(r.applied()).isTrue();
    assertThat(r.problems()).isEmpty();
    assertThat(router.config().productionVariants()).extracting(Variant::name)
        .containsExactly("s1");
    assertThat(shadows()).isEmpty();
  }

  @Test
  void anUnknownVariantIsNotFoundAndTheProblemNamesWhatThereIs() {
    assertRefused(ops.promote("v9", false), Status.NOT_FOUND, "variant", "v9",
        "shadow variants [s1], production variants [v1]");
    assertRefused(ops.discard("v9", true), Status.NOT_FOUND, "variant", "v9", "[s1]");
    assertRefused(ops.setSamplingRate("v9", 0.5), Status.NOT_FOUND, "variant", "v9", "[s1]");
  }

  @Test
  void aRunningTestIsPromotedOnlyWithForceAndOnlyOnce() {
    ShadowTest test = ops.startTest(spec("v2")).test();
    assertThat(test).isNotNull();

    assertRefused(ops.promote("v2", false), Status.CONFLICT, "force", false, "running");
    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);

    assertThat(ops.promote("v2", true).applied()).isTrue();
    assertThat(test.decision()).isEqualTo(ShadowTest.Decision.PROMOTED);
    assertThat(router.config().productionVariants()).extracting(Variant::name)
        .containsExactly("v2");

    assertRefused(ops.promote("v2", true), Status.CONFLICT, "variant", "v2", "already promoted");
    assertRefused(ops.discard("v2", true), Status.CONFLICT, "variant", "v2", "already promoted");
  }

  @Test
  void discardsAStoppedCandidateAndAPlainShadow() {
    ops.startTest(spec("v2"));
    assertRefused(ops.discard("v2", false), Status.CONFLICT, "force", false, "running");
    assertThat(ops.stopTest("v2").applied()).isTrue();
    OperationResult r = ops.discard("v2", false);
    assertThat(r.applied()).as(r.message()).isTrue();
    assertThat(r.test().decision()).isEqualTo(ShadowTest.Decision.DISCARDED);

    assertThat(ops.discard("s1", false).applied()).isTrue();
    assertThat(shadows()).isEmpty();
  }

  @Test
  void setsTheSamplingRateOfAShadowOrATestAndRefusesOneOutOfRange() {
    assertThat(ops.setSamplingRate("s1", 0.25).applied()).isTrue();
    assertThat(router.config().shadowVariants().get(0).samplingRate()).isEqualTo(0.25);

    ShadowTest test = ops.startTest(spec("v2")).test();
    assertThat(ops.setSamplingRate("v2", 0.5).applied()).isTrue();
    assertThat(test.report().samplingRate()).isEqualTo(0.5);

    OperationResult r = ops.setSamplingRate("s1", 1.5);
    assertThat(r.status()).isEqualTo(Status.INVALID);
    assertThat(r.message()).contains("samplingRate").contains("1.5");
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("samplingRate"); // the builder's own problem, not text
      assertThat(p.value()).isEqualTo(1.5);
      assertThat(p.requirement()).isEqualTo("in [0.0, 1.0]");
    });
    assertThat(ops.setSamplingRate("v2", -1).problems()).singleElement()
        .extracting(Problem::field).isEqualTo("samplingRate");
    assertThat(router.config().shadowVariants().get(0).samplingRate()).isEqualTo(0.25);
  }

  @Test
  void stopsTheOnlyRunningTestOrTheNamedOne() {
    assertRefused(ops.stopTest(null), Status.INVALID, "variant", null, "running tests");
    ShadowTest a = ops.startTest(spec("a")).test();
    assertThat(ops.stopTest(null).test()).isSameAs(a);
    assertThat(a.status()).isEqualTo(ShadowTest.Status.STOPPED);

    ops.startTest(spec("b"));
    ops.startTest(spec("c"));
    assertRefused(ops.stopTest(null), Status.INVALID, "variant", null, "b (RUNNING)");
    assertRefused(ops.stopTest("a"), Status.NOT_FOUND, "variant", "a", "c (RUNNING)");
    assertThat(ops.stopTest("c").applied()).isTrue();
  }

  @Test
  void aTakenNameIsAnInvalidCandidate() {
    assertRefused(ops.startTest(spec("s1")), Status.INVALID, "candidate", "s1",
        "already a variant");
    router.close();
    assertRefused(ops.startTest(spec("v2")), Status.CONFLICT, "endpoint", "ops", "closed");
  }

  /**
   * A test of a shadow variant the endpoint has, started by name with settings as values: the
   * test takes the variant over, and removes it when it ends, like every test's candidate.
   */
  @Test
  void startsATestOfAShadowVariantByNameWithSettings() {
    OperationResult r = ops.startTest("s1", java.util.Map.of("duration", Duration.ofHours(1),
        "samplingRate", "0.5", "noiseBaseline", true));
    assertThat(r.status()).as(r.message()).isEqualTo(Status.APPLIED);
    ShadowTest test = r.test();
    assertThat(test.status()).isEqualTo(ShadowTest.Status.RUNNING);
    assertThat(test.spec().samplingRate()).isEqualTo(0.5);
    assertThat(test.spec().duration()).isEqualTo(Duration.ofHours(1));
    assertThat(shadows()).containsExactly("s1", "s1~noise");
    assertThat(router.config().shadowVariants().get(0).samplingRate()).isEqualTo(0.5);
    assertRefused(ops.startTest("s1", java.util.Map.of()), Status.NOT_FOUND, "candidate", "s1",
        "a shadow variant of endpoint 'ops' that no test uses");

    assertThat(ops.stopTest("s1").applied()).isTrue();
    assertThat(shadows()).isEmpty();
    assertRefused(ops.startTest("v1", java.util.Map.of()), Status.NOT_FOUND, "candidate", "v1",
        "(shadow variants [])");
  }
}
