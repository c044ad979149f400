package org.leukostream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.leukostream.cli.Main;
import org.leukostream.schemas.Topics;
import picocli.CommandLine;

class StackCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void startsTheStackPrintsItsAddressesAndStopsCleanly() throws Exception {
    StackCommand command = new StackCommand();
    StringWriter output = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(output, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--json"));

    await().atMost(Duration.ofSeconds(60)).until(() -> output.toString().contains("\"started\""));
    JsonNode started = JSON.readTree(output.toString().lines().findFirst().orElseThrow());
    String bootstrap = started.path("bootstrapServers").asText();
    assertThat(started.path("registryUrl").asText()).startsWith("http://localhost:");
    assertThat(started.path("startupMillis").asLong()).isPositive();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get()).contains(Topics.SLIDE_FIELDS.name());
    }

    command.requestStop();

    assertThat(exit.get()).isZero();
    assertThat(output.toString().lines()).last().isEqualTo("{\"event\":\"stopped\"}");
  }

  @Test
  void helpListsTheCommands() {
    StringWriter output = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(output, true));

    int exit = cli.execute("--help");

    assertThat(exit).isZero();
    assertThat(output.toString()).contains("Usage: leukostream").contains("stack");
  }

  @Test
  void unknownCommandIsAUsageError() {
    CommandLine cli = Main.commandLine();
    cli.setErr(new PrintWriter(new StringWriter(), true));

    assertThat(cli.execute("frobnicate")).isEqualTo(2);
  }
}
