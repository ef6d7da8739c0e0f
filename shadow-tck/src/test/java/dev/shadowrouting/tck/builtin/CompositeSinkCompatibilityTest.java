package dev.shadowrouting.tck.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shadowrouting.InMemorySink;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code ShadowSink.composite(first, second)} of two in-memory sinks: both must see everything. */
class CompositeSinkCompatibilityTest extends ShadowSinkCompatibilityKit<ShadowSink> {
  private final Map<ShadowSink, InMemorySink[]> parts =
      java.util.Collections.synchronizedMap(new IdentityHashMap<>());

  @Override
  protected ShadowSink createSink() {
    InMemorySink first = ShadowSink.inMemory();
    InMemorySink second = ShadowSink.inMemory();
    ShadowSink composite = ShadowSink.composite(first, second);
    parts.put(composite, new InMemorySink[] {first, second});
    return composite;
  }

  @Override
  protected Optional<List<ShadowRecord>> recordsSeen(ShadowSink sink) {
    InMemorySink[] both = parts.get(sink);
    List<ShadowRecord> first = both[0].records();
    assertThat(both[1].records()).as("the composite's second sink gets what its first gets")
        .containsExactlyInAnyOrderElementsOf(first); // threads interleave between the two
    return Optional.of(first);
  }
}
