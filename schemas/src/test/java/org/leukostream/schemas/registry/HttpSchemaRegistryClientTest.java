package org.leukostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failures that need no server; the REST exchange itself is tested against the dev registry in
 * testkit.
 */
class HttpSchemaRegistryClientTest {

  @Test
  void unreachableRegistryIsAClearError() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    var client =
        new HttpSchemaRegistryClient(
            List.of("http://127.0.0.1:" + closedPort), null, Duration.ofSeconds(2));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + closedPort)
        .hasMessageContaining("unreachable");
  }

  @Test
  void noUrlIsAClearError() {
    assertThatThrownBy(() -> SchemaRegistries.forUrl(" ", null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No schema registry URL");
  }
}
