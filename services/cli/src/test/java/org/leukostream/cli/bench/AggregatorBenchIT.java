package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.leukostream.cli.Main;

/**
 * The aggregator benchmark on a small cohort: it must finish every case with the right decision.
 */
class AggregatorBenchIT {

  @Test
  void smallCohortEndsWithEveryFinalMatchingTheGroundTruth() throws Exception {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));

    int exit = cli.execute("bench", "aggregator", "--cases", "4", "--cells", "250", "--json");

    assertThat(exit).isZero();
    JsonNode result = new ObjectMapper().readTree(out.toString());
    assertThat(result.path("guarantee").asText()).isEqualTo("exactly_once_v2");
    assertThat(result.path("labels").asInt()).isEqualTo(1000);
    assertThat(result.path("inputRecords").asInt()).isEqualTo(1000 + 4 * (5 + 2));
    assertThat(result.path("finals").asInt()).isEqualTo(4);
    assertThat(result.path("finalsMatchingGroundTruth").asInt()).isEqualTo(4);
    assertThat(result.path("labelsPerSecond").asDouble()).isPositive();
    assertThat(result.path("rawProduceRecordsPerSecond").asDouble()).isPositive();
  }
}
