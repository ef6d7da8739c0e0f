package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.util.List;
import java.util.Optional;

class InMemorySinkCompatibilityTest extends ShadowSinkCompatibilityKit<InMemorySink> {

  @Override
  protected InMemorySink createSink() {
    return ShadowSink.inMemory();
  }

  @Override
  protected Optional<List<ShadowRecord>> recordsSeen(InMemorySink sink) {
    return Optional.of(sink.records());
  }
}
