package dev.shadowrouting.internal.ledger;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;
import org.HdrHistogram.Recorder;

/**
 * One variant's call latencies: recorded wait-free into an HdrHistogram {@link Recorder} and folded
 * at each snapshot into a cumulative histogram and a recent window (the last ~30 s of snapshots,
 * for a live chart: cumulative percentiles flatten out). Thread-safe: recording never locks;
 * snapshots take this object's monitor.
 */
public final class LatencyWindow {
  public static final int RECENT_BUCKETS = 6;
  public static final long BUCKET_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** 1 ns to 1 hour at 2 significant digits: about 40 KB per variant. */
  private static final long HIGHEST_TRACKABLE = TimeUnit.HOURS.toNanos(1);

  /** Percentiles of one snapshot, cumulative and recent, in nanoseconds (0 when empty). */
  public record Percentiles(long count, long p50, long p90, long p99, long max, long recentCount,
      long recentP50, long recentP99) {}

  private final Recorder latency = new Recorder(HIGHEST_TRACKABLE, 2);
  private final Histogram cumulative = new Histogram(HIGHEST_TRACKABLE, 2);
  private Histogram interval;
  /**
   * The recent window: what each snapshot folded in, in buckets of {@link #BUCKET_NANOS}, the
   * last {@link #RECENT_BUCKETS} of them summed for percentiles a live chart can plot (the
   * cumulative ones flatten out). One significant digit (~2 KB a bucket), allocated only once
   * someone takes snapshots. Guarded by this.
   */
  private AbstractHistogram[] recent;
  private long[] recentEpoch;
  private AbstractHistogram recentSum;

  public void record(long nanos) {
    latency.recordValue(Math.min(Math.max(nanos, 0), HIGHEST_TRACKABLE));
  }

  /** The percentiles now; {@code nowNanos} places the fresh latencies in the recent window. */
  public synchronized Percentiles snapshot(long nowNanos) {
    interval = latency.getIntervalHistogram(interval);
    cumulative.add(interval);
    AbstractHistogram window = recentWindow(interval, nowNanos);
    long recentCount = window.getTotalCount();
    long count = cumulative.getTotalCount();
    return new Percentiles(count,
        count == 0 ? 0 : cumulative.getValueAtPercentile(50),
        count == 0 ? 0 : cumulative.getValueAtPercentile(90),
        count == 0 ? 0 : cumulative.getValueAtPercentile(99),
        count == 0 ? 0 : cumulative.getMaxValue(),
        recentCount,
        recentCount == 0 ? 0 : window.getValueAtPercentile(50),
        recentCount == 0 ? 0 : window.getValueAtPercentile(99));
  }

  /** Adds {@code fresh} to the current bucket and sums the buckets of the window. Holds this. */
  private AbstractHistogram recentWindow(Histogram fresh, long nowNanos) {
    if (recent == null) {
      recent = new AbstractHistogram[RECENT_BUCKETS];
      recentEpoch = new long[RECENT_BUCKETS];
      recentSum = new IntCountsHistogram(HIGHEST_TRACKABLE, 1);
    }
    long epoch = Math.floorDiv(nowNanos, BUCKET_NANOS);
    int b = (int) Math.floorMod(epoch, (long) RECENT_BUCKETS);
    if (recent[b] == null) {
      recent[b] = new IntCountsHistogram(HIGHEST_TRACKABLE, 1);
      recentEpoch[b] = epoch;
    } else if (recentEpoch[b] != epoch) {
      recent[b].reset();
      recentEpoch[b] = epoch;
    }
    recent[b].add(fresh);
    recentSum.reset();
    for (int i = 0; i < RECENT_BUCKETS; i++) {
      if (recent[i] != null && epoch - recentEpoch[i] < RECENT_BUCKETS) {
        recentSum.add(recent[i]);
      }
    }
    return recentSum;
  }
}
