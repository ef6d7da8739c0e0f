package dev.shadowrouting.internal;

import dev.shadowrouting.ShadowTestReport.LatencySummary;
import dev.shadowrouting.ShadowTestReport.VariantReport;
import dev.shadowrouting.ShadowTestReport;
import java.util.Locale;

/**
 * The text form of a {@link ShadowTestReport} (its JSON form is {@link Documents#report}).
 * Stateless and thread-safe.
 */
public final class ReportText {

  private ReportText() {}

  /** The side-by-side table. */
  public static String table(ShadowTestReport r) {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "shadow test of '%s' on endpoint '%s': %s, verdict %s%s%n",
        r.candidate(), r.endpoint(), r.status(), r.verdict(),
        r.decision() == dev.shadowrouting.ShadowTest.Decision.NONE ? ""
            : ", " + r.decision()));
    s.append(String.format(Locale.ROOT, "progress %3.0f%%: %s of %s, %,d calls%s, sampling %s%n",
        100 * r.progress(), seconds(r.elapsed().toMillis()), seconds(r.duration().toMillis()),
        r.calls(), r.maxRequests() > 0 ? String.format(Locale.ROOT, " of %,d", r.maxRequests())
            : "", percent(r.samplingRate())));
    if (r.endReason() != null) {
      s.append("ended: ").append(r.endReason()).append(System.lineSeparator());
    }
    if (!r.instances().isEmpty()) {
      s.append("fleet of ").append(r.instances().size()).append(" instances:");
      for (ShadowTestReport.FleetInstance i : r.instances()) {
        s.append(String.format(Locale.ROOT, " %s %,d pairs%s;", i.id(), i.pairs(),
            i.stale() ? " (stale since " + i.updatedAt() + ")" : ""));
      }
      s.setLength(s.length() - 1);
      s.append(System.lineSeparator());
    }
    s.append(String.format(Locale.ROOT,
        "%-12s %-10s %9s %7s %8s %8s %9s %9s %9s %9s %9s %9s %9s  %-24s %s%n",
        "variant", "side", "calls", "errors", "timeouts", "rejected", "p50(us)", "p90(us)",
        "p99(us)", "p99.9(us)", "max(us)", "wait50", "wait99", "agreement", "quality"));
    for (VariantReport v : r.variants()) {
      LatencySummary t = v.runTime();
      LatencySummary w = v.queueWait();
      s.append(String.format(Locale.ROOT,
          "%-12s %-10s %9d %7d %8d %8d %9s %9s %9s %9s %9s %9s %9s  %-24s %s%n",
          v.name(), v.side().name().toLowerCase(Locale.ROOT), v.invocations(), v.errors(),
          v.timeouts(), v.rejected(), micros(t, t.p50Nanos()), micros(t, t.p90Nanos()),
          micros(t, t.p99Nanos()), micros(t, t.p999Nanos()), micros(t, t.maxNanos()),
          micros(w, w.p50Nanos()), micros(w, w.p99Nanos()), agreement(v), quality(v)));
    }
    s.append("verdict ").append(r.verdict()).append(':').append(System.lineSeparator());
    for (String reason : r.reasons()) {
      s.append("  ").append(reason).append(System.lineSeparator());
    }
    return s.toString();
  }

  private static String agreement(VariantReport v) {
    if (v.agreement().isEmpty()) {
      return "-";
    }
    String bounds = Double.isNaN(v.agreementLower()) ? ""
        : String.format(Locale.ROOT, " [%s, %s]", percent(v.agreementLower()),
            percent(v.agreementUpper()));
    return percent(v.agreement().getAsDouble()) + bounds;
  }

  private static String quality(VariantReport v) {
    if (v.qualityMetric() == null) {
      return "-";
    }
    return v.quality().isPresent()
        ? String.format(Locale.ROOT, "%s %.4f (%,d labels)", v.qualityMetric(),
            v.quality().getAsDouble(), v.labels())
        : v.qualityMetric() + " - (no labels)";
  }

  public static String micros(LatencySummary s, long nanos) {
    return s.count() == 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1000.0);
  }

  public static String percent(double share) {
    return String.format(Locale.ROOT, "%.2f%%", 100 * share);
  }

  private static String seconds(long millis) {
    return millis < 120_000
        ? String.format(Locale.ROOT, "%.1f s", millis / 1000.0)
        : String.format(Locale.ROOT, "%.1f min", millis / 60_000.0);
  }
}
