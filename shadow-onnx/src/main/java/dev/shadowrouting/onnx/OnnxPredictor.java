package dev.shadowrouting.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import dev.shadowrouting.Predictor;
import dev.shadowrouting.Problem;
import dev.shadowrouting.internal.util.ConfigErrors;
import dev.shadowrouting.onnx.internal.ExecutionProviders;
import dev.shadowrouting.onnx.internal.ModelSignature;
import dev.shadowrouting.onnx.internal.OrtTensors;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link Predictor} backed by an ONNX Runtime {@link OrtSession}: an {@link InputMapper} turns
 * the input into named {@link Tensor}s, the session runs, and an {@link OutputMapper} turns the
 * output tensors into the result (a {@link ValueOutputMapper} for models that also return
 * sequences or maps, such as scikit-learn classifiers converted with skl2onnx).
 *
 * <pre>{@code
 * try (OnnxPredictor<float[], Float> scorer =
 *     OnnxPredictor.builder(ModelSource.classpath("models/score.onnx"))
 *         .intraOpThreads(1)
 *         .build(InputMapper.floatRow("x"), OutputMapper.floatScalar("score"))) {
 *   float score = scorer.predict(new float[] {0.1f, 0.2f, 0.3f, 0.4f});
 * }
 * }</pre>
 *
 * <p>Validation: {@link Builder#build} checks the session options, then the mappers' declared
 * input and output names against the model's metadata; {@link #predict} checks every input's name,
 * element type, rank and fixed dimensions (dynamic dimensions accept any size) before any native
 * memory is allocated. Both throw one {@link IllegalArgumentException} listing every problem, with
 * what the model declares and what was given. A model whose output metadata ONNX Runtime's Java
 * API cannot read (an optional output) is run as a plain session runs it: its outputs are known
 * by name, and a value the output mapper cannot take fails the call that returned it (a warning
 * at build time says so, and that an empty optional output crashes ONNX Runtime 1.24.2's Java
 * API).
 *
 * <p>Resources: every native tensor, result and sequence element of a call is closed before
 * {@code predict} returns or throws; output mappers only ever see Java copies. {@link #close()}
 * releases the session.
 *
 * <p>Thread-safe: one session serves all threads, because {@code OrtSession.run} is thread-safe
 * (size the pool with {@link Builder#intraOpThreads}). {@link #close()} waits for calls in progress
 * and makes later calls fail with {@link IllegalStateException}.
 *
 * @param <I> input type
 * @param <O> output type
 */
public final class OnnxPredictor<I, O> implements Predictor<I, O>, AutoCloseable {
  /** Upper bound of the thread settings: a typo such as 10000 should fail, not spawn threads. */
  public static final int MAX_THREADS = 1024;

  private static final System.Logger LOG = System.getLogger("dev.shadowrouting.onnx");

  private final String description;
  private final String settings;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final ModelSignature signature;
  private final InputMapper<I> inputMapper;
  private final OutputMapper<O> outputMapper;
  private final Set<String> requestedOutputs;
  // null for a tensor-only OutputMapper, which build() checked receives tensors only
  private final ValueOutputMapper<O> valueMapper;
  // run() holds the read lock, close() the write lock: closing a session while a call runs on it
  // would crash the JVM, so close waits; concurrent runs never wait for each other.
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxPredictor(String description, String settings, OrtEnvironment env,
      OrtSession session, ModelSignature signature, InputMapper<I> inputMapper,
      OutputMapper<O> outputMapper) {
    this.description = description;
    this.settings = settings;
    this.env = env;
    this.session = session;
    this.signature = signature;
    this.inputMapper = inputMapper;
    this.outputMapper = outputMapper;
    this.requestedOutputs = Set.copyOf(outputMapper.outputNames());
    this.valueMapper = outputMapper instanceof ValueOutputMapper<O> v ? v : null;
  }

  /** A builder for a predictor over {@code model}. */
  public static Builder builder(ModelSource model) {
    return new Builder(Objects.requireNonNull(model, "model"));
  }

  /**
   * Runs the model on {@code input}.
   *
   * @throws IllegalArgumentException if the mapped inputs do not fit the model's declaration
   * @throws IllegalStateException if the predictor is closed
   * @throws OrtException if ONNX Runtime fails while running the model
   */
  @Override
  public O predict(I input) throws OrtException {
    Map<String, Tensor> inputs = inputMapper.toTensors(input);
    signature.checkInputs(inputs, description);
    Map<String, ModelValue> outputs;
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException(description + " is closed");
      }
      outputs = run(inputs);
    } finally {
      lifecycle.readLock().unlock();
    }
    return valueMapper != null
        ? valueMapper.fromValues(outputs) : outputMapper.fromTensors(tensorsOnly(outputs));
  }

  /**
   * The outputs as tensors for a tensor-only mapper. build() rejected mappers that would receive
   * anything else where the metadata tells; this catches outputs it could not describe (and
   * metadata that did not tell the truth).
   */
  @SuppressWarnings("unchecked")
  private Map<String, Tensor> tensorsOnly(Map<String, ModelValue> outputs) {
    for (Map.Entry<String, ModelValue> entry : outputs.entrySet()) {
      if (!(entry.getValue() instanceof Tensor)) {
        throw new IllegalStateException(description + ": output \"" + entry.getKey() + "\" is "
            + entry.getValue().typeDescription() + ", which a tensor OutputMapper cannot take");
      }
    }
    return (Map<String, Tensor>) (Map<String, ?>) outputs;
  }

  private Map<String, ModelValue> run(Map<String, Tensor> inputs) throws OrtException {
    Map<String, OnnxTensor> ortInputs = new HashMap<>(inputs.size() * 2);
    try {
      for (Map.Entry<String, Tensor> entry : inputs.entrySet()) {
        ortInputs.put(entry.getKey(), OrtTensors.toOrt(env, entry.getValue()));
      }
      try (OrtSession.Result result = requestedOutputs.isEmpty()
          ? session.run(ortInputs)
          : session.run(ortInputs, requestedOutputs)) {
        Map<String, ModelValue> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, OnnxValue> entry : result) {
          // copies to Java; a sequence's native elements are closed by fromOrt, the rest by
          // closing the result
          outputs.put(entry.getKey(), OrtTensors.fromOrt(entry.getValue()));
        }
        return Collections.unmodifiableMap(outputs);
      }
    } finally {
      OnnxValue.close(ortInputs);
    }
  }

  /** Closes the session after calls in progress finish. Idempotent. */
  @Override
  public void close() throws OrtException {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  /** The model's input names, in declaration order. */
  public Set<String> inputNames() {
    return signature.inputNames();
  }

  /** The model's output names, in declaration order. */
  public Set<String> outputNames() {
    return signature.outputNames();
  }

  /** The model source and the session settings. */
  @Override
  public String toString() {
    return description + settings;
  }

  /**
   * Session settings for an {@link OnnxPredictor}; validated in {@link #build}. Not thread-safe:
   * configure it on one thread (the predictors it builds are thread-safe and independent).
   */
  public static final class Builder {
    private final ModelSource model;
    private int intraOpThreads;
    private int interOpThreads;
    private OptLevel optimizationLevel = OptLevel.ALL_OPT;
    private String executionProvider = OrtProvider.CPU.name();

    private Builder(ModelSource model) {
      this.model = model;
    }

    /**
     * Threads one operator may use, in [0, {@value #MAX_THREADS}]; 0 (default) lets ONNX Runtime
     * pick one per core. With many concurrent callers, 1 avoids oversubscribing the cores.
     */
    public Builder intraOpThreads(int intraOpThreads) {
      this.intraOpThreads = intraOpThreads;
      return this;
    }

    /** Threads for running independent operators in parallel, in [0, {@value #MAX_THREADS}]. */
    public Builder interOpThreads(int interOpThreads) {
      this.interOpThreads = interOpThreads;
      return this;
    }

    /** Graph optimisation level; default {@link OptLevel#ALL_OPT}. */
    public Builder optimizationLevel(OptLevel optimizationLevel) {
      this.optimizationLevel = optimizationLevel;
      return this;
    }

    /**
     * The execution provider, by {@link OrtProvider} constant or ONNX Runtime name ({@code "CPU"},
     * {@code "CUDAExecutionProvider"}, any case); default CPU. It must be compiled into the
     * onnxruntime artifact on the classpath ({@link OrtEnvironment#getAvailableProviders()}):
     * {@code com.microsoft.onnxruntime:onnxruntime} has CPU only, {@code onnxruntime_gpu} adds
     * CUDA and TensorRT.
     */
    public Builder executionProvider(String executionProvider) {
      this.executionProvider = executionProvider;
      return this;
    }

    /**
     * A predictor taking and returning every tensor by name (the general case). For a model with
     * sequence or map outputs use {@code build(InputMapper.identity(),
     * ValueOutputMapper.identity())}.
     */
    public OnnxPredictor<Map<String, Tensor>, Map<String, Tensor>> build() {
      return build(InputMapper.identity(), OutputMapper.identity());
    }

    /**
     * A predictor with the given mappers. A {@link ValueOutputMapper} receives sequence and map
     * outputs too; a plain {@link OutputMapper} must only receive tensors.
     *
     * @throws IllegalArgumentException listing every invalid setting, every mapper name the model
     *     does not declare, every output the output mapper cannot take, or why the model could
     *     not be loaded or its input metadata not be read (with ONNX Runtime's exception as the
     *     cause)
     */
    public <I, O> OnnxPredictor<I, O> build(InputMapper<I> inputMapper,
        OutputMapper<O> outputMapper) {
      String description = "OnnxPredictor(" + model + ")";
      ConfigErrors errors = new ConfigErrors(description);
      errors.requireInRange("intraOpThreads", intraOpThreads, 0, MAX_THREADS);
      errors.requireInRange("interOpThreads", interOpThreads, 0, MAX_THREADS);
      errors.requireNonNull("optimizationLevel", optimizationLevel);
      errors.requireNonNull("inputMapper", inputMapper);
      errors.requireNonNull("outputMapper", outputMapper);
      Optional<OrtProvider> provider = executionProvider == null
          ? Optional.empty() : ExecutionProviders.resolve(executionProvider);
      if (provider.isEmpty()) {
        String requirement = "one of " + ExecutionProviders.usableNames()
            + " (available in this onnxruntime build)";
        errors.add(new Problem("executionProvider", executionProvider, requirement),
            "executionProvider must be " + requirement + " but was "
                + (executionProvider == null ? "null" : '"' + executionProvider + '"'));
      }
      errors.throwIfAny();

      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession session = open(env, provider.get(), description);
      try {
        ModelSignature signature = readSignature(env, session, description);
        ConfigErrors modelErrors = new ConfigErrors(description);
        signature.checkMappers(inputMapper.inputNames(), outputMapper.outputNames(),
            outputMapper instanceof ValueOutputMapper, modelErrors);
        modelErrors.throwIfAny();
        return new OnnxPredictor<>(description, "[intraOpThreads=" + intraOpThreads
            + ", interOpThreads=" + interOpThreads + ", optimizationLevel=" + optimizationLevel
            + ", executionProvider=" + provider.get() + "]",
            env, session, signature, inputMapper, outputMapper);
      } catch (RuntimeException | Error e) {
        closeQuietly(session, e);
        throw e;
      }
    }

    /**
     * The model's declared inputs and outputs. ONNX Runtime loads and runs models whose metadata
     * its Java API cannot describe (an optional input or output, say) and only fails here. Without
     * the inputs' declaration no call could be checked, so that fails, naming the model and with
     * ONNX Runtime's exception; outputs it cannot describe are known by name and checked when
     * their values arrive, as a plain session would run the model.
     */
    private static ModelSignature readSignature(OrtEnvironment env, OrtSession session,
        String description) {
      Map<String, ai.onnxruntime.NodeInfo> inputs;
      try {
        inputs = session.getInputInfo();
      } catch (OrtException | RuntimeException e) {
        throw new IllegalArgumentException(description + ": could not read the model's input"
            + " metadata: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
      }
      try {
        return ModelSignature.of(inputs, session.getOutputInfo());
      } catch (OrtException e) {
        // Seen with ONNX Runtime 1.24.2: the native run dereferences the absent value.
        LOG.log(System.Logger.Level.WARNING, () -> description + ": ONNX Runtime's Java API ("
            + env.getVersion() + ") cannot describe the model's outputs (" + e.getMessage()
            + "), so they are checked when their values arrive. If one is an optional output:"
            + " a call that leaves it empty crashes the JVM inside OrtSession.run (ONNX Runtime"
            + " 1.24.2), so keep such a model out of a process that serves production unless"
            + " it never returns an empty optional");
        return ModelSignature.withUndescribedOutputs(inputs, session.getOutputNames());
      }
    }

    private OrtSession open(OrtEnvironment env, OrtProvider provider, String description) {
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        options.setIntraOpNumThreads(intraOpThreads);
        options.setInterOpNumThreads(interOpThreads);
        options.setOptimizationLevel(optimizationLevel);
        // A failing run is reported through the OrtException it throws (same message), which the
        // router counts and logs once; ONNX Runtime's own stderr line per failure would flood.
        options.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL);
        ExecutionProviders.register(options, provider);
        return model.open(env, options);
      } catch (OrtException e) {
        throw new IllegalArgumentException(
            description + ": the model could not be loaded: " + e.getMessage(), e);
      }
    }

    private static void closeQuietly(OrtSession session, Throwable primary) {
      try {
        session.close();
      } catch (OrtException e) {
        primary.addSuppressed(e);
      }
    }
  }
}
