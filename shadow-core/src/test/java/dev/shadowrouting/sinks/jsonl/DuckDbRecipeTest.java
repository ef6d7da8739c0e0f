package dev.shadowrouting.sinks.jsonl;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shadowrouting.Outcome;
import dev.shadowrouting.RejectReason;
import dev.shadowrouting.sinks.SinkFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/sinks.md's DuckDB recipe, run for real with DuckDB's JDBC driver on files that end with the
 * torn line a crash leaves: {@code read_json_auto} stops at it, the recipe does not.
 */
class DuckDbRecipeTest {

  @TempDir
  Path tmp;

  /** docs/sinks.md's query, with the directory filled in. */
  static String recipe(Path dir) {
    return "select variant, outcome, sum(coalesce(\"count\", 1)) as copies"
        + " from read_ndjson('" + dir + "/*.jsonl', ignore_errors = true)"
        + " where variant is not null group by all order by all";
  }

  @Test
  void theRecipeReadsAFileWithATornLastLine() throws Exception {
    try (JsonLinesSink sink = JsonLinesSink.builder(tmp).build()) {
      for (int i = 0; i < 7; i++) {
        sink.accept(SinkFixtures.shadow(Outcome.SUCCESS).build());
      }
      sink.accept(SinkFixtures.shadow(Outcome.REJECTED).rejectReason(RejectReason.QUEUE_FULL)
          .requestId(null).count(5).build()); // an aggregated rejection
    }
    Path file = JsonLinesSink.files(tmp, "*.jsonl").get(0);
    Files.writeString(file, "{\"schema\":2,\"ts\":\"2026-11-23T10:15:30Z\",\"endpo", UTF_8,
        StandardOpenOption.APPEND); // what a SIGKILL mid-write leaves

    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement naive = db.createStatement()) {
        assertThatThrownBy(() -> naive.executeQuery("select count(*) from read_json_auto('"
            + tmp + "/*.jsonl')")).isInstanceOf(SQLException.class);
      }
      Map<String, Long> copies = new LinkedHashMap<>();
      try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(recipe(tmp))) {
        while (rs.next()) {
          copies.put(rs.getString(1) + " " + rs.getString(2), rs.getLong(3));
        }
      }
      assertThat(copies).containsExactly(
          Map.entry("candidate REJECTED", 5L), Map.entry("candidate SUCCESS", 7L));
    }
  }
}
