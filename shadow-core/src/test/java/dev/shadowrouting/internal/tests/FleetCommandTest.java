package dev.shadowrouting.internal.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A fleet command's serial form reads back equal; anything else is refused, saying why. */
class FleetCommandTest {

  private static final FleetCommand START = new FleetCommand("id-1", "fraud",
      FleetCommand.Action.START_TEST, "v3", null, false,
      Map.of("minAgreement", "0.9", "duration", "PT1H"), "pod-a",
      Instant.ofEpochMilli(1_800_000_000_123L));

  @Test
  void readsBackEqual() {
    assertThat(FleetCommand.fromBytes(START.toBytes())).isEqualTo(START);
    FleetCommand promote = FleetCommand.issue("fraud", FleetCommand.Action.PROMOTE, "v3",
        "fraud/v3/0a1b2c3d", true, Map.of(), "pod-é");
    assertThat(FleetCommand.fromBytes(promote.toBytes())).isEqualTo(promote);
    assertThat(START.settings().keySet()).containsExactly("duration", "minAgreement");
    assertThat(promote.toString()).isEqualTo("promote 'v3' (force) of endpoint 'fraud' (command "
        + promote.id() + " from pod-é)");
  }

  @Test
  void refusesOtherTruncatedOrTrailingBytes() {
    byte[] bytes = START.toBytes();
    assertThatThrownBy(() -> FleetCommand.fromBytes(new byte[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no SRCM header");
    assertThatThrownBy(() -> FleetCommand.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> FleetCommand.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    byte[] v2 = bytes.clone();
    v2[7] = 2;
    assertThatThrownBy(() -> FleetCommand.fromBytes(v2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version 2");
  }
}
