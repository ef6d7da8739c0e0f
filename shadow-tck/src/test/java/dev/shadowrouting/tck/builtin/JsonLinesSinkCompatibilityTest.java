package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.sinks.jsonl.JsonLinesSink;
import dev.shadowrouting.sinks.jsonl.ShadowRecords;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JsonLinesSink} with its default settings, one directory per sink; what it saw is what
 * {@link ShadowRecords#readAll} reads back from that directory.
 */
class JsonLinesSinkCompatibilityTest extends ShadowSinkCompatibilityKit<JsonLinesSink> {
  @TempDir Path root;
  private final AtomicInteger sinks = new AtomicInteger();

  @Override
  protected JsonLinesSink createSink() {
    return JsonLinesSink.builder(root.resolve("sink-" + sinks.incrementAndGet())).build();
  }

  @Override
  protected Optional<List<ShadowRecord>> recordsSeen(JsonLinesSink sink) throws IOException {
    if (!sink.directory().toFile().exists()) {
      return Optional.of(List.of()); // nothing was ever written
    }
    return Optional.of(ShadowRecords.readAll(sink.directory()).records());
  }
}
