package org.leukostream.cli.describe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.leukostream.cli.Main;
import org.leukostream.models.arch.Architecture;

class DescribeCommandTest {

  @Test
  void printsTheArchitecturesMeasuredSizeAsJson() throws Exception {
    StringWriter out = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));

    int exit =
        cli.execute("describe", "--arch", "vit", "--preset", "small", "--classes", "2", "--json");

    assertThat(exit).isZero();
    JsonNode json = new ObjectMapper().readTree(out.toString());
    Architecture.Summary expected = Architecture.find("vit", "small").orElseThrow().summarize(2);
    assertThat(json.path("arch").asText()).isEqualTo("vit");
    assertThat(json.path("preset").asText()).isEqualTo("small");
    assertThat(json.path("params").asLong()).isEqualTo(expected.params());
    assertThat(json.path("gflops").asDouble())
        .isCloseTo(expected.gflops(), org.assertj.core.api.Assertions.within(0.001));
  }

  @Test
  void unknownArchitectureIsAUsageErrorNamingTheKnownOnes() {
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setErr(new PrintWriter(err, true));

    int exit = cli.execute("describe", "--arch", "alexnet");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("alexnet").contains("resnext101_32x8d/paper");
  }
}
