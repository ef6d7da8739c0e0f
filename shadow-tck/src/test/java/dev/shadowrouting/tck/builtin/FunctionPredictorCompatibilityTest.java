package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.Predictor;
import dev.shadowrouting.tck.PredictorCompatibilityKit;
import java.util.List;
import java.util.Optional;

/** {@code Predictor.of(function)}: a plain function adapted to a predictor. */
class FunctionPredictorCompatibilityTest
    extends PredictorCompatibilityKit<FunctionPredictorCompatibilityTest.Txn, Double> {
  record Txn(String card, double amount) {}

  @Override
  protected Predictor<Txn, Double> createPredictor() {
    return Predictor.of(txn -> {
      if (txn.amount() < 0) {
        throw new IllegalArgumentException("negative amount");
      }
      return Math.min(1.0, txn.amount() / 1000);
    });
  }

  @Override
  protected List<Txn> sampleInputs() {
    return List.of(new Txn("4111", 12.5), new Txn("5500", 990), new Txn("3400", 5000));
  }

  @Override
  protected List<Txn> failingInputs() {
    return List.of(new Txn("4111", -1));
  }

  @Override
  protected Optional<Txn> inputContaining(String secret) {
    return Optional.of(new Txn(secret, 10));
  }
}
