package org.leukostream.schemas.registry;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Failures that need no registry: a closed port, and a stub HTTP server giving the replies of a
 * registry that refuses this client, is overloaded, or is not a registry. None of them may read as
 * a schema error (which dead-letters the record); the REST exchange itself is tested against the
 * development registry in embedded.
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

  @ParameterizedTest
  @CsvSource({
    "401, application/json, '{\"error_code\":40101,\"message\":\"Unauthorized\"}', basic.auth.user.info",
    "403, application/json, '{\"error_code\":40301,\"message\":\"Forbidden\"}', not authorised",
    "429, application/json, '{\"error_code\":429,\"message\":\"Too many\"}', too busy",
    "503, text/plain, 'maintenance', server error",
    "200, text/html, '<html>login</html>', not JSON",
    "404, text/html, '<html>no such page</html>', not JSON"
  })
  void refusalsAndRepliesOfSomethingElseAreUnavailableNotSchemaErrors(
      int status, String type, String body, String says) throws IOException {
    HttpServer stub = stub(status, type, body);
    try {
      assertThatThrownBy(() -> client(stub).schemaById(1))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining(String.valueOf(status))
          .hasMessageContaining(says);
    } finally {
      stub.stop(0);
    }
  }

  @Test
  void aSchemaTheRegistryDoesNotKnowIsASchemaErrorNotAnOutage() throws IOException {
    HttpServer stub =
        stub(404, "application/json", "{\"error_code\":40403,\"message\":\"Schema not found\"}");
    try {
      assertThatThrownBy(() -> client(stub).schemaById(7))
          .isInstanceOf(SchemaNotFoundException.class);
    } finally {
      stub.stop(0);
    }
  }

  /** A loopback HTTP server giving every request the same reply. */
  private static HttpServer stub(int status, String type, String body) throws IOException {
    HttpServer stub =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", type);
          exchange.sendResponseHeaders(status, bytes.length);
          try (var out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    stub.start();
    return stub;
  }

  private static HttpSchemaRegistryClient client(HttpServer stub) {
    return new HttpSchemaRegistryClient(
        List.of("http://127.0.0.1:" + stub.getAddress().getPort()), null, Duration.ofSeconds(2));
  }

  @Test
  void noUrlIsAClearError() {
    assertThatThrownBy(() -> SchemaRegistries.forUrl(" ", null, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("No schema registry URL");
  }
}
