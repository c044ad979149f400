package org.leukostream.detector.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.leukostream.training.testing.TestModels;

/**
 * Points the service at the small detector trained on synthetic fields (trained once per build).
 */
public final class TestDetectorResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    return Map.of(
        "leukostream.detector.model",
        TestModels.syntheticDetector().toString(),
        "leukostream.detector.score-threshold",
        "0.3");
  }

  @Override
  public void stop() {}
}
