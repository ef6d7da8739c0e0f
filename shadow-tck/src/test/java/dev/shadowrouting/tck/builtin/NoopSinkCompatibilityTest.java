package dev.shadowrouting.tck.builtin;

import dev.shadowrouting.ShadowSink;
import dev.shadowrouting.tck.ShadowSinkCompatibilityKit;

/** The no-op sink keeps nothing, so the read-back checks are skipped and the rest run. */
class NoopSinkCompatibilityTest extends ShadowSinkCompatibilityKit<ShadowSink> {

  @Override
  protected ShadowSink createSink() {
    return ShadowSink.noop();
  }
}
