package dev.shadowrouting.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A fleet instance in a JVM of its own ({@link FleetInstanceMain}), on the newest kafka-clients
 * (the jar the build downloads, in place of the one this module compiles against): talks to it
 * line by line.
 */
final class ChildInstance implements AutoCloseable {
  private final Process process;
  private final PrintWriter in;
  private final BlockingQueue<String> out = new LinkedBlockingQueue<>();

  private ChildInstance(Process process) {
    this.process = process;
    this.in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          out.add(line);
        }
      } catch (IOException e) {
        out.add("EOF " + e);
      }
    }, "child-instance-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The newest kafka-clients jar, which the build copied next to the test classes. */
  static Path newestClients() {
    Path jar = Path.of(System.getProperty("kafka.newest.jar", "missing"));
    assertThat(jar).as("run the tests through Maven: it downloads the newest kafka-clients")
        .exists();
    return jar;
  }

  /**
   * The tests' class path (surefire's list: its own {@code java.class.path} may be a jar that only
   * names the others) with the newest kafka-clients in place of the one compiled against.
   */
  static String classPath() {
    List<String> entries = new ArrayList<>();
    String tests = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    for (String e : tests.split(File.pathSeparator)) {
      if (!Path.of(e).getFileName().toString().matches("kafka-clients-[0-9.]+\\.jar")) {
        entries.add(e);
      }
    }
    entries.add(0, newestClients().toString());
    return String.join(File.pathSeparator, entries);
  }

  static ChildInstance start(String... args) throws IOException {
    Path log = Files.createTempFile("fleet-instance-", ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classPath(),
        FleetInstanceMain.class.getName()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    return new ChildInstance(p);
  }

  /** The next line it prints, within 60 s. */
  String next() throws InterruptedException {
    String line = out.poll(60, TimeUnit.SECONDS);
    assertThat(line).as("a line from the other JVM within 60 s").isNotNull();
    return line;
  }

  /** Sends a command and returns its answer. */
  String send(String command) throws InterruptedException {
    in.println(command);
    return next();
  }

  int exitCode() throws InterruptedException {
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
