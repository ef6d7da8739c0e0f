package dev.shadowrouting.tck;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs a kit subclass through the JUnit Platform, as a user's build would, and reports how each of
 * its checks ended, so the kit's own tests can show that a broken implementation fails the check
 * meant to catch it. Kit subclasses run this way are static nested classes, which Surefire does not
 * run on its own. Stateless and thread-safe.
 */
public final class KitRunner {

  /** How one check ended: passed, failed (with the failure), or skipped (an assumption). */
  public record Check(String name, String status, Throwable failure) {
    public boolean failed() {
      return status.equals("FAILED");
    }

    public boolean passed() {
      return status.equals("SUCCESSFUL");
    }

    public String message() {
      return failure == null ? "" : String.valueOf(failure.getMessage());
    }
  }

  private KitRunner() {}

  /** Runs every check of {@code kitSubclass}; the result is keyed by the check's method name. */
  public static Map<String, Check> run(Class<?> kitSubclass) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(kitSubclass))
        .build();
    Launcher launcher = LauncherFactory.create();
    Map<String, Check> checks = new TreeMap<>();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        name(id).ifPresent(n -> checks.put(n, new Check(n, result.getStatus().name(),
            result.getThrowable().orElse(null))));
      }

      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        name(id).ifPresent(n -> checks.put(n, new Check(n, "SKIPPED", null)));
      }
    });
    return checks;
  }

  private static Optional<String> name(TestIdentifier id) {
    return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
        .map(MethodSource::getMethodName);
  }
}
