package dev.shadowrouting.spring;

import dev.shadowrouting.OutputComparator;
import dev.shadowrouting.Predictor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Predictor and comparator beans the tests name in their properties. */
@Configuration(proxyBeanMethods = false)
class Models {

  record Txn(String user, double amount) {}

  record Score(double value, boolean block) {}

  @Bean
  Predictor<Txn, Score> fraudModelV1() {
    return t -> new Score(t.amount() / 1000, t.amount() > 500);
  }

  @Bean
  Predictor<Txn, Score> fraudModelV2() {
    return t -> new Score(t.amount() / 1000, t.amount() > 520);
  }

  @Bean
  Predictor<Txn, Score> fraudModelV3() {
    return t -> new Score(t.amount() / 1000, t.amount() > 500);
  }

  @Bean
  Predictor<String, Integer> wordLength() {
    return String::length;
  }

  @Bean
  String notAPredictor() {
    return "I am a string";
  }

  @Bean
  OutputComparator<Score> byBlock() {
    return OutputComparator.comparing(Score::block);
  }
}
