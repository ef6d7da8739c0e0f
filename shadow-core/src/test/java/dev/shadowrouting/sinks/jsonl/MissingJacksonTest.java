package dev.shadowrouting.sinks.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * shadow-core on a class path without jackson-core (an optional dependency): building the JSON
 * Lines sink says which artifact to add, instead of a raw NoClassDefFoundError.
 */
class MissingJacksonTest {

  @Test
  void buildingTheSinkWithoutJacksonNamesTheArtifact() throws Exception {
    URL core = JsonLinesSink.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {core},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> sink = Class.forName(JsonLinesSink.class.getName(), true, withoutJackson);
      Throwable thrown = null;
      try {
        sink.getMethod("builder", Path.class).invoke(null, Path.of("/tmp/x"));
      } catch (InvocationTargetException e) {
        thrown = e.getCause();
      }
      assertThat(thrown).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("JsonLinesSink needs com.fasterxml.jackson.core:jackson-core")
          .hasMessageContaining("add it to your build");
    }
  }
}
