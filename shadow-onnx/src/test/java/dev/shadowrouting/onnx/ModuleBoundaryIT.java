package dev.shadowrouting.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged library jars on the module path, as a modular application sees them. Core and
 * ONNX are automatic modules with stable names from their manifests ({@code
 * Automatic-Module-Name}), not names derived from file names, so an application's {@code
 * requires dev.shadowrouting.onnx} holds across versions and Maven has nothing to warn about; they
 * resolve with what they need (the optional sink libraries absent), and a router runs there. An
 * automatic module declares no {@code requires}, so what core needs beyond automatic modules is
 * named at launch, with the {@code --add-modules} that docs/artifacts.md gives (read from the page,
 * so that the page stays true); a real modular application is compiled and launched with it. Runs
 * after {@code package} (failsafe): the names live in the jars' manifests.
 */
class ModuleBoundaryIT {

  private static Path onnxJar() {
    Path jar = Path.of(System.getProperty("onnx.jar", "missing"));
    assertThat(jar).as("the packaged shadow-onnx jar (system property onnx.jar)").isRegularFile();
    return jar;
  }

  /** shadow-core's jar and what the two modules need at run time, from the class path. */
  private static Path[] modulePath() {
    List<String> wanted = List.of("shadow-core-", "caffeine-", "jctools-core-", "HdrHistogram-",
        "hipparchus-core-", "onnxruntime-");
    Stream<Path> dependencies = Arrays.stream(
            System.getProperty("java.class.path").split(File.pathSeparator))
        .map(Path::of)
        .filter(p -> p.toString().endsWith(".jar"))
        .filter(p -> wanted.stream().anyMatch(w -> p.getFileName().toString().startsWith(w)));
    Path[] path = Stream.concat(dependencies, Stream.of(onnxJar())).toArray(Path[]::new);
    assertThat(path).as("module path").hasSize(wanted.size() + 1);
    return path;
  }

  private static ModuleDescriptor descriptor(String jarPrefix) {
    Path jar = Arrays.stream(modulePath())
        .filter(p -> p.getFileName().toString().startsWith(jarPrefix))
        .findFirst().orElseThrow();
    Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
    assertThat(found).as(jar.toString()).hasSize(1);
    return found.iterator().next().descriptor();
  }

  /**
   * A modular application's module: {@code module app { requires dev.shadowrouting.onnx; }}, with
   * no classes (resolution is what is checked).
   */
  private static ModuleFinder application() {
    ModuleDescriptor app = ModuleDescriptor.newModule("app")
        .requires("dev.shadowrouting.onnx").build();
    ModuleReference reference = new ModuleReference(app, URI.create("app:/")) {
      @Override
      public ModuleReader open() {
        return new ModuleReader() {
          @Override
          public Optional<URI> find(String name) {
            return Optional.empty();
          }

          @Override
          public Stream<String> list() {
            return Stream.empty();
          }

          @Override
          public void close() {}
        };
      }
    };
    return new ModuleFinder() {
      @Override
      public Optional<ModuleReference> find(String name) {
        return name.equals("app") ? Optional.of(reference) : Optional.empty();
      }

      @Override
      public Set<ModuleReference> findAll() {
        return Set.of(reference);
      }
    };
  }

  /** What docs/artifacts.md says to add to a modular application's {@code --add-modules}. */
  private static final Set<String> ADD_MODULES = documentedAddModules();

  private static Set<String> documentedAddModules() {
    try {
      Matcher m = Pattern.compile("--add-modules ([\\w.,]+)")
          .matcher(Files.readString(Path.of("..", "docs", "artifacts.md")));
      assertThat(m.find()).as("an --add-modules in docs/artifacts.md").isTrue();
      return Set.of(m.group(1).split(","));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Configuration resolve(Set<String> roots) {
    ModuleFinder finder = ModuleFinder.compose(application(), ModuleFinder.of(modulePath()));
    return ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), roots);
  }

  private static ModuleLayer layer() {
    Set<String> roots = new java.util.HashSet<>(ADD_MODULES);
    roots.add("app");
    Configuration config = resolve(roots);
    return ModuleLayer.boot().defineModulesWithOneLoader(config,
        ClassLoader.getPlatformClassLoader());
  }

  @Test
  void theJarsNameTheirModulesInTheirManifests() {
    ModuleDescriptor core = descriptor("shadow-core-");
    ModuleDescriptor onnx = descriptor("shadow-onnx-");
    // without the manifest entry the names would be derived from the file names: shadow.core
    assertThat(core.name()).isEqualTo("dev.shadowrouting.core");
    assertThat(onnx.name()).isEqualTo("dev.shadowrouting.onnx");
    assertThat(core.isAutomatic()).isTrue();
    assertThat(onnx.isAutomatic()).isTrue();
    assertThat(core.packages()).contains("dev.shadowrouting", "dev.shadowrouting.sinks.jsonl");
    assertThat(onnx.packages()).contains("dev.shadowrouting.onnx");
  }

  @Test
  void withoutAddModulesTheExplicitModulesCoreUsesAreNotResolved() {
    // what the documented --add-modules is for: automatic modules bring the other automatic
    // modules (HdrHistogram, hipparchus.core), not explicit ones nothing requires
    Set<String> names = resolve(Set.of("app")).modules().stream()
        .map(m -> m.name()).collect(Collectors.toSet());
    assertThat(names).contains("dev.shadowrouting.core", "HdrHistogram", "hipparchus.core")
        .doesNotContain("org.jctools.core", "com.github.benmanes.caffeine");
  }

  @Test
  void aModularApplicationResolvesWithoutTheOptionalLibraries() {
    ModuleLayer layer = layer();
    Set<String> names = layer.modules().stream().map(Module::getName)
        .collect(Collectors.toSet());
    assertThat(names).contains("app", "dev.shadowrouting.onnx", "dev.shadowrouting.core",
        "com.microsoft.onnxruntime", "com.github.benmanes.caffeine", "org.jctools.core");
    assertThat(names).noneMatch(n -> n.startsWith("micrometer") || n.startsWith("io.opentelemetry")
        || n.startsWith("com.fasterxml.jackson"));
    Module app = layer.findModule("app").orElseThrow();
    Module core = layer.findModule("dev.shadowrouting.core").orElseThrow();
    assertThat(app.canRead(layer.findModule("dev.shadowrouting.onnx").orElseThrow())).isTrue();
    // requires transitive is implied for automatic modules: the API of core is readable too
    assertThat(app.canRead(core)).isTrue();
    assertThat(core.isExported("dev.shadowrouting", app)).isTrue();
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
      assertThat(Class.forName("dev.shadowrouting.onnx.OnnxPredictor", false, loader).getModule()
          .getName()).isEqualTo("dev.shadowrouting.onnx");
      // jackson-annotations is not on this module path: @JsonValue is simply absent
      Object snapshot = routerType.getMethod("snapshot").invoke(router);
      assertThat(snapshot.getClass().getMethod("toDocument").getAnnotations()).isEmpty();
      assertThat((String) snapshot.getClass().getMethod("toJson").invoke(snapshot))
          .startsWith("{\"name\":\"modular\",");
    } finally {
      routerType.getMethod("close").invoke(router);
    }
  }

  /**
   * A modular application ({@code module app { requires dev.shadowrouting.core; }}) compiled by
   * javac against the jars and launched by {@code java -m} with the documented {@code
   * --add-modules}: it runs a router with a shadow. Without the flag the same launch fails. The
   * layers above run under the test JVM's boot layer, which holds every JDK module; a real launch
   * does not ({@code jdk.unsupported} is resolved only when named), so only this shows the flag is
   * complete.
   */
  @Test
  void aModularApplicationLaunchesWithTheDocumentedAddModules(@TempDir Path dir) throws Exception {
    Path src = dir.resolve("src");
    Files.createDirectories(src.resolve("app"));
    Files.writeString(src.resolve("module-info.java"),
        "module app { requires dev.shadowrouting.core; }\n");
    Files.writeString(src.resolve("app/Main.java"), """
        package app;

        import dev.shadowrouting.EndpointConfig;
        import dev.shadowrouting.ShadowRouter;
        import dev.shadowrouting.Variant;
        import java.time.Duration;

        public final class Main {
          public static void main(String[] args) throws Exception {
            try (ShadowRouter<Integer, Integer> router = ShadowRouter.create(
                EndpointConfig.<Integer, Integer>builder("modular")
                    .production(Variant.<Integer, Integer>builder("v1", in -> in * 2).build())
                    .shadow(Variant.<Integer, Integer>builder("v2", in -> in * 2)
                        .maxConcurrency(100).build())
                    .queueCapacity(100)
                    .build())) {
              long sum = 0;
              for (int i = 0; i < 100; i++) {
                sum += router.predict(i);
              }
              System.out.println(ShadowRouter.class.getModule().getName() + " sum=" + sum
                  + " idle=" + router.awaitIdle(Duration.ofSeconds(30))
                  + " mismatches=" + router.snapshot().variant("v2").mismatches());
            }
          }
        }
        """);
    String modulePath = Arrays.stream(modulePath()).map(Path::toString)
        .collect(Collectors.joining(File.pathSeparator));
    Path classes = dir.resolve("classes");
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int javac = ToolProvider.getSystemJavaCompiler().run(null, diagnostics, diagnostics,
        "--module-path",
        modulePath, "-d", classes.toString(),
        // every lint but the opt-in one that flags any requires of an automatic module
        "-Xlint:all,-requires-automatic", "-Werror",
        src.resolve("module-info.java").toString(), src.resolve("app/Main.java").toString());
    assertThat(javac).as("javac: %s", diagnostics).isZero();

    String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String path = classes + File.pathSeparator + modulePath;
    String run = launch(dir, List.of(launcher, "--module-path", path, "--add-modules",
        String.join(",", ADD_MODULES), "-m", "app/app.Main"), 0);
    assertThat(run).contains("dev.shadowrouting.core sum=9900 idle=true mismatches=0");

    String without = launch(dir, List.of(launcher, "--module-path", path, "-m", "app/app.Main"), 1);
    assertThat(without).contains("NoClassDefFoundError");
  }

  /** Runs {@code command}, expecting {@code exitStatus}; returns what it printed. */
  private static String launch(Path dir, List<String> command, int exitStatus) throws Exception {
    Path out = dir.resolve("out-" + System.nanoTime() + ".txt");
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s ended", command).isTrue();
    String printed = Files.readString(out);
    assertThat(p.exitValue()).as("exit status of %s, which printed:%n%s", command, printed)
        .isEqualTo(exitStatus);
    return printed;
  }
}
