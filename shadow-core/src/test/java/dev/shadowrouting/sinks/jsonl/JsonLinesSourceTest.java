package dev.shadowrouting.sinks.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.ReplaySource;
import dev.shadowrouting.ShadowRecord;
import dev.shadowrouting.internal.Documents;
import dev.shadowrouting.sinks.SinkFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSON Lines replay source: order, locations, malformed lines, progress, parse. */
class JsonLinesSourceTest {
  @TempDir
  Path tmp;

  private static String line(ShadowRecord r) {
    return Documents.json(w -> Documents.record(r, w));
  }

  private static List<ReplaySource.Entry> readAll(ReplaySource source) throws IOException {
    List<ReplaySource.Entry> entries = new ArrayList<>();
    for (ReplaySource.Entry e = source.next(); e != null; e = source.next()) {
      entries.add(e);
    }
    return entries;
  }

  @Test
  void readsTheFilesOfADirectoryInNameOrderWithFileAndLineOfEachEntry() throws Exception {
    ShadowRecord a = SinkFixtures.production().toBuilder().requestId("a").input(1).build();
    ShadowRecord b = SinkFixtures.shadow(Outcome.ERROR).requestId("b").build();
    Path first = tmp.resolve("shadow-records-20261201T100000000Z-000000.jsonl");
    Path second = tmp.resolve("shadow-records-20261201T110000000Z-000001.jsonl");
    Files.writeString(second, line(b) + "\n{\"schema\":2,\"endpoint\":\"x\"}\n",
        StandardCharsets.UTF_8);
    Files.writeString(first, line(a) + "\n\n" + line(a) + "\n", StandardCharsets.UTF_8);
    Files.writeString(tmp.resolve("notes.txt"), "not a capture", StandardCharsets.UTF_8);

    try (JsonLinesSource source = JsonLinesSource.open(tmp)) {
      assertThat(source.description()).isEqualTo("2 files in " + tmp);
      assertThat(source.fractionRead()).isZero();
      List<ReplaySource.Entry> entries = readAll(source);

      assertThat(entries).extracting(ReplaySource.Entry::location).containsExactly(
          first + ":1", first + ":3", second + ":1", second + ":2");
      assertThat(entries.get(0).record().requestId()).isEqualTo("a");
      assertThat(entries.get(0).record().input()).isEqualTo(1);
      assertThat(entries.get(2).record().outcome()).isEqualTo(Outcome.ERROR);
      assertThat(entries.get(3).isMalformed()).isTrue();
      assertThat(entries.get(3).problem()).isEqualTo("not a valid record: no variant");
      assertThat(source.fractionRead()).isEqualTo(1.0);
      assertThat(source.next()).isNull();
    }
  }

  @Test
  void aTornLastLineIsAMalformedEntryThatNeverQuotesItsContent() throws Exception {
    ShadowRecord r = SinkFixtures.production().toBuilder().input(Map.of("card", "4111")).build();
    String whole = line(r);
    Path file = tmp.resolve("capture.jsonl");
    Files.writeString(file, whole + "\n" + whole.substring(0, whole.indexOf("4111") + 2),
        StandardCharsets.UTF_8);

    try (JsonLinesSource source = JsonLinesSource.open(file)) {
      List<ReplaySource.Entry> entries = readAll(source);

      assertThat(entries).hasSize(2);
      assertThat(entries.get(1).location()).isEqualTo(file + ":2");
      assertThat(entries.get(1).problem()).doesNotContain("41")
          .isEqualTo("the line ends inside a JSON value (a torn last line?)");
    }
  }

  @Test
  void parseReadsOneRecordAndExplainsWithoutQuoting() throws Exception {
    ShadowRecord r = SinkFixtures.production().toBuilder().input(List.of(1.5, 2.5)).build();

    assertThat(ShadowRecords.parse(line(r)).input()).isEqualTo(List.of(1.5, 2.5));
    assertThatThrownBy(() -> ShadowRecords.parse("{\"schema\":2,\"input\":secret}"))
        .isInstanceOf(IOException.class)
        .hasMessage("not valid JSON at column 21");
    assertThatThrownBy(() -> ShadowRecords.parse("[1]"))
        .isInstanceOf(IOException.class).hasMessage("a record must be a JSON object");
  }

  @Test
  void aMissingPathOrAnEmptyDirectoryIsRefusedAtOpen() throws Exception {
    assertThatThrownBy(() -> JsonLinesSource.open(tmp.resolve("nope")))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope");
    assertThatThrownBy(() -> JsonLinesSource.open(tmp))
        .isInstanceOf(NoSuchFileException.class).hasMessageContaining("no *.jsonl files");
  }

  @Test
  void aClosedSourceRefusesToRead() throws Exception {
    Path file = tmp.resolve("capture.jsonl");
    Files.writeString(file, line(SinkFixtures.production()) + "\n", StandardCharsets.UTF_8);
    JsonLinesSource source = JsonLinesSource.open(file);
    source.close();
    source.close(); // idempotent

    assertThatThrownBy(source::next).isInstanceOf(IOException.class)
        .hasMessageContaining("is closed");
  }
}
