package org.leukostream.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.leukostream.embedded.EmbeddedKafkaBroker;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Quarkus test resource that starts an {@link EmbeddedStack} for a {@code @QuarkusTest} /
 * {@code @QuarkusIntegrationTest} and points the application at it: Kafka bootstrap servers, the
 * registry URL for SmallRye Kafka and Kafka Streams serdes, and a fresh Kafka Streams state
 * directory (a reused one corrupts counts against a new broker).
 *
 * <pre>{@code @QuarkusTestResource(EmbeddedStackTestResource.class)}</pre>
 *
 * <p>With the argument {@value #REGISTRY_BASIC_AUTH} ({@code user:password}) the registry demands
 * those credentials, as a secured one does, and the application is given them where a deployment
 * gives them ({@code basic.auth.user.info} for the messaging connector and Kafka Streams); the
 * test's own clients read them from {@value #REGISTRY_BASIC_AUTH}.
 */
public final class EmbeddedStackTestResource implements QuarkusTestResourceLifecycleManager {
  /** The argument and setting that secure the registry with HTTP basic credentials. */
  public static final String REGISTRY_BASIC_AUTH = "leukostream.test.registry-basic-auth";

  private EmbeddedStack stack;
  private Path stateDir;
  private String basicAuth;

  @Override
  public void init(Map<String, String> initArgs) {
    basicAuth = initArgs.get(REGISTRY_BASIC_AUTH);
  }

  @Override
  public Map<String, String> start() {
    stack = EmbeddedStack.start();
    try {
      stateDir = Files.createTempDirectory("leukostream-streams-state-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> config = new HashMap<>();
    config.put("kafka.bootstrap.servers", stack.bootstrapServers());
    config.put("quarkus.kafka-streams.bootstrap-servers", stack.bootstrapServers());
    config.put("schema.registry.url", stack.registryUrl());
    config.put(SerdeConfig.MESSAGING_PREFIX + SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
    config.put(SerdeConfig.STREAMS_PREFIX + SerdeConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
    config.put("kafka-streams.state.dir", stateDir.toString());
    if (basicAuth != null) {
      stack.registry().requireBasicAuth(basicAuth);
      config.put(SerdeConfig.MESSAGING_PREFIX + SerdeConfig.BASIC_AUTH_USER_INFO, basicAuth);
      config.put(SerdeConfig.STREAMS_PREFIX + SerdeConfig.BASIC_AUTH_USER_INFO, basicAuth);
      config.put(REGISTRY_BASIC_AUTH, basicAuth);
    }
    return config;
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
