package dev.shadowrouting.internal.util;

/**
 * The sink adapters' libraries are optional dependencies of shadow-core: a user adds the one for
 * the sink they use. Building an adapter without it must say which artifact to add, instead of a
 * raw {@code NoClassDefFoundError} from deep inside. Stateless and thread-safe.
 */
public final class OptionalDependency {
  private OptionalDependency() {}

  /**
   * @throws IllegalStateException naming {@code artifact} if {@code className} is not loadable
   *     from shadow-core's class loader
   */
  public static void require(String className, String artifact, String feature) {
    try {
      Class.forName(className, false, OptionalDependency.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException(feature + " needs " + artifact + " on the class path (an"
          + " optional dependency of shadow-core, not brought by it): add it to your build", e);
    }
  }
}
