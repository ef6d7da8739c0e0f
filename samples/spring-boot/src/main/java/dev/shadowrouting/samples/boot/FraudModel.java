package dev.shadowrouting.samples.boot;

import dev.shadowrouting.Predictor;

/**
 * A toy fraud model: a logistic score of the amount, the merchant's risk and whether the card is
 * foreign, blocking above a threshold. {@code work} rounds of arithmetic stand for the model's cost,
 * so versions differ in latency as well as in decisions.
 */
final class FraudModel implements Predictor<Txn, Score> {

  private final String version;
  private final double threshold;
  private final int work;
  private final AlertLog alerts;

  FraudModel(String version, double threshold, int work, AlertLog alerts) {
    this.version = version;
    this.threshold = threshold;
    this.work = work;
    this.alerts = alerts;
  }

  @Override
  public Score predict(Txn txn) {
    double z = -4 + txn.amount() / 400 + 0.35 * txn.merchantRisk() + (txn.foreign() ? 1.2 : 0);
    double acc = 0;
    for (int i = 0; i < work * 100; i++) { // the model's cost
      acc += Math.sin(z + i) * 1e-12;
    }
    double score = 1 / (1 + Math.exp(-z)) + acc;
    boolean block = score > threshold;
    if (block) {
      alerts.raise(txn.userId(), score);
    }
    return new Score(score, block);
  }

  @Override
  public String toString() {
    return "FraudModel[" + version + "]";
  }
}
