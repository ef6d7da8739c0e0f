/**
 * The statistics engine of shadow tests: anytime-valid confidence sequences on paired
 * candidate-vs-production observations, and the verdict built on them (the public face is {@link
 * dev.shadowrouting.PairedStatistics}).
 *
 * <ul>
 *   <li>{@link dev.shadowrouting.internal.stats.PairStats}: the mergeable sufficient statistics
 *       (counts, time-keyed latency batches, censored latency histograms), with their serial form
 *       ({@link dev.shadowrouting.internal.stats.StatisticsCodec} adds the rule);
 *   <li>{@link dev.shadowrouting.internal.stats.VerdictEngine}: the five checks and the overall
 *       verdict of a {@link dev.shadowrouting.VerdictRule}, with a live test's {@link
 *       dev.shadowrouting.internal.stats.RunningIntersection};
 *   <li>the sequences: {@link dev.shadowrouting.internal.stats.OneSidedNormalMixture} (latency
 *       mean, quality), {@link dev.shadowrouting.internal.stats.BoundedMeanSequence} (errors,
 *       agreement, 0/1 quality; betting, Waudby-Smith &amp; Ramdas), {@link
 *       dev.shadowrouting.internal.stats.QuantileSequence} and {@link
 *       dev.shadowrouting.internal.stats.QuantileRatio} on {@link
 *       dev.shadowrouting.internal.stats.LatencyHistogram}s (tail; Howard &amp; Ramdas 2022, on
 *       confseq's {@link dev.shadowrouting.internal.stats.BetaBinomialMixture}).
 * </ul>
 *
 * <p>{@code docs/verdict.md} has the method and the measured error rates.
 *
 * <p>References: S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon (2021), "Time-uniform,
 * nonparametric, nonasymptotic confidence sequences", Ann. Statist. 49(2); I. Waudby-Smith, D.
 * Arbour, R. Sinha, E. H. Kennedy, A. Ramdas (2021), "Time-uniform central limit theory and
 * asymptotic confidence sequences", arXiv 2103.06476; R. Johari, P. Koomen, L. Pekelis, D. Walsh
 * (2017/2022), "Always valid inference: continuous monitoring of A/B tests", Oper. Res.; H. Robbins
 * (1970), "Statistical methods related to the law of the iterated logarithm", Ann. Math. Statist.
 * 41(5). Reference implementations: confseq ({@code gostevehoward/confseq}) and GrowthBook's
 * gbstats.
 */
package dev.shadowrouting.internal.stats;
