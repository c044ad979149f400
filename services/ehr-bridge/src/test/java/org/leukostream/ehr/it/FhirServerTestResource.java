package org.leukostream.ehr.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Starts an {@link InMemoryFhirServer} and points the bridge's delivery at it. */
public final class FhirServerTestResource implements QuarkusTestResourceLifecycleManager {
  static volatile InMemoryFhirServer server;

  @Override
  public Map<String, String> start() {
    server = new InMemoryFhirServer();
    return Map.of("leukostream.ehr.server.base-url", server.baseUrl());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }
}
