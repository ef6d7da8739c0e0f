package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The library modules on the module path, as a modular application sees them: they resolve with
 * their required modules only (the optional sink libraries are {@code requires static}), export
 * only the API packages (the engine's internal package is exported to {@code dev.shadowrouting.onnx}
 * alone), and a router runs from there.
 */
class ModuleBoundaryTest {

  /** The jars and class directories of our modules and of what they require, from the class path. */
  private static Path[] modulePath() {
    List<String> wanted = List.of("shadow-core", "shadow-onnx", "caffeine-", "jctools-core-",
        "HdrHistogram-", "hipparchus-core-", "onnxruntime-");
    return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .map(Path::of)
        .filter(p -> wanted.stream().anyMatch(w -> p.toString().contains(w)))
        .filter(p -> p.toString().endsWith(".jar") || Files.exists(p.resolve("module-info.class")))
        .toArray(Path[]::new);
  }

  private static ModuleLayer layer() {
    ModuleFinder finder = ModuleFinder.of(modulePath());
    Configuration config = ModuleLayer.boot().configuration()
        .resolve(finder, ModuleFinder.of(), Set.of("dev.shadowrouting.onnx"));
    return ModuleLayer.boot().defineModulesWithOneLoader(config,
        ClassLoader.getPlatformClassLoader());
  }

  @Test
  void onlyTheApiIsExported() {
    ModuleLayer layer = layer();
    Module core = layer.findModule("dev.shadowrouting.core").orElseThrow();
    Module onnx = layer.findModule("dev.shadowrouting.onnx").orElseThrow();

    Set<String> unqualified = core.getDescriptor().exports().stream()
        .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
        .collect(Collectors.toSet());
    assertThat(unqualified).containsExactlyInAnyOrder("dev.shadowrouting",
        "dev.shadowrouting.sinks.micrometer", "dev.shadowrouting.sinks.otel",
        "dev.shadowrouting.sinks.jsonl");
    for (String engine : List.of("dev.shadowrouting.internal", "dev.shadowrouting.internal.copies",
        "dev.shadowrouting.internal.lanes", "dev.shadowrouting.internal.ledger",
        "dev.shadowrouting.internal.pool", "dev.shadowrouting.internal.sinks",
        "dev.shadowrouting.internal.tests", "dev.shadowrouting.internal.stats")) {
      assertThat(core.isExported(engine, onnx)).as(engine).isFalse();
    }
    assertThat(core.isExported("dev.shadowrouting.internal.util")).isFalse();
    assertThat(core.isExported("dev.shadowrouting.internal.util", onnx)).isTrue();
    assertThat(onnx.getDescriptor().exports()).extracting(ModuleDescriptor.Exports::source)
        .containsExactly("dev.shadowrouting.onnx");
    assertThat(core.getDescriptor().requires()).filteredOn(r -> r.modifiers()
            .contains(ModuleDescriptor.Requires.Modifier.STATIC))
        .extracting(ModuleDescriptor.Requires::name)
        .contains("micrometer.core", "io.opentelemetry.api", "com.fasterxml.jackson.core",
            "com.fasterxml.jackson.annotation");
  }

  @Test
  void aRouterRunsOnTheModulePath() throws Exception {
    ModuleLayer layer = layer();
    ClassLoader loader = layer.findLoader("dev.shadowrouting.core");
    Class<?> predictor = Class.forName("dev.shadowrouting.Predictor", true, loader);
    Object identity = Proxy.newProxyInstance(loader, new Class<?>[] {predictor},
        (proxy, method, args) -> switch (method.getName()) {
          case "predict" -> args[0];
          case "toString" -> "identity";
          case "hashCode" -> 1;
          case "equals" -> proxy == args[0];
          default -> throw new UnsupportedOperationException(method.getName());
        });
    Class<?> endpointConfig = Class.forName("dev.shadowrouting.EndpointConfig", true, loader);
    Object builder = endpointConfig.getMethod("builder", String.class).invoke(null, "modular");
    Method production = builder.getClass().getMethod("production", String.class, predictor);
    Method shadow = builder.getClass().getMethod("shadow", String.class, predictor);
    production.invoke(builder, "v1", identity);
    shadow.invoke(builder, "v2", identity);
    Object config = builder.getClass().getMethod("build").invoke(builder);
    Class<?> routerType = Class.forName("dev.shadowrouting.ShadowRouter", true, loader);
    Object router = routerType.getMethod("create", endpointConfig).invoke(null, config);
    try {
      assertThat(routerType.getMethod("predict", Object.class).invoke(router, 42)).isEqualTo(42);
      assertThat(router.getClass().getModule().getName()).isEqualTo("dev.shadowrouting.core");
      // jackson-annotations is not on this module path: @JsonValue is simply absent
      Object snapshot = routerType.getMethod("snapshot").invoke(router);
      assertThat(layer.findModule("com.fasterxml.jackson.annotation")).isEmpty();
      assertThat(snapshot.getClass().getMethod("toDocument").getAnnotations()).isEmpty();
      assertThat((String) snapshot.getClass().getMethod("toJson").invoke(snapshot))
          .startsWith("{\"name\":\"modular\",");
    } finally {
      routerType.getMethod("close").invoke(router);
    }
  }
}
