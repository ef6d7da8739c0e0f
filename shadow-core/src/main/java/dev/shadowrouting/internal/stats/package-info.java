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
