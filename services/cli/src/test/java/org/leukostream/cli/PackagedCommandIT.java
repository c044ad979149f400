package org.leukostream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.leukostream.schemas.Topics;

/**
 * The packaged command as {@code ./leukostream} runs it: {@code java -jar
 * target/leukostream-cli.jar} with its dependencies in {@code target/lib}, in a process of its own,
 * stopped by a signal.
 */
class PackagedCommandIT {
  private static final Path JAR = Path.of("target", "leukostream-cli.jar");

  @Test
  void stackStartsInItsOwnProcessAndStopsOnSigterm() throws Exception {
    assertThat(JAR).exists();
    Process process =
        new ProcessBuilder(javaBinary(), "-jar", JAR.toString(), "stack", "--json")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    List<String> lines = new ArrayList<>();
    try (var out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String first = out.readLine();
      assertThat(first).as("first output line").isNotNull();
      lines.add(first);
      JsonNode started = new ObjectMapper().readTree(first);
      assertThat(started.path("event").asText()).isEqualTo("started");
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  started.path("bootstrapServers").asText()))) {
        assertThat(admin.listTopics().names().get()).contains(Topics.DIAGNOSES.name());
      }

      process.toHandle().destroy(); // SIGTERM, leaving our end of its output open
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      out.lines().forEach(lines::add);
    } finally {
      process.destroyForcibly();
    }
    assertThat(process.exitValue()).isZero();
    assertThat(lines).last().isEqualTo("{\"event\":\"stopped\"}");
  }

  @Test
  void versionComesFromTheManifest() throws Exception {
    Process process =
        new ProcessBuilder(javaBinary(), "-jar", JAR.toString(), "--version")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    assertThat(output.strip()).matches("leukostream \\d+\\.\\d+\\.\\d+.*");
  }

  private static String javaBinary() {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return Files.isExecutable(java) ? java.toString() : "java";
  }
}
