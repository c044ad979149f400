package org.leukostream.training.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.training.eval.DetectionMetrics;
import org.leukostream.training.testing.TestModels;

/**
 * The small RetinaNet, trained for a few seconds on synthetic fields, finds the white cells of
 * fields it has never seen; saved and loaded it detects the same boxes; its boxes become crops.
 */
class DetectorTrainingTest {
  static final DetectorSettings SETTINGS = new DetectorSettings(0.3, 0.4, 100, 2);

  @TempDir static Path dir;
  static List<Float> losses;

  static CellDetection truth(SmearCell cell) {
    return new CellDetection(
        cell.box().x, cell.box().y, cell.box().width, cell.box().height, 1, "wbc");
  }

  static Image image(SmearField field) {
    return ImageFactory.getInstance().fromImage(field.image());
  }

  /** 150 steps of 4 fields drawn from 16 training fields (seed 1): about 30 s on two cores. */
  @BeforeAll
  static void train() {
    losses =
        TestModels.trainDetector(
            dir,
            Integer.getInteger("detector.steps", TestModels.DETECTOR_STEPS),
            step -> {
              if (step.step() % 50 == 0) {
                System.out.printf("detector step %d loss %.4f%n", step.step(), step.loss());
              }
            });
  }

  /**
   * Average precision at IoU 0.5 (all-point interpolation) over five unseen fields, from every box
   * scoring at least 0.05: threshold-free, so a short training's calibration does not decide it.
   */
  @Test
  void findsTheCellsOfUnseenFields() throws Exception {
    assertThat(average(losses.subList(losses.size() - 10, losses.size())))
        .isLessThan(average(losses.subList(0, 10)) / 3);
    List<SmearField> unseen = TestModels.fields(99, 5); // another seed: fields never trained on
    List<List<CellDetection>> detected;
    try (StoredModel stored = ModelStore.load(dir);
        WbcDetector detector = new WbcDetector(stored, new DetectorSettings(0.05, 0.4, 100, 2))) {
      detector.warmUp(1, 2);
      detected = detector.detect(unseen.stream().map(DetectorTrainingTest::image).toList());
    }
    detected.forEach(
        field -> field.forEach(box -> assertThat(box.x() + box.width()).isLessThanOrEqualTo(640)));
    List<List<CellDetection>> truths =
        unseen.stream()
            .map(f -> f.cells().stream().map(DetectorTrainingTest::truth).toList())
            .toList();
    DetectionMetrics.Result result = DetectionMetrics.evaluate(detected, truths, 0.5);
    System.out.printf(
        "detector AP@0.5 %.3f, recall %.3f of %d from %d boxes%n",
        result.averagePrecision(), result.recall(), result.truths(), result.detections());
    assertThat(result.recall()).as("recall at IoU 0.5, score >= 0.05").isGreaterThanOrEqualTo(0.9);
    assertThat(result.averagePrecision()).as("AP at IoU 0.5").isGreaterThanOrEqualTo(0.85);
  }

  @Test
  void batchedDetectionEqualsOneFieldAtATime() throws Exception {
    List<SmearField> unseen = TestModels.fields(42, 3);
    try (StoredModel stored = ModelStore.load(dir);
        WbcDetector detector = new WbcDetector(stored, SETTINGS)) {
      List<List<CellDetection>> batched =
          detector.detect(unseen.stream().map(DetectorTrainingTest::image).toList());
      for (int f = 0; f < unseen.size(); f++) {
        List<CellDetection> alone = detector.detect(image(unseen.get(f)));
        assertThat(batched.get(f)).hasSameSizeAs(alone);
        for (int i = 0; i < alone.size(); i++) {
          assertThat(batched.get(f).get(i).iou(alone.get(i))).isGreaterThan(0.999);
        }
      }
    }
  }

  @Test
  void aHigherThresholdReportsFewerBoxes() throws Exception {
    SmearField field = TestModels.fields(5, 1).get(0);
    try (StoredModel stored = ModelStore.load(dir);
        WbcDetector loose = new WbcDetector(stored, new DetectorSettings(0.05, 0.4, 100, 1));
        WbcDetector strict = new WbcDetector(stored, new DetectorSettings(0.99, 0.4, 100, 1))) {
      List<CellDetection> many = loose.detect(image(field));
      List<CellDetection> few = strict.detect(image(field));
      assertThat(many.size()).isGreaterThan(few.size());
      assertThat(few).allSatisfy(b -> assertThat(b.score()).isGreaterThanOrEqualTo(0.99));
    }
  }

  @Test
  void detectedBoxesBecomeSquareCropsCentredOnTheCell() throws Exception {
    SmearField field = TestModels.fields(11, 1).get(0);
    CropExtractor extractor = new CropExtractor(0.15, 96);
    try (StoredModel stored = ModelStore.load(dir);
        WbcDetector detector = new WbcDetector(stored, SETTINGS)) {
      List<CellDetection> boxes = detector.detect(image(field));
      assertThat(boxes).isNotEmpty();
      for (CellDetection box : boxes) {
        BufferedImage crop = extractor.crop(field.image(), box);
        assertThat(crop.getWidth()).isEqualTo(96);
        assertThat(crop.getHeight()).isEqualTo(96);
        // A white cell's nucleus is darker than the pale background the crop's corner shows.
        assertThat(luminance(crop.getRGB(48, 48))).isLessThan(luminance(crop.getRGB(2, 2)));
      }
    }
  }

  private static double luminance(int rgb) {
    return 0.299 * ((rgb >> 16) & 0xff) + 0.587 * ((rgb >> 8) & 0xff) + 0.114 * (rgb & 0xff);
  }

  private static double average(List<Float> values) {
    return values.stream().mapToDouble(Float::doubleValue).average().orElseThrow();
  }

  /**
   * Training leaves nothing behind between steps: what the model's manager holds (with its
   * sub-managers) does not grow from step 2 to step 6. (Flipped and stacked fields once stayed with
   * the field cache, each step's batch and autograd graph with them, until training ran out of
   * memory.)
   */
  @Test
  void trainingStepsLeaveNothingBehind() {
    ModelManifest manifest =
        ModelManifest.of("leak-check", TestModels.SMALL_DETECTOR, "1", TestModels.WBC);
    List<DetectorTraining.Sample> samples =
        TestModels.fields(3, 4).stream().map(TestModels::sample).toList();
    java.util.Map<Integer, Integer> held = new java.util.HashMap<>();
    try (ai.djl.Model model =
        TestModels.SMALL_DETECTOR.newModel(manifest.name(), TestModels.WBC.size())) {
      DetectorTraining.train(
          model,
          TestModels.SMALL_DETECTOR,
          manifest,
          samples,
          new DetectorTraining.Options(6, 2, 1e-3f, 3),
          step ->
              held.put(
                  step.step(),
                  ((ai.djl.ndarray.BaseNDManager) model.getNDManager()).getManagedArrays().size()));
    }
    // A step's batch is dozens of arrays; a leak of one array per step would already add four.
    assertThat(held.get(6) - held.get(2)).isLessThan(4);
  }
}
