package dev.shadowrouting.sinks.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.Samples;

import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * shadow-core on a class path without jackson-core (an optional dependency): building the JSON
 * Lines sink says which artifact to add, instead of a raw NoClassDefFoundError; the JSON forms of
 * reports and snapshots need no JSON library.
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

  @Test
  void aJacksonPayloadDecoderWithoutDatabindNamesTheArtifact() throws Exception {
    URL core = JsonLinesSink.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {core},
        ClassLoader.getPlatformClassLoader())) {
      Class<?> decoder = Class.forName("dev.shadowrouting.PayloadDecoder", true, withoutJackson);
      Throwable thrown = null;
      try {
        decoder.getMethod("jackson", Class.class).invoke(null, Integer.class);
      } catch (InvocationTargetException e) {
        thrown = e.getCause();
      }
      assertThat(thrown).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("PayloadDecoder.jackson needs"
              + " com.fasterxml.jackson.core:jackson-databind")
          .hasMessageContaining("add it to your build");
    }
  }

  @Test
  void reportsAndSnapshotsAreWrittenAsJsonWithoutJackson() throws Exception {
    URL core = JsonLinesSink.class.getProtectionDomain().getCodeSource().getLocation();
    URL tests = NoJackson.class.getProtectionDomain().getCodeSource().getLocation();
    try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {core, tests},
        ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("com.fasterxml.jackson.core.JsonFactory", false,
          withoutJackson)).isInstanceOf(ClassNotFoundException.class);
      Class<?> noJackson = Class.forName(NoJackson.class.getName(), true, withoutJackson);

      assertThat(noJackson.getMethod("json").invoke(null))
          .isEqualTo(NoJackson.json()); // the same bytes as with Jackson on the class path
    }
  }

  /** Uses only shadow-core's own types, so it loads without any dependency. */
  public static final class NoJackson {
    public static String json() {
      return Samples.report().toJson() + "\n" + Samples.snapshot().toJson();
    }
  }
}
