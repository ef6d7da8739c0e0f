package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.ShadowRecords;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kit over {@link JsonLinesSink} with its default settings, one directory per sink; what the
 * sink saw is what {@link ShadowRecords#readAll} reads back from that directory. Not thread-safe
 * (JUnit uses one instance per test).
 */
abstract class JsonLinesSinkKit extends ShadowSinkCompatibilityKit<JsonLinesSink> {
  @TempDir Path root;
  private final AtomicInteger sinks = new AtomicInteger();

  @Override
  protected JsonLinesSink createSink() {
    return JsonLinesSink.builder(root.resolve("sink-" + sinks.incrementAndGet())).build();
  }

  @Override
  protected Optional<List<ShadowRecord>> recordsSeen(JsonLinesSink sink) throws IOException {
    if (!Files.isDirectory(sink.directory())) {
      return Optional.of(List.of()); // nothing was ever written
    }
    return Optional.of(ShadowRecords.readAll(sink.directory()).records());
  }
}
