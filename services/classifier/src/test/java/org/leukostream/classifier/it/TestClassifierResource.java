package org.leukostream.classifier.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.HashMap;
import java.util.Map;

/** Points the service at initialised small test models, in batches of at most 8 crops. */
public final class TestClassifierResource implements QuarkusTestResourceLifecycleManager {
  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(TestCrops.modelConfig());
    config.put("leukostream.classifier.batch.max-size", "8");
    config.put("leukostream.classifier.batch.warm-up", "1,8");
    return config;
  }

  @Override
  public void stop() {}
}
