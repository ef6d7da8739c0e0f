package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.sinks.micrometer.MicrometerSink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * {@link MicrometerSink} on a {@link SimpleMeterRegistry}. A metrics sink only counts: every record
 * is either timed ({@code shadow.invocations}, the calls that ran) or counted as rejected ({@code
 * shadow.rejected}), so their sum is the number of records it saw.
 */
class MicrometerSinkCompatibilityTest extends ShadowSinkCompatibilityKit<MicrometerSink> {
  private final Map<MicrometerSink, MeterRegistry> registries =
      Collections.synchronizedMap(new IdentityHashMap<>());

  @Override
  protected MicrometerSink createSink() {
    MeterRegistry registry = new SimpleMeterRegistry();
    MicrometerSink sink = MicrometerSink.builder(registry).percentileHistogram(true).build();
    registries.put(sink, registry);
    return sink;
  }

  @Override
  protected OptionalLong recordCount(MicrometerSink sink) {
    MeterRegistry registry = registries.get(sink);
    long timed = registry.find(MicrometerSink.INVOCATIONS).timers().stream()
        .mapToLong(Timer::count).sum();
    double rejected = registry.find(MicrometerSink.REJECTED).counters().stream()
        .mapToDouble(Counter::count).sum();
    return OptionalLong.of(timed + (long) rejected);
  }
}
