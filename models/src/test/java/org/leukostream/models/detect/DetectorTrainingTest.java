package org.leukostream.models.detect;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.testkit.smear.CellType;
import org.leukostream.testkit.smear.SmearCell;
import org.leukostream.testkit.smear.SmearField;
import org.leukostream.testkit.smear.SmearGenerator;

/**
 * The small RetinaNet, trained for a few seconds on synthetic fields, finds the white cells of
 * fields it has never seen; saved and loaded it detects the same boxes; its boxes become crops.
 */
class DetectorTrainingTest {
  static final Architecture SMALL =
      Architecture.find("retinanet_resnet50_fpn", "small").orElseThrow();
  static final List<ModelClass> WBC = List.of(new ModelClass("wbc", ClassRole.COUNTED));
  static final DetectorSettings SETTINGS = new DetectorSettings(0.4, 0.4, 100, 2);

  @TempDir static Path dir;
  static List<Float> losses;

  /** Fields of six white cells each (smudged cells included: the detector finds every WBC). */
  static List<SmearField> fields(long seed, int count) {
    SmearGenerator generator = new SmearGenerator(seed);
    List<SmearField> out = new ArrayList<>();
    for (List<CellType> cells : generator.caseCells(count, 6, 0.3)) {
      out.add(generator.field(cells, SmearGenerator.Options.DEFAULT));
    }
    return out;
  }

  static DetectorTraining.Sample sample(SmearField field) {
    List<DetectorTraining.Box> boxes = new ArrayList<>();
    for (SmearCell cell : field.cells()) {
      boxes.add(
          new DetectorTraining.Box(
              cell.box().x, cell.box().y, cell.box().width, cell.box().height, 0));
    }
    return new DetectorTraining.Sample(field.image(), boxes);
  }

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
    ModelManifest manifest =
        new ModelManifest(
            "wbc-detector",
            SMALL.name(),
            SMALL.preset(),
            "test",
            SMALL.inputSize(),
            ModelManifest.IMAGENET_MEAN,
            ModelManifest.IMAGENET_STD,
            WBC,
            null,
            null);
    List<DetectorTraining.Sample> training =
        fields(1, 16).stream().map(DetectorTrainingTest::sample).toList();
    try (Model model = Model.newInstance(manifest.name())) {
      var block = SMALL.build(WBC.size());
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 256, 256));
      model.setBlock(block);
      losses =
          DetectorTraining.train(
              model,
              SMALL,
              manifest,
              training,
              new DetectorTraining.Options(150, 4, 1e-3f, 7),
              step -> {
                if (step.step() % 50 == 0) {
                  System.out.printf("detector step %d loss %.4f%n", step.step(), step.loss());
                }
              });
      ModelStore.save(dir, manifest, model);
    }
  }

  @Test
  void findsTheCellsOfUnseenFields() throws Exception {
    assertThat(average(losses.subList(losses.size() - 10, losses.size())))
        .isLessThan(average(losses.subList(0, 10)) / 3);
    int truth = 0;
    int found = 0;
    int reported = 0;
    int correct = 0;
    try (StoredModel stored = ModelStore.load(dir);
        WbcDetector detector = new WbcDetector(stored, SETTINGS)) {
      detector.warmUp(1, 2);
      List<SmearField> unseen = fields(99, 5); // another seed: fields never trained on
      List<List<CellDetection>> detected =
          detector.detect(unseen.stream().map(DetectorTrainingTest::image).toList());
      for (int f = 0; f < unseen.size(); f++) {
        List<SmearCell> cells = unseen.get(f).cells();
        List<CellDetection> boxes = detected.get(f);
        truth += cells.size();
        reported += boxes.size();
        for (SmearCell cell : cells) {
          if (boxes.stream().anyMatch(b -> b.iou(truth(cell)) >= 0.5)) {
            found++;
          }
        }
        for (CellDetection box : boxes) {
          assertThat(box.score()).isGreaterThanOrEqualTo(SETTINGS.scoreThreshold());
          assertThat(box.x() + box.width()).isLessThanOrEqualTo(640);
          if (cells.stream().anyMatch(cell -> box.iou(truth(cell)) >= 0.5)) {
            correct++;
          }
        }
      }
    }
    System.out.printf("detector recall %d/%d, precision %d/%d%n", found, truth, correct, reported);
    assertThat((double) found / truth).as("recall at IoU 0.5").isGreaterThanOrEqualTo(0.9);
    assertThat((double) correct / reported).as("precision at IoU 0.5").isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void batchedDetectionEqualsOneFieldAtATime() throws Exception {
    List<SmearField> unseen = fields(42, 3);
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
    SmearField field = fields(5, 1).get(0);
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
    SmearField field = fields(11, 1).get(0);
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
}
