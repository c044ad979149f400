package org.leukostream.ehr.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts an {@link InMemoryFhirServer} and points the bridge's delivery at it, with its bearer
 * token in a file as a mounted Secret would hold it.
 */
public final class FhirServerTestResource implements QuarkusTestResourceLifecycleManager {
  static final String INITIAL_TOKEN = "initial-token";
  static volatile InMemoryFhirServer server;
  static volatile Path tokenFile;

  @Override
  public Map<String, String> start() {
    server = new InMemoryFhirServer();
    try {
      tokenFile = Files.createTempFile("fhir-token", ".txt");
      Files.writeString(tokenFile, INITIAL_TOKEN + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "leukostream.ehr.server.base-url",
        server.baseUrl(),
        "leukostream.ehr.server.bearer-token-file",
        tokenFile.toString());
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
    if (tokenFile != null) {
      tokenFile.toFile().delete();
    }
  }
}
