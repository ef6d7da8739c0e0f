package dev.shadowrouting.onnx;

import static dev.shadowrouting.onnx.OnnxModels.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Native memory stays flat over many calls: every input tensor and every result is closed, on the
 * normal path and when the output mapper throws. Outputs are allocated by ONNX Runtime outside the
 * Java heap, so an unclosed result would grow the process's resident set by about 12 KB per call
 * here (two [512, 3] float outputs): 20,000 calls would add ~240 MB, far above the bound. The
 * maps ONNX Runtime hands out one by one for a sequence-of-maps output are native values too,
 * closed separately from the result.
 */
class OnnxNativeMemoryTest {
  private static final int BATCH = 512;
  private static final int WARM_UP = 2_000;
  private static final int CALLS = 20_000;
  private static final long MAX_GROWTH_KB = 48 * 1024;

  private static final int ZIPMAP_BATCH = 64;
  private static final int ZIPMAP_CALLS = 8_000;

  private static final Map<String, Tensor> INPUT = Map.of("x", batch(BATCH));

  @Test
  void residentSetStaysFlatOverManyPredictions() throws Exception {
    try (var p = OnnxPredictor.builder(model(OnnxModels.CLASSIFIER)).intraOpThreads(1).build()) {
      long growth = rssGrowthKb(() -> assertThat(p.predict(INPUT)).hasSize(2), CALLS);
      assertThat(growth).as("VmRSS growth in KB over %d calls", CALLS).isLessThan(MAX_GROWTH_KB);
    }
  }

  /**
   * 64 rows make 64 native maps per call, each closed after its copy: 512,000 maps in all, which
   * left open would add about 170 MB.
   */
  @Test
  void residentSetStaysFlatOverManySequenceOfMapsOutputs() throws Exception {
    Map<String, Tensor> rows = Map.of("float_input", batch(ZIPMAP_BATCH));
    try (var p = OnnxPredictor.builder(model(OnnxModels.ZIPMAP_V1)).intraOpThreads(1)
        .build(InputMapper.identity(), ValueOutputMapper.identity())) {
      long growth = rssGrowthKb(() -> assertThat(
          p.predict(rows).get("output_probability").asSequence().size()).isEqualTo(ZIPMAP_BATCH),
          ZIPMAP_CALLS);
      assertThat(growth).as("VmRSS growth in KB over %d calls", ZIPMAP_CALLS)
          .isLessThan(MAX_GROWTH_KB);
    }
  }

  @Test
  void residentSetStaysFlatWhenTheOutputMapperThrows() throws Exception {
    OutputMapper<Object> failing = outputs -> {
      throw new IllegalStateException("mapper failure " + outputs.size());
    };
    try (var p = OnnxPredictor.builder(model(OnnxModels.CLASSIFIER)).intraOpThreads(1)
        .build(InputMapper.identity(), failing)) {
      long growth = rssGrowthKb(() -> assertThatThrownBy(() -> p.predict(INPUT))
          .hasMessage("mapper failure 2"), CALLS);
      assertThat(growth).as("VmRSS growth in KB over %d calls", CALLS).isLessThan(MAX_GROWTH_KB);
    }
  }

  private interface Call {
    void run() throws Exception;
  }

  private static long rssGrowthKb(Call call, int calls) throws Exception {
    for (int i = 0; i < WARM_UP; i++) {
      call.run();
    }
    long before = vmRssKb();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return vmRssKb() - before;
  }

  private static Tensor batch(int rows) {
    float[][] x = new float[rows][];
    for (int r = 0; r < rows; r++) {
      x[r] = OnnxModels.features(r, 4);
    }
    return Tensor.of(x);
  }

  private static long vmRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
