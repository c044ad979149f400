package org.leukostream.detector.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Map;
import org.leukostream.training.testing.TestModels;

/**
 * Points the service at the small detector trained on synthetic fields (trained once per build),
 * with a claim-check root of the test's own ({@code leukostream.detector.claim-check.file-root}).
 */
public final class TestDetectorResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    try {
      return Map.of(
          "leukostream.detector.model",
          TestModels.syntheticDetector().toString(),
          "leukostream.detector.score-threshold",
          "0.3",
          "leukostream.detector.claim-check.file-root",
          Files.createTempDirectory("detector-claims-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void stop() {}
}
