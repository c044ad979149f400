package org.leukostream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.HttpSchemaRegistryClient;
import org.leukostream.schemas.registry.RegistryUnavailableException;

class EmbeddedStackTestResourceTest {

  @Test
  void pointsQuarkusAtAFreshStackAndStopsIt() throws Exception {
    var resource = new EmbeddedStackTestResource();
    Map<String, String> config = resource.start();
    String registryUrl = config.get("mp.messaging.connector.smallrye-kafka.schema.registry.url");
    Path stateDir = Path.of(config.get("kafka-streams.state.dir"));
    try {
      assertThat(config.get("kafka.bootstrap.servers")).startsWith("localhost:");
      assertThat(config.get("quarkus.kafka-streams.bootstrap-servers"))
          .isEqualTo(config.get("kafka.bootstrap.servers"));
      assertThat(config.get("kafka-streams.schema.registry.url")).isEqualTo(registryUrl);
      assertThat(stateDir).isEmptyDirectory();
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                  config.get("kafka.bootstrap.servers")))) {
        assertThat(admin.listTopics().names().get()).contains(Topics.DIAGNOSES.name());
      }
    } finally {
      resource.stop();
    }

    assertThat(Files.exists(stateDir)).isFalse();
    var client = new HttpSchemaRegistryClient(List.of(registryUrl), null, Duration.ofSeconds(2));
    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class);
  }
}
