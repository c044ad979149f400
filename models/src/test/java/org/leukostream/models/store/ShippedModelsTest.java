package org.leukostream.models.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.leukostream.models.data.DetectionData;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.eval.DetectionMetrics;

/** The default models shipped in the jar load from the class path and do what their cards say. */
class ShippedModelsTest {
  static final String DETECTOR = "classpath:org/leukostream/models/default/detector";
  static final Path BCCD = Path.of("..", "..", "shared", "datasets", "bccd");

  @Test
  void theDefaultDetectorLoadsFromTheClassPath() throws Exception {
    try (StoredModel model = ModelStore.load(DETECTOR, Device.cpu());
        WbcDetector detector = new WbcDetector(model, DetectorSettings.DEFAULT)) {
      assertThat(model.manifest().name()).isEqualTo("wbc-detector");
      assertThat(model.manifest().version()).isEqualTo("2026.11.22-bccd3");
      detector.warmUp(1);
    }
  }

  /** The model card's BCCD test figures, recomputed (when the shared data set is present). */
  @Test
  void theDefaultDetectorFindsTheWhiteCellsOfBccdTest() throws Exception {
    assumeThat(Files.isDirectory(BCCD)).as("shared BCCD present").isTrue();
    List<DetectionData.Field> test = DetectionData.pascalVoc(BCCD, "test", Set.of("WBC"));
    DetectionMetrics.Result result;
    try (StoredModel model = ModelStore.load(DETECTOR, Device.cpu());
        WbcDetector detector = new WbcDetector(model, new DetectorSettings(0.05, 0.5, 300, 4))) {
      result = DetectionMetrics.evaluate(detector, test, 0.5);
    }
    assertThat(result.truths()).isEqualTo(71);
    assertThat(result.averagePrecision()).isGreaterThanOrEqualTo(0.95);
    assertThat(result.recall()).isGreaterThanOrEqualTo(0.95);
  }
}
