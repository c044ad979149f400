package org.leukostream.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.leukostream.embedded.EmbeddedKafkaBroker;
import org.leukostream.embedded.EmbeddedStack;

/**
 * Quarkus test resource that starts an {@link EmbeddedStack} for a {@code @QuarkusTest} /
 * {@code @QuarkusIntegrationTest} and points the application at it: Kafka bootstrap servers, the
 * registry URL for SmallRye Kafka and Kafka Streams serdes, and a fresh Kafka Streams state
 * directory (a reused one corrupts counts against a new broker).
 *
 * <pre>{@code @QuarkusTestResource(EmbeddedStackTestResource.class)}</pre>
 */
public final class EmbeddedStackTestResource implements QuarkusTestResourceLifecycleManager {
  private EmbeddedStack stack;
  private Path stateDir;

  @Override
  public Map<String, String> start() {
    stack = EmbeddedStack.start();
    try {
      stateDir = Files.createTempDirectory("leukostream-streams-state-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "kafka.bootstrap.servers", stack.bootstrapServers(),
        "quarkus.kafka-streams.bootstrap-servers", stack.bootstrapServers(),
        "schema.registry.url", stack.registryUrl(),
        "mp.messaging.connector.smallrye-kafka.schema.registry.url", stack.registryUrl(),
        "kafka-streams.schema.registry.url", stack.registryUrl(),
        "kafka-streams.state.dir", stateDir.toString());
  }

  @Override
  public void stop() {
    if (stack != null) {
      stack.close();
      stack = null;
    }
    if (stateDir != null) {
      EmbeddedKafkaBroker.deleteRecursively(stateDir);
    }
  }
}
