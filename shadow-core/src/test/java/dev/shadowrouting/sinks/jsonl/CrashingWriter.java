package dev.shadowrouting.sinks.jsonl;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.sinks.SinkFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of the crash test: writes numbered records forever and prints "ready" once {@code
 * args[1]} of them were written, so the parent can kill it mid-stream.
 */
public final class CrashingWriter {
  private CrashingWriter() {}

  public static void main(String[] args) {
    int readyAfter = Integer.parseInt(args[1]);
    JsonLinesSink sink = JsonLinesSink.builder(Path.of(args[0]))
        .flushPolicy(FlushPolicy.everyRecord())
        .maxFileBytes(256 << 10)
        .maxFiles(1000)
        .build();
    for (long i = 0; ; i++) {
      sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).requestId(Long.toString(i))
          .input(Map.of("features", List.of(i, 2.5, "x".repeat((int) (i % 300))))).build());
      if (i + 1 == readyAfter) {
        System.out.println("ready");
        System.out.flush();
      }
    }
  }
}
