package dev.shadowrouting.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an {@link OnnxPredictor} loads its model from: a file, a classpath resource or bytes in
 * memory. A missing file or resource fails here, when the source is created, not at the first
 * prediction.
 *
 * <p>Immutable and thread-safe.
 */
public final class ModelSource {
  private final String description;
  private final Path path;
  private final byte[] bytes;

  private ModelSource(String description, Path path, byte[] bytes) {
    this.description = description;
    this.path = path;
    this.bytes = bytes;
  }

  /**
   * A model file. ONNX Runtime reads it itself, so external-data files next to it are found.
   *
   * @throws IllegalArgumentException if the path is not a readable regular file
   */
  public static ModelSource path(Path path) {
    Objects.requireNonNull(path, "path");
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException(
          "model path must be a readable regular file but was " + path.toAbsolutePath());
    }
    return new ModelSource(path.toString(), path, null);
  }

  /**
   * A classpath resource (no leading slash, e.g. {@code "models/score.onnx"}), looked up through
   * the thread's context class loader, or this library's loader when there is none. The bytes are
   * read now.
   *
   * @throws IllegalArgumentException if no such resource exists
   * @throws UncheckedIOException if it cannot be read
   */
  public static ModelSource classpath(String resource) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return classpath(resource, loader != null ? loader : ModelSource.class.getClassLoader());
  }

  /** Like {@link #classpath(String)}, with an explicit class loader. */
  public static ModelSource classpath(String resource, ClassLoader loader) {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(loader, "loader");
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException(
            "model resource must exist on the classpath but \"" + resource + "\" was not found");
      }
      return new ModelSource("classpath:" + resource, null, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("could not read model resource " + resource, e);
    }
  }

  /** A model held in memory (the array is copied). */
  public static ModelSource bytes(byte[] model) {
    Objects.requireNonNull(model, "model");
    return new ModelSource("bytes[" + model.length + "]", null, model.clone());
  }

  /** Opens a session; package-private so the loading mechanics stay out of the public API. */
  OrtSession open(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
    return path != null
        ? env.createSession(path.toString(), options)
        : env.createSession(bytes, options);
  }

  /** {@code "classpath:models/score.onnx"}, the file path, or {@code "bytes[N]"}. */
  @Override
  public String toString() {
    return description;
  }
}
