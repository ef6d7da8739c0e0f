package dev.shadowrouting;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a {@link ShadowReplay} found: the {@link ShadowTestReport} a live test of the same traffic
 * would give (its {@code endReason} says which checks a replay left out, and why), the paired
 * statistics behind its verdict (to merge with other shards' replays or store), and an account of
 * every entry read from the source. {@link #toString()} is the report's table followed by that
 * account. Built by the replay; a record, so its constructor is public. Immutable (the
 * collections are copied) and thread-safe.
 *
 * @param report the report, as a live shadow test's: verdict, checks and reasons, per-side
 *     statistics (production's run times are the recorded ones unless production was re-run)
 * @param statistics the paired statistics the verdict read, under {@link ShadowReplay#rule()};
 *     the accessor returns a copy (paired statistics are mutable), to merge or store
 * @param source the source's description
 * @param entries entries read from the source, malformed ones included
 * @param replayed records replayed: the report's pairs
 * @param skipped records not meant for replay, by reason (shadow records, other endpoints)
 * @param unreplayable production records that could not be replayed, by reason (no payload, not
 *     decodable)
 * @param malformed entries that were not a valid record
 * @param problems the locations and reasons of the first malformed entries and unreplayable
 *     records ({@code file:line: reason}), at most {@value #MAX_PROBLEMS}
 * @param productionCompared re-run production outputs compared with the recorded ones (0 unless
 *     production was re-run)
 * @param productionDiffered of those, how many differed: a production model that is not the one
 *     captured, or is not deterministic
 * @param notes what the verdict leaves out and why, and other facts worth reading
 * @param elapsed how long the replay took
 */
public record ReplayReport(ShadowTestReport report, PairedStatistics statistics, String source,
    long entries, long replayed, Map<String, Long> skipped, Map<String, Long> unreplayable,
    long malformed, List<String> problems, long productionCompared, long productionDiffered,
    List<String> notes, Duration elapsed) {

  /** Upper bound of {@link #problems()}: the first ones show the pattern. */
  public static final int MAX_PROBLEMS = 20;

  public ReplayReport {
    Objects.requireNonNull(report, "report");
    statistics = PairedStatistics.fromBytes(statistics.toBytes()); // nobody else's to change
    Objects.requireNonNull(source, "source");
    skipped = Map.copyOf(skipped);
    unreplayable = Map.copyOf(unreplayable);
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** A copy of the paired statistics behind the verdict, on every call. */
  @Override
  public PairedStatistics statistics() {
    return PairedStatistics.fromBytes(statistics.toBytes());
  }

  /** The report's verdict. */
  public Verdict verdict() {
    return report.verdict();
  }

  /** Records skipped, all reasons together. */
  public long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records that could not be replayed, all reasons together. */
  public long unreplayableTotal() {
    return unreplayable.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Entries dealt with per second of {@link #elapsed()}. */
  public double recordsPerSecond() {
    return entries / Math.max(1e-9, elapsed.toNanos() / 1e9);
  }

  /** The report's table, then the replay's account of its source, problems and notes. */
  @Override
  public String toString() {
    String nl = System.lineSeparator();
    StringBuilder s = new StringBuilder(report.toString());
    s.append(String.format(Locale.ROOT, "replay of %s: %,d entries in %.1f s (%,.0f/s): "
            + "%,d replayed, %,d skipped, %,d unreplayable, %,d malformed%n", source, entries,
        elapsed.toNanos() / 1e9, recordsPerSecond(), replayed, skippedTotal(),
        unreplayableTotal(), malformed));
    skipped.forEach((reason, n) ->
        s.append(String.format(Locale.ROOT, "  skipped %,d: %s%n", n, reason)));
    unreplayable.forEach((reason, n) ->
        s.append(String.format(Locale.ROOT, "  unreplayable %,d: %s%n", n, reason)));
    if (productionCompared > 0) {
      s.append(String.format(Locale.ROOT, "  production re-run: %,d of %,d outputs differ from"
          + " the recorded ones%n", productionDiffered, productionCompared));
    }
    for (String p : problems) {
      s.append("  at ").append(p).append(nl);
    }
    for (String n : notes) {
      s.append("  note: ").append(n).append(nl);
    }
    return s.toString();
  }
}
