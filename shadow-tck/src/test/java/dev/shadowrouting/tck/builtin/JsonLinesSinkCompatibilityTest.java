package dev.shadowrouting.tck.builtin;

/** {@link dev.shadowrouting.sinks.jsonl.JsonLinesSink} under the kit: every check. */
class JsonLinesSinkCompatibilityTest extends JsonLinesSinkKit {}
