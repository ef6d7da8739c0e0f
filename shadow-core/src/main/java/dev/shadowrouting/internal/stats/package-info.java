/**
 * The statistics engine of shadow tests: anytime-valid confidence sequences on paired
 * candidate-vs-production observations, and the verdict built on them.
 *
 * <ul>
 *   <li>{@link dev.shadowrouting.internal.stats.PairedSample}: the sufficient statistics of one
 *       candidate (mutable, striped and merged by the caller);
 *   <li>{@link dev.shadowrouting.internal.stats.SequentialVerdict}: PASS / FAIL / INCONCLUSIVE from
 *       {@link dev.shadowrouting.internal.stats.Thresholds}, fast ({@code decide}) or with reasons
 *       ({@code evaluate});
 *   <li>{@link dev.shadowrouting.internal.stats.NormalMixture} (latency) and {@link
 *       dev.shadowrouting.internal.stats.BetaBinomial} (error rates, agreement): the confidence
 *       sequences; {@link dev.shadowrouting.internal.stats.Welford}: running mean and variance.
 * </ul>
 *
 * <p>Building blocks of the verdict-engine rework (one-sided, mergeable from counts and histograms,
 * tuned to a decision size; measured in {@code docs/bounded-mean-sequence.md} and
 * {@code docs/tail-latency.md}), landed ahead of their wiring into the verdict:
 *
 * <ul>
 *   <li>{@link dev.shadowrouting.internal.stats.BoundedMeanSequence}: time-uniform bounds on the
 *       mean of a variable on a small finite support (the paired error difference in {-1, 0, 1},
 *       the mismatch indicator), a mixture of constant bets (Waudby-Smith &amp; Ramdas);
 *   <li>{@link dev.shadowrouting.internal.stats.QuantileSequence} and {@link
 *       dev.shadowrouting.internal.stats.QuantileRatio}: the p99 tail check from mergeable
 *       {@link dev.shadowrouting.internal.stats.LatencyHistogram}s (Howard &amp; Ramdas 2022), on
 *       confseq's {@link dev.shadowrouting.internal.stats.BetaBinomialMixture} boundary.
 * </ul>
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
