package org.leukostream.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The {@link EmbeddedStackTestResource} with a registry that demands HTTP basic credentials, as a
 * secured one in a cluster does: the application gets them only through its configuration, the
 * test's own clients through {@link #clientConfig}.
 *
 * <pre>
 * {@code @QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)}
 * </pre>
 */
public final class SecuredStackTestResource implements QuarkusTestResourceLifecycleManager {
  /** The registry's only user. */
  public static final String USER = "service:registry-secret";

  private final EmbeddedStackTestResource stack = new EmbeddedStackTestResource();

  /** Client settings for the stack with the registry's credentials. */
  public static Map<String, Object> clientConfig(String bootstrapServers, String registryUrl) {
    Map<String, Object> config =
        new HashMap<>(TopicReader.clientConfig(bootstrapServers, registryUrl));
    config.put(SerdeConfig.BASIC_AUTH_USER_INFO, USER);
    return config;
  }

  @Override
  public Map<String, String> start() {
    stack.init(Map.of(EmbeddedStackTestResource.REGISTRY_BASIC_AUTH, USER));
    return stack.start();
  }

  @Override
  public void stop() {
    stack.stop();
  }
}
