package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.Comparison;
import dev.shadowrouting.Outcome;
import dev.shadowrouting.Role;
import dev.shadowrouting.ShadowRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * A side-by-side summary of records, one row per variant (production first): calls by outcome,
 * latency p50/p99 of the calls that ran (nearest rank) and, for shadows, agreement with production
 * = matches / (matches + mismatches). Immutable and thread-safe.
 */
public final class OfflineComparison {
  private final List<VariantSummary> variants;

  private OfflineComparison(List<VariantSummary> variants) {
    this.variants = List.copyOf(variants);
  }

  static OfflineComparison of(Collection<ShadowRecord> records) {
    Map<String, List<ShadowRecord>> byVariant = new TreeMap<>();
    for (ShadowRecord r : records) {
      byVariant.computeIfAbsent(r.variant(), v -> new ArrayList<>()).add(r);
    }
    List<VariantSummary> rows = new ArrayList<>();
    byVariant.forEach((name, rs) -> rows.add(VariantSummary.of(name, rs)));
    rows.sort(Comparator.comparing(VariantSummary::role)); // PRODUCTION before SHADOW, then name
    return new OfflineComparison(rows);
  }

  public List<VariantSummary> variants() {
    return variants;
  }

  /** @throws NoSuchElementException if no record names that variant */
  public VariantSummary variant(String name) {
    return variants.stream().filter(v -> v.variant().equals(name)).findFirst()
        .orElseThrow(() -> new NoSuchElementException("no records of variant '" + name + "'"));
  }

  /** A fixed-width text table, one line per variant. */
  public String toTable() {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "%-20s %-10s %8s %8s %6s %7s %8s %10s %10s %9s%n", "variant", "role", "records",
        "success", "error", "timeout", "rejected", "p50 ms", "p99 ms", "agreement"));
    for (VariantSummary v : variants) {
      sb.append(String.format(Locale.ROOT, "%-20s %-10s %8d %8d %6d %7d %8d %10.3f %10.3f %9s%n",
          v.variant(), v.role().name().toLowerCase(Locale.ROOT), v.records(),
          v.count(Outcome.SUCCESS), v.count(Outcome.ERROR), v.count(Outcome.TIMEOUT),
          v.count(Outcome.REJECTED), v.p50Nanos() / 1e6, v.p99Nanos() / 1e6,
          Double.isNaN(v.agreement()) ? "-"
              : String.format(Locale.ROOT, "%.1f%%", 100 * v.agreement())));
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return toTable();
  }

  /** The summary of one variant's records. Immutable and thread-safe. */
  public static final class VariantSummary {
    private final String variant;
    private final Role role;
    private final long records;
    private final Map<Outcome, Long> outcomes;
    private final long matches;
    private final long mismatches;
    private final long p50Nanos;
    private final long p99Nanos;

    private VariantSummary(String variant, Role role, long records, Map<Outcome, Long> outcomes,
        long matches, long mismatches, long p50Nanos, long p99Nanos) {
      this.variant = variant;
      this.role = role;
      this.records = records;
      this.outcomes = outcomes;
      this.matches = matches;
      this.mismatches = mismatches;
      this.p50Nanos = p50Nanos;
      this.p99Nanos = p99Nanos;
    }

    static VariantSummary of(String variant, List<ShadowRecord> records) {
      Map<Outcome, Long> outcomes = new EnumMap<>(Outcome.class);
      long matches = 0;
      long mismatches = 0;
      long[] latencies = new long[records.size()];
      int ran = 0;
      long copies = 0;
      for (ShadowRecord r : records) {
        outcomes.merge(r.outcome(), r.count(), Long::sum); // aggregated rejections count many
        copies += r.count();
        matches += r.comparison().result() == Comparison.Result.MATCH ? 1 : 0;
        mismatches += r.comparison().result() == Comparison.Result.MISMATCH ? 1 : 0;
        if (r.latencyNanos() >= 0) {
          latencies[ran++] = r.latencyNanos();
        }
      }
      long[] sorted = Arrays.copyOf(latencies, ran);
      Arrays.sort(sorted);
      Role role = records.get(0).role();
      return new VariantSummary(variant, role, copies, outcomes, matches, mismatches,
          percentile(sorted, 0.50), percentile(sorted, 0.99));
    }

    /** Nearest rank; -1 when nothing ran. */
    private static long percentile(long[] sorted, double q) {
      if (sorted.length == 0) {
        return -1;
      }
      int rank = (int) Math.ceil(q * sorted.length);
      return sorted[Math.max(0, rank - 1)];
    }

    public String variant() {
      return variant;
    }

    public Role role() {
      return role;
    }

    public long records() {
      return records;
    }

    public long count(Outcome outcome) {
      return outcomes.getOrDefault(outcome, 0L);
    }

    public long matches() {
      return matches;
    }

    public long mismatches() {
      return mismatches;
    }

    /** matches / (matches + mismatches), or NaN when nothing was compared. */
    public double agreement() {
      long compared = matches + mismatches;
      return compared == 0 ? Double.NaN : (double) matches / compared;
    }

    /** Median latency of the calls that ran, or -1. */
    public long p50Nanos() {
      return p50Nanos;
    }

    /** 99th-percentile latency of the calls that ran, or -1. */
    public long p99Nanos() {
      return p99Nanos;
    }

    @Override
    public String toString() {
      return variant + "[" + role + ", records=" + records + ", " + outcomes + ", p50="
          + p50Nanos + "ns, p99=" + p99Nanos + "ns, agreement=" + agreement() + ']';
    }
  }
}
