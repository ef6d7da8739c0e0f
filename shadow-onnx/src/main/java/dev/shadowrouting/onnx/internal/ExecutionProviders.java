package dev.shadowrouting.onnx.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves an execution provider name against the providers compiled into the onnxruntime build on
 * the classpath, and registers it on session options. Stateless and thread-safe.
 */
public final class ExecutionProviders {
  /** The providers this module knows how to register (with their default options). */
  private static final Set<OrtProvider> CONFIGURABLE = EnumSet.of(
      OrtProvider.CPU, OrtProvider.CUDA, OrtProvider.ROCM, OrtProvider.DNNL,
      OrtProvider.OPEN_VINO, OrtProvider.TENSOR_RT, OrtProvider.XNNPACK, OrtProvider.CORE_ML,
      OrtProvider.DIRECT_ML);

  private ExecutionProviders() {}

  /**
   * The provider named {@code name} ({@code "CPU"} or {@code "CPUExecutionProvider"}, any case)
   * when it is available in this build and configurable; empty otherwise.
   */
  public static Optional<OrtProvider> resolve(String name) {
    for (OrtProvider provider : usable()) {
      if (provider.name().equalsIgnoreCase(name) || provider.getName().equalsIgnoreCase(name)) {
        return Optional.of(provider);
      }
    }
    return Optional.empty();
  }

  /** The names {@link #resolve} accepts, for error messages. */
  public static Set<String> usableNames() {
    Set<String> names = new TreeSet<>();
    usable().forEach(p -> names.add(p.name()));
    return names;
  }

  /** Registers a non-CPU provider; ONNX Runtime falls back to CPU for operators it lacks. */
  public static void register(OrtSession.SessionOptions options, OrtProvider provider)
      throws OrtException {
    switch (provider) {
      case CPU -> { } // always present: nothing to add
      case CUDA -> options.addCUDA();
      case ROCM -> options.addROCM();
      case DNNL -> options.addDnnl(true);
      case OPEN_VINO -> options.addOpenVINO("");
      case TENSOR_RT -> options.addTensorrt(0);
      case XNNPACK -> options.addXnnpack(Map.of());
      case CORE_ML -> options.addCoreML();
      case DIRECT_ML -> options.addDirectML(0);
      default -> throw new IllegalArgumentException("unsupported execution provider " + provider);
    }
  }

  private static Set<OrtProvider> usable() {
    EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
    available.retainAll(CONFIGURABLE);
    return available;
  }
}
