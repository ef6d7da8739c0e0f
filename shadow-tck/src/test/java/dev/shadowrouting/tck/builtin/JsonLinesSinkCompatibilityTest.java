package dev.shadowrouting.tck.builtin;

import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** {@link dev.shadowrouting.sinks.jsonl.JsonLinesSink} under the kit: every check but one. */
class JsonLinesSinkCompatibilityTest extends JsonLinesSinkKit {

  @Override
  @Test
  @Disabled("known issue, pinned by KnownIssuesTest.jsonLinesSinkLosesRecordsAfterAnInterruptedFlush:"
      + " a write on an interrupted thread closes its FileChannel, and records are dropped until the"
      + " 1 s reopen back-off has passed")
  public void interruptedCaller() {}
}
