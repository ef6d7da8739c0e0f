/**
 * Crash-safe JSON Lines files of records ({@link dev.shadowrouting.sinks.jsonl.JsonLinesSink}),
 * reading them back and comparing offline ({@link dev.shadowrouting.sinks.jsonl.ShadowRecords}).
 * Needs {@code com.fasterxml.jackson.core:jackson-core}, an optional dependency of shadow-core.
 */
@NullMarked
package dev.shadowrouting.sinks.jsonl;

import org.jspecify.annotations.NullMarked;
