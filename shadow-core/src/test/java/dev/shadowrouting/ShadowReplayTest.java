package dev.shadowrouting;

import static dev.shadowrouting.ReplayFixture.candidateTest;
import static dev.shadowrouting.ReplayFixture.productionRecord;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.ShadowTestReport.CheckResult;
import dev.shadowrouting.ShadowTestReport.Side;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestSpec.Check;
import dev.shadowrouting.internal.replay.Ticker;
import dev.shadowrouting.sinks.jsonl.FlushPolicy;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.JsonLinesSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ShadowReplay} on captures written by the JSON Lines sink: a replay of a capture equals a
 * live test of the same traffic on agreement and errors; what cannot be replayed is counted with
 * its location; pacing, parallelism, timeouts, production re-run and progress.
 */
class ShadowReplayTest {
  private static final int REQUESTS = 1_200;

  @TempDir
  Path tmp;

  /** A live test through a router whose production captures payloads into {@code capture}. */
  private ShadowTest liveTest(Path capture, ShadowTestSpec.Builder<Integer, Integer> spec)
      throws Exception {
    try (JsonLinesSink sink = JsonLinesSink.builder(capture)
        .flushPolicy(FlushPolicy.everyRecord()).build()) {
      return ReplayFixture.liveTest(REQUESTS, spec, sink);
    }
  }

  private static ShadowReplay.Builder<Integer, Integer> replay(Path capture) throws IOException {
    return replay(capture, Variant.builder("v2", Predictor.of(ReplayFixture::candidate))
        .build()).parallelism(2);
  }

  /** A replay of {@code capture} against {@code candidate}, payloads decoded as integers. */
  private static ShadowReplay.Builder<Integer, Integer> replay(Path capture,
      Variant<Integer, Integer> candidate) throws IOException {
    return ShadowReplay.builder(JsonLinesSource.open(capture), candidate)
        .inputDecoder(PayloadDecoder.jackson(Integer.class))
        .outputDecoder(PayloadDecoder.jackson(Integer.class));
  }

  /** The check's numbers, which must be equal: n, estimate, bounds, verdict. */
  private static void assertSameCheck(Evaluation live, Evaluation replayed, String name) {
    CheckResult l = live.check(name).orElseThrow();
    CheckResult r = replayed.check(name).orElseThrow();
    assertThat(r.n()).as(name + " n").isEqualTo(l.n()).isPositive();
    assertThat(r.estimate()).as(name + " estimate").isEqualTo(l.estimate());
    assertThat(r.lower()).as(name + " lower").isEqualTo(l.lower());
    assertThat(r.upper()).as(name + " upper").isEqualTo(l.upper());
    assertThat(r.confidence()).as(name + " confidence").isEqualTo(l.confidence());
    assertThat(r.verdict()).as(name + " verdict").isEqualTo(l.verdict());
  }

  private static void assertSameCounts(ShadowTestReport live, ShadowTestReport replayed) {
    VariantReport l = live.variant("v2");
    VariantReport r = replayed.variant("v2");
    assertThat(l.rejected()).as("the live test dropped no copy").isZero();
    assertThat(r.invocations()).isEqualTo(l.invocations()).isEqualTo(REQUESTS);
    assertThat(r.errors()).isEqualTo(l.errors()).isEqualTo(REQUESTS / 31);
    assertThat(r.timeouts()).isEqualTo(l.timeouts()).isZero();
    assertThat(r.compared()).isEqualTo(l.compared());
    assertThat(r.mismatches()).isEqualTo(l.mismatches()).isPositive();
    assertThat(replayed.variants().get(0).errors()).as("production's failures")
        .isEqualTo(live.variants().get(0).errors()).isEqualTo(REQUESTS / 97);
    assertThat(replayed.calls()).isEqualTo(live.calls());
  }

  @Test
  void replayOfACaptureEqualsTheLiveTestOnAgreementAndErrors() throws Exception {
    Path capture = tmp.resolve("capture");
    // the replay leaves latency out (production is not re-run): so does this live test, for the
    // same split of alpha, so the intervals must be equal to the last bit
    ShadowTest live = liveTest(capture, candidateTest().withoutCheck(Check.LATENCY)
        .withoutCheck(Check.TAIL_LATENCY));

    ReplayReport replayed = replay(capture).build().run();

    assertThat(replayed.replayed()).isEqualTo(REQUESTS);
    assertThat(replayed.skipped()).containsEntry("shadow records (the candidate stands in for"
        + " them)", (long) REQUESTS);
    assertThat(replayed.unreplayableTotal()).isZero();
    assertThat(replayed.malformed()).isZero();
    Evaluation liveEvaluation = live.statistics().evaluate();
    Evaluation replayEvaluation = replayed.statistics().evaluate();
    assertSameCheck(liveEvaluation, replayEvaluation, "errors");
    assertSameCheck(liveEvaluation, replayEvaluation, "agreement");
    assertThat(replayEvaluation.verdict()).isEqualTo(liveEvaluation.verdict());
    assertSameCounts(live.report(), replayed.report());
    // the report's own checks are the same evaluation
    assertThat(replayed.report().checks()).extracting(CheckResult::name)
        .containsExactly("errors", "agreement");
    assertThat(replayed.report().checks()).isEqualTo(replayEvaluation.checks());
    assertThat(replayed.report().verdict()).isEqualTo(replayEvaluation.verdict());
    // and the report says why latency is not judged
    assertThat(replayed.report().endReason()).contains("latency and tail_latency not checked:"
        + " production was not re-run");
    assertThat(replayed.notes()).hasSize(1);
    assertThat(replayed.toString()).contains("note: latency and tail_latency not checked");
  }

  @Test
  void replayWithProductionReRunEqualsTheLiveTestAndChecksLatency() throws Exception {
    Path capture = tmp.resolve("capture");
    ShadowTest live = liveTest(capture, candidateTest()); // latency, tail, errors, agreement

    ReplayReport replayed = replay(capture)
        .production(Variant.builder("v1", Predictor.of(ReplayFixture::production)).build())
        .build().run();

    Evaluation liveEvaluation = live.statistics().evaluate();
    Evaluation replayEvaluation = replayed.statistics().evaluate();
    assertSameCheck(liveEvaluation, replayEvaluation, "errors");
    assertSameCheck(liveEvaluation, replayEvaluation, "agreement");
    assertSameCounts(live.report(), replayed.report());
    assertThat(replayed.report().checks()).extracting(CheckResult::name)
        .containsExactly("latency", "tail_latency", "errors", "agreement");
    assertThat(replayed.report().check("latency").orElseThrow().n()).isPositive();
    assertThat(replayed.notes()).isEmpty();
    // the re-run reproduced every recorded output
    assertThat(replayed.productionCompared()).isEqualTo(REQUESTS - REQUESTS / 97);
    assertThat(replayed.productionDiffered()).isZero();
    assertThat(replayed.report().productionVariants()).containsExactly("v1");
  }

  // ---- what cannot be replayed ----------------------------------------------------------------

  /** Writes {@code records} through the JSON Lines sink into {@code dir}. */
  private static void capture(Path dir, List<ShadowRecord> records) {
    try (JsonLinesSink sink = JsonLinesSink.builder(dir).flushPolicy(FlushPolicy.everyRecord())
        .build()) {
      records.forEach(sink::accept);
    }
  }

  /** A capture of production records 1 to {@code n}, in {@code tmp/capture}. */
  private Path captured(int n) {
    Path dir = tmp.resolve("capture");
    List<ShadowRecord> records = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      records.add(productionRecord(i).build());
    }
    capture(dir, records);
    return dir;
  }

  private static Path onlyFile(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
    }
  }

  @Test
  void countsMalformedLinesWithTheirLocationAndUnreplayableRecordsWithTheirReason()
      throws Exception {
    Path dir = tmp.resolve("capture");
    List<ShadowRecord> records = new ArrayList<>();
    records.add(productionRecord(1).build());
    records.add(productionRecord(2).input(null).output(null).build()); // no payloads captured
    records.add(productionRecord(3).build().toBuilder().role(Role.SHADOW).variant("v9").build());
    records.add(productionRecord(4).endpoint("other").build());
    records.add(productionRecord(5).output(null).build()); // outputs redacted away
    records.add(productionRecord(6).input(java.util.Map.of("not", "an integer")).build());
    records.add(productionRecord(7).build());
    capture(dir, records);
    Path file = onlyFile(dir);
    Files.writeString(file, "this is not json\n\n{\"schema\":2,\"ts\":\"2026-12-01T10:0",
        StandardCharsets.UTF_8, StandardOpenOption.APPEND); // a torn last line, a blank one

    ReplayReport r = replay(dir).build().run();

    assertThat(r.entries()).isEqualTo(9);
    assertThat(r.replayed()).isEqualTo(2);
    assertThat(r.malformed()).isEqualTo(2);
    assertThat(r.skipped()).containsOnly(
        java.util.Map.entry("shadow records (the candidate stands in for them)", 1L),
        java.util.Map.entry("records of endpoint 'other'", 1L));
    assertThat(r.unreplayable()).containsOnly(
        java.util.Map.entry("no input payload (capture with capturePayloads(true) on the"
            + " production variant)", 1L),
        java.util.Map.entry("no output payload to compare with (capture outputs, or re-run"
            + " production)", 1L),
        java.util.Map.entry("input could not be decoded (com.fasterxml.jackson.databind"
            + ".exc.MismatchedInputException)", 1L));
    assertThat(r.problems()).contains(file + ":2: " + "no input payload (capture with"
        + " capturePayloads(true) on the production variant)",
        file + ":8: not valid JSON at column 1",
        file + ":10: the line ends inside a JSON value (a torn last line?)");
    assertThat(String.join("\n", r.problems())).doesNotContain("not an integer", "this is");
    assertThat(r.report().calls()).isEqualTo(2);
    assertThat(r.toString()).contains("9 entries", "2 replayed", "2 skipped", "3 unreplayable",
        "2 malformed", "at " + file + ":8");
  }

  @Test
  void theStatisticsOfShardsMergeIntoThoseOfTheWhole() throws Exception {
    Path whole = tmp.resolve("whole");
    Path first = tmp.resolve("first");
    Path second = tmp.resolve("second");
    List<ShadowRecord> records = new ArrayList<>();
    for (int i = 1; i <= 400; i++) {
      records.add(productionRecord(i).build());
    }
    capture(whole, records);
    capture(first, records.subList(0, 150));
    capture(second, records.subList(150, 400));

    ReplayReport all = replay(whole).build().run();
    PairedStatistics merged = replay(first).build().run().statistics()
        .merge(replay(second).build().run().statistics());

    assertThat(merged.pairs()).isEqualTo(400);
    assertSameCheck(all.statistics().evaluate(), merged.evaluate(), "errors");
    assertSameCheck(all.statistics().evaluate(), merged.evaluate(), "agreement");
    // the report's statistics are a copy: changing one changes nothing in the report
    all.statistics().add(PairedObservation.builder().production(Outcome.SUCCESS, 1)
        .candidate(Outcome.ERROR, 1).build());
    assertThat(all.statistics().pairs()).isEqualTo(400);
  }

  @Test
  void replaysOnlyTheGivenEndpoint() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(1).endpoint("a").build(),
        productionRecord(2).endpoint("b").build(), productionRecord(3).endpoint("b").build()));

    ReplayReport r = replay(dir).endpoint("b").build().run();

    assertThat(r.replayed()).isEqualTo(2);
    assertThat(r.skipped()).containsOnly(java.util.Map.entry("records of endpoint 'a'", 1L));
    assertThat(r.report().endpoint()).isEqualTo("b");
  }

  // ---- pacing, parallelism, timeouts -----------------------------------------------------------

  /** Time moved by hand: sleeping advances it, and nothing else does. */
  private static final class FakeTicker implements Ticker {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final List<Long> sleeps = Collections.synchronizedList(new ArrayList<>());

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public void sleepNanos(long nanos) {
      sleeps.add(nanos);
      now.addAndGet(nanos);
    }
  }

  /** Records at T0 + {0, 1, 3, 6} s: replayed at speed 2, they are due at {0, 0.5, 1.5, 3} s. */
  @Test
  void pacesRecordsAsRecordedAtASpeedFactor() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(0).build(), productionRecord(1).build(),
        productionRecord(3).build(), productionRecord(6).build()));
    FakeTicker ticker = new FakeTicker();
    long start = ticker.nanoTime();
    List<Long> calledAt = Collections.synchronizedList(new ArrayList<>());
    Variant<Integer, Integer> recording = Variant.<Integer, Integer>builder("v2", x -> {
      calledAt.add(ticker.nanoTime() - start);
      return 2 * x;
    }).build();

    ReplayReport r = replay(dir, recording)
        .parallelism(1)
        .pacing(ShadowReplay.Pacing.speed(2))
        .progressInterval(Duration.ofDays(1))
        .ticker(ticker)
        .build().run();

    assertThat(r.replayed()).isEqualTo(4);
    assertThat(calledAt).containsExactly(0L, 500_000_000L, 1_500_000_000L, 3_000_000_000L);
    assertThat(ticker.sleeps.stream().mapToLong(Long::longValue).sum())
        .isEqualTo(3_000_000_000L);
  }

  @Test
  void asFastAsPossibleNeverSleeps() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(0).build(), productionRecord(60).build()));
    FakeTicker ticker = new FakeTicker();

    ReplayReport r = replay(dir).ticker(ticker).build().run();

    assertThat(r.replayed()).isEqualTo(2);
    assertThat(ticker.sleeps).isEmpty();
  }

  @Test
  void neverRunsMoreThanParallelismRecordsAtOnce() throws Exception {
    Path dir = captured(60);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    CountDownLatch threeArrived = new CountDownLatch(3);
    Variant<Integer, Integer> counting = Variant.<Integer, Integer>builder("v2", x -> {
      max.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      threeArrived.countDown();
      threeArrived.await(10, TimeUnit.SECONDS); // the first three meet: all three slots in use
      inFlight.decrementAndGet();
      return 2 * x;
    }).timeout(Duration.ofSeconds(30)).build();

    ReplayReport r = replay(dir, counting)
        .parallelism(3)
        .build().run();

    assertThat(r.replayed()).isEqualTo(60);
    assertThat(max.get()).isEqualTo(3);
    assertThat(r.report().variant("v2").mismatches()).isZero();
  }

  @Test
  void aCallPastItsTimeoutIsATimeoutAndItsThreadIsInterrupted() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(1).build(), productionRecord(2).build(),
        productionRecord(3).build()));
    AtomicInteger interrupted = new AtomicInteger();
    Variant<Integer, Integer> hanging = Variant.<Integer, Integer>builder("v2", x -> {
      if (x == 2) {
        try {
          new CountDownLatch(1).await(); // until interrupted
        } catch (InterruptedException e) {
          interrupted.incrementAndGet();
          throw e;
        }
      }
      return 2 * x;
    }).timeout(Duration.ofMillis(50)).build();

    ReplayReport r = replay(dir, hanging)
        .parallelism(1)
        .build().run();

    assertThat(r.replayed()).isEqualTo(3);
    assertThat(interrupted.get()).isEqualTo(1);
    VariantReport v2 = r.report().variant("v2");
    assertThat(v2.timeouts()).isEqualTo(1);
    assertThat(v2.compared()).isEqualTo(2);
    assertThat(v2.runTime().maxNanos()).isGreaterThanOrEqualTo(
        Duration.ofMillis(49).toNanos()); // the timeout, as waited for
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void anAsyncCandidateIsTimedToItsCompletionAndCancelledAtItsTimeout() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(1).build(), productionRecord(2).build()));
    List<CompletableFuture<Integer>> never = Collections.synchronizedList(new ArrayList<>());
    AsyncPredictor<Integer, Integer> async = x -> {
      if (x == 2) {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        never.add(f);
        return f;
      }
      return CompletableFuture.completedFuture(2 * x);
    };

    ReplayReport r = replay(dir,
            Variant.async("v2", async).timeout(Duration.ofMillis(50)).build())
        .build().run();

    VariantReport v2 = r.report().variant("v2");
    assertThat(v2.invocations()).isEqualTo(2);
    assertThat(v2.timeouts()).isEqualTo(1);
    assertThat(v2.compared()).isEqualTo(1);
    assertThat(v2.mismatches()).isZero();
    assertThat(never).singleElement().satisfies(f -> assertThat(f).isCancelled());
  }

  // ---- production re-run -----------------------------------------------------------------------

  @Test
  void productionAndCandidateRunBackToBackInAlternatingOrder() throws Exception {
    Path dir = captured(6);
    List<String> calls = Collections.synchronizedList(new ArrayList<>());
    // production's model changed since the capture: 3 answers differently
    Variant<Integer, Integer> prod = Variant.<Integer, Integer>builder("v1", x -> {
      calls.add("p" + x);
      return x == 3 ? 0 : 2 * x;
    }).build();
    Variant<Integer, Integer> cand = Variant.<Integer, Integer>builder("v2", x -> {
      calls.add("c" + x);
      return 2 * x;
    }).build();

    ReplayReport r = replay(dir, cand)
        .production(prod)
        .parallelism(1)
        .build().run();

    assertThat(calls).containsExactly("p1", "c1", "c2", "p2", "p3", "c3", "c4", "p4", "p5",
        "c5", "c6", "p6");
    assertThat(r.productionCompared()).isEqualTo(6);
    assertThat(r.productionDiffered()).isEqualTo(1);
    assertThat(r.report().variant("v2").mismatches()).isEqualTo(1); // against the re-run
    assertThat(r.toString()).contains("production re-run: 1 of 6 outputs differ");
  }

  // ---- progress --------------------------------------------------------------------------------

  @Test
  void reportsProgressWithRateAndEtaThenOnceDone() throws Exception {
    Path dir = captured(50);
    FakeTicker ticker = new FakeTicker();
    // each call takes one second of the ticker's time; parallelism 1: one at a time
    Variant<Integer, Integer> oneSecond = Variant.<Integer, Integer>builder("v2", x -> {
      ticker.now.addAndGet(1_000_000_000L);
      return 2 * x;
    }).build();
    List<ShadowReplay.Progress> seen = Collections.synchronizedList(new ArrayList<>());

    ReplayReport r = replay(dir, oneSecond)
        .parallelism(1)
        .progressInterval(Duration.ofSeconds(10))
        .progressListener(seen::add)
        .ticker(ticker)
        .build().run();

    assertThat(r.replayed()).isEqualTo(50);
    assertThat(seen).hasSizeGreaterThanOrEqualTo(4);
    ShadowReplay.Progress last = seen.get(seen.size() - 1);
    assertThat(last.done()).isTrue();
    assertThat(last.records()).isEqualTo(50);
    assertThat(last.pairs()).isEqualTo(50);
    assertThat(last.elapsed()).isEqualTo(Duration.ofSeconds(50));
    assertThat(last.recordsPerSecond()).isEqualTo(1.0);
    assertThat(last.eta()).contains(Duration.ZERO);
    List<ShadowReplay.Progress> interim = seen.subList(0, seen.size() - 1);
    assertThat(interim).allSatisfy(p -> {
      assertThat(p.done()).isFalse();
      assertThat(p.fraction()).isBetween(0.0, 1.0);
      assertThat(p.eta()).isPresent();
    });
    assertThat(interim).extracting(ShadowReplay.Progress::records).isSorted();
    assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void stopsAfterMaxRecords() throws Exception {
    Path dir = captured(20);

    ReplayReport r = replay(dir).maxRecords(5).build().run();

    assertThat(r.replayed()).isEqualTo(5);
    assertThat(r.report().maxRequests()).isEqualTo(5);
  }

  /** A source of records held in memory, as another store's source would yield them. */
  private static final class ListSource implements ReplaySource {
    private final java.util.Iterator<ShadowRecord> records;
    private int read;
    volatile boolean closed;

    ListSource(List<ShadowRecord> records) {
      this.records = records.iterator();
    }

    @Override
    public Entry next() {
      return records.hasNext() ? Entry.of("memory#" + ++read, records.next()) : null;
    }

    @Override
    public String description() {
      return "records in memory";
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void anInterruptedReplayStopsItsThreadsClosesItsSourceAndThrows() throws Exception {
    List<ShadowRecord> records = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      records.add(productionRecord(i).build());
    }
    ListSource source = new ListSource(records);
    CountDownLatch entered = new CountDownLatch(1);
    Variant<Integer, Integer> stuck = Variant.<Integer, Integer>builder("stuck", x -> {
      entered.countDown();
      new CountDownLatch(1).await(); // until the replay stops
      return 2 * x;
    }).timeout(Duration.ofMinutes(5)).build();
    ShadowReplay<Integer, Integer> replay = ShadowReplay.builder(source, stuck)
        .inputDecoder(PayloadDecoder.jackson(Integer.class))
        .outputDecoder(PayloadDecoder.jackson(Integer.class))
        .parallelism(1)
        .build();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    Thread runner = new Thread(() -> {
      try {
        replay.run();
        ended.complete(null);
      } catch (Throwable t) {
        ended.complete(t);
      }
    });
    runner.start();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    runner.interrupt();

    assertThat(ended.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(source.closed).isTrue();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        Thread.getAllStackTraces().keySet().stream()
            .noneMatch(t -> t.getName().startsWith("shadow-replay-")));
  }

  @Test
  void replaysAnySourceOfRecords() throws Exception {
    ListSource source = new ListSource(List.of(productionRecord(1).build(),
        productionRecord(2).build()));

    ReplayReport r = ShadowReplay.builder(source,
            Variant.builder("v2", Predictor.of(ReplayFixture::candidate)).build())
        .inputDecoder(PayloadDecoder.asRead())
        .outputDecoder(PayloadDecoder.asRead())
        .build().run();

    assertThat(r.replayed()).isEqualTo(2);
    assertThat(r.source()).isEqualTo("records in memory");
    assertThat(source.closed).isTrue();
  }

  // ---- configuration ---------------------------------------------------------------------------

  @Test
  void reportsEveryInvalidSettingAtOnce() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(1).build()));
    ShadowReplay.Builder<Integer, Integer> b = ShadowReplay.builder(JsonLinesSource.open(dir),
            Variant.builder("v2", Predictor.of(ReplayFixture::candidate)).build())
        .parallelism(0)
        .maxRecords(-1)
        .progressInterval(Duration.ofMillis(1))
        .endpoint(" ")
        .rule(VerdictRule.builder().withoutCheck(Check.ERRORS).withoutCheck(Check.AGREEMENT)
            .build());

    assertThatThrownBy(b::build).isInstanceOf(InvalidConfigurationException.class)
        .hasMessageStartingWith("shadow replay is invalid: 7 errors: ")
        .satisfies(e -> assertThat(((InvalidConfigurationException) e).problems())
            .extracting(Problem::field)
            .containsExactly("inputDecoder", "outputDecoder", "endpoint", "parallelism",
                "maxRecords", "progressInterval", "rule.checks"))
        .hasMessageContaining("parallelism must be in [1, 1024] but was 0")
        .hasMessageContaining("the latency checks need production re-run");
  }

  @Test
  void aSpeedOutOfRangeIsRefusedWithItsRange() {
    assertThatThrownBy(() -> ShadowReplay.Pacing.speed(0))
        .isInstanceOf(InvalidConfigurationException.class)
        .hasMessage("pacing is invalid: speed must be in (0, 1000000.0] but was 0.0");
    assertThatThrownBy(() -> ShadowReplay.Pacing.speed(Double.NaN))
        .isInstanceOf(InvalidConfigurationException.class);
  }

  @Test
  void runsOnce() throws Exception {
    Path dir = tmp.resolve("capture");
    capture(dir, List.of(productionRecord(1).build()));
    ShadowReplay<Integer, Integer> replay = replay(dir).build();
    replay.run();

    assertThatThrownBy(replay::run).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("runs once");
  }
}
