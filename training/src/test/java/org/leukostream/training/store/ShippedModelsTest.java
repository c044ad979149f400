package org.leukostream.training.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.training.data.DetectionData;
import org.leukostream.training.data.HeldOut;
import org.leukostream.training.data.LabelledImage;
import org.leukostream.training.eval.ClassifierEvaluation;
import org.leukostream.training.eval.DetectionMetrics;

/** The default models shipped in the jar load from the class path and do what their cards say. */
class ShippedModelsTest {
  static final String DETECTOR = "classpath:org/leukostream/models/default/detector";
  static final Path BCCD = Path.of("..", "..", "shared", "datasets", "bccd");

  @Test
  void theDefaultDetectorLoadsFromTheClassPath() throws Exception {
    try (StoredModel model = ModelStore.load(DETECTOR, Device.cpu());
        WbcDetector detector = new WbcDetector(model, DetectorSettings.DEFAULT)) {
      assertThat(model.manifest().name()).isEqualTo("wbc-detector");
      assertThat(model.manifest().version()).isEqualTo("2026.11.30-bccd-txl-syn3");
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

  /**
   * The bone-marrow set's detector meets the detector targets on the held-out parts its
   * card reports (AP@0.5 >= 0.95 on BCCD test, >= 0.90 on TXL-PBC val), when the shared sets are
   * present.
   */
  @Test
  void theBoneMarrowSetsDetectorMeetsItsCardOnBccdTestAndTxlPbcVal() throws Exception {
    Path txl = Path.of("..", "..", "shared", "datasets", "txl-pbc");
    assumeThat(Files.isDirectory(BCCD) && Files.isDirectory(txl))
        .as("shared BCCD and TXL-PBC present")
        .isTrue();
    Map<String, DetectionMetrics.Result> results = new LinkedHashMap<>();
    try (StoredModel model =
            ModelStore.load("classpath:org/leukostream/models/marrow/detector", Device.cpu());
        WbcDetector detector = new WbcDetector(model, new DetectorSettings(0.05, 0.5, 300, 4))) {
      assertThat(model.manifest().version()).isEqualTo("2026.12.02-bccd-txl-syn-matek8c");
      results.put(
          "bccd test",
          DetectionMetrics.evaluate(
              detector, DetectionData.pascalVoc(BCCD, "test", Set.of("WBC")), 0.5));
      results.put(
          "txl-pbc val",
          DetectionMetrics.evaluate(detector, DetectionData.yolo(txl, "val", Set.of(0)), 0.5));
    }
    assertThat(results.get("bccd test").truths()).isEqualTo(71);
    assertThat(results.get("bccd test").averagePrecision()).isGreaterThanOrEqualTo(0.95);
    assertThat(results.get("txl-pbc val").truths()).isEqualTo(305);
    assertThat(results.get("txl-pbc val").averagePrecision()).isGreaterThanOrEqualTo(0.90);
  }

  static final Path DATASETS = Path.of("..", "..", "shared", "datasets");
  // Floors a little under the held-out accuracies in the model cards; the service's blast weights.
  static final double COUNTABLE_FLOOR = 0.93; // measured 0.9471 on 1192 images
  static final double WBC_FLOOR = 0.67; // measured 0.6886 on 578 images
  static final double BLAST_FLOOR = 0.79; // measured 0.8161 on 87 images
  static final double BLAST_VIT_WEIGHT = 0.3;
  static final String DEFAULTS = "classpath:org/leukostream/models/default/";

  /**
   * A shipped classifier stage: its task, members with the service's default weights, the floor
   * under the held-out accuracy its model card reports (the card gives the exact figure).
   */
  record Stage(String task, Map<String, Double> members, double minimumAccuracy) {}

  static final List<Stage> STAGES =
      List.of(
          new Stage("countable", Map.of("countable", 1.0), COUNTABLE_FLOOR),
          new Stage(
              "wbc",
              Map.of("wbc-resnext101", 1 / 3.0, "wbc-resnext50", 1 / 3.0, "wbc-resnet50", 1 / 3.0),
              WBC_FLOOR),
          new Stage(
              "blast",
              Map.of("blast-vit", BLAST_VIT_WEIGHT, "blast-efficientnet", 1 - BLAST_VIT_WEIGHT),
              BLAST_FLOOR));

  @Test
  void theDefaultClassifiersLoadFromTheClassPathWithTheirTaxonomies() throws Exception {
    Map<String, List<String>> classes = new LinkedHashMap<>();
    for (Stage stage : STAGES) {
      for (String member : stage.members().keySet()) {
        try (StoredModel model = ModelStore.load(DEFAULTS + member, Device.cpu())) {
          assertThat(model.manifest().name()).isEqualTo(member);
          assertThat(model.manifest().version()).startsWith("2026.11.30-");
          classes.put(member, model.manifest().classes().stream().map(ModelClass::name).toList());
        }
      }
    }
    assertThat(classes.get("countable")).containsExactly("countable", "uncountable");
    assertThat(classes.get("blast-vit")).containsExactly("blast", "normal");
    assertThat(classes.get("blast-efficientnet")).isEqualTo(classes.get("blast-vit"));
    assertThat(classes.get("wbc-resnext101"))
        .contains("blast", "lymphocyte", "neutrophil", "platelet")
        .hasSize(9);
    assertThat(classes.get("wbc-resnext50")).isEqualTo(classes.get("wbc-resnext101"));
    assertThat(classes.get("wbc-resnet50")).isEqualTo(classes.get("wbc-resnext101"));
  }

  /**
   * Each stage, as the classifier service combines it, on the real images its training run held out
   * ({@code heldout.tsv} beside the weights; when the shared data sets are present).
   */
  @Test
  void theDefaultStagesScoreTheirHeldOutImagesAsTheirCardsSay() throws Exception {
    assumeThat(Files.isDirectory(DATASETS.resolve("matek-bm"))).as("shared data present").isTrue();
    for (Stage stage : STAGES) {
      List<LabelledImage> images = null;
      for (String member : stage.members().keySet()) {
        List<LabelledImage> own = heldOut(member);
        if (images != null) {
          assertThat(own)
              .as("%s holds out what its ensemble's other members hold out", member)
              .isEqualTo(images);
        }
        images = own;
      }
      Map<String, Double> locations = new LinkedHashMap<>();
      stage.members().forEach((m, w) -> locations.put(DEFAULTS + m, w));
      ClassifierEvaluation.Result result;
      try (Ensemble ensemble = Ensemble.load(stage.task(), locations, Device.cpu(), 32)) {
        result = ClassifierEvaluation.evaluate(ensemble, images, 32, n -> {});
      }
      System.out.printf(
          "%s held-out accuracy %.4f on %d images%n",
          stage.task(), result.metrics().accuracy(), images.size());
      assertThat(result.metrics().total()).isEqualTo(images.size());
      assertThat(result.metrics().accuracy())
          .as("%s held-out accuracy", stage.task())
          .isGreaterThanOrEqualTo(stage.minimumAccuracy());
    }
  }

  static List<LabelledImage> heldOut(String member) {
    return HeldOut.of(DEFAULTS + member)
        .orElseThrow(() -> new AssertionError(member + " ships no " + HeldOut.FILE))
        .resolve(DATASETS);
  }
}
