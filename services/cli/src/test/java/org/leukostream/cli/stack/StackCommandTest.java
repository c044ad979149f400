package org.leukostream.cli.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.cli.ClusterOptions;
import org.leukostream.cli.Main;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import picocli.CommandLine;

class StackCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void startsTheStackPrintsItsAddressesAndStopsCleanly() throws Exception {
    StackCommand command = new StackCommand();
    StringWriter output = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(output, true));
    Path properties = dir.resolve("stack/client.properties");
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> cli.execute("--json", "--client-config", properties.toString()));

    await().atMost(Duration.ofSeconds(60)).until(() -> output.toString().contains("\"started\""));
    JsonNode started = JSON.readTree(output.toString().lines().findFirst().orElseThrow());
    String bootstrap = started.path("bootstrapServers").asText();
    assertThat(started.path("registryUrl").asText()).startsWith("http://localhost:");
    assertThat(started.path("startupMillis").asLong()).isPositive();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      assertThat(admin.listTopics().names().get()).contains(Topics.SLIDE_FIELDS.name());
    }
    // The client properties name the same stack, for scan --kafka-config and the services.
    assertThat(started.path("clientConfig").asText()).isEqualTo(properties.toString());
    Properties client = new Properties();
    try (var in = Files.newInputStream(properties)) {
      client.load(in);
    }
    assertThat(client)
        .containsEntry("bootstrap.servers", bootstrap)
        .containsEntry("schema.registry.url", started.path("registryUrl").asText());
    Path env = properties.resolveSibling("services.env");
    assertThat(Files.readAllLines(env))
        .containsExactly(
            "KAFKA_BOOTSTRAP_SERVERS=" + bootstrap,
            "SCHEMA_REGISTRY_URL=" + started.path("registryUrl").asText());
    ClusterOptions cluster = new ClusterOptions();
    cluster.bootstrap = "localhost:9092"; // scan's defaults, overridden by the file
    cluster.registry = "http://localhost:8081";
    cluster.kafkaConfig = properties;
    try (var producer = TopicWriter.producer(cluster.clientConfig(), Topics.CASE_EVENTS)) {
      producer
          .send(
              new ProducerRecord<>(
                  Topics.CASE_EVENTS.name(),
                  "stack-test",
                  CaseEvent.newBuilder()
                      .setCaseId("stack-test")
                      .setPatientKey("0".repeat(64))
                      .setType(CaseEventType.OPENED)
                      .setOccurredAt(Instant.now())
                      .build()))
          .get(30, TimeUnit.SECONDS);
    }

    command.requestStop();

    assertThat(exit.get()).isZero();
    assertThat(properties).as("removed with the stack").doesNotExist();
    assertThat(env).doesNotExist();
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
