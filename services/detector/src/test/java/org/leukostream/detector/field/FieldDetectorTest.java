package org.leukostream.detector.field;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.SyntheticFields;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.testing.TestModels;

/** The detector's work on one field, with the small detector trained on synthetic fields. */
class FieldDetectorTest {
  static StoredModel model;
  static WbcDetector wbc;
  static FieldDetector detector;
  static ImageRefs images =
      new ImageRefs(List.of(new FileClaimChecks(Optional.empty())), 1 << 24, 1 << 24);

  @BeforeAll
  static void load() {
    model = ModelStore.load(TestModels.syntheticDetector());
    wbc = new WbcDetector(model, new DetectorSettings(0.3, 0.4, 100, 2));
    detector =
        new FieldDetector(
            images,
            wbc,
            new CropExtractor(0.15, 96),
            EnumSet.of(SpecimenType.BONE_MARROW, SpecimenType.PERIPHERAL_BLOOD));
  }

  @AfterAll
  static void close() {
    wbc.close();
    model.close();
  }

  @Test
  void cropsEveryCellOfAnUnseenFieldWithIdsThatSurviveRedelivery() throws Exception {
    SmearField smear = TestModels.fields(99, 1).get(0); // a seed the detector never trained on
    SlideField field = SyntheticFields.inline("case-1", 3, smear);

    FieldDetector.Detection first = detector.detect(field);
    FieldDetector.Detection again = detector.detect(field);

    assertThat(first.result().getStatus()).isEqualTo(FieldStatus.PROCESSED);
    assertThat(first.result().getCellIds())
        .doesNotHaveDuplicates()
        .containsExactlyElementsOf(first.crops().stream().map(CellCrop::getCellId).toList())
        .isEqualTo(again.result().getCellIds());
    int found = 0;
    for (SmearCell cell : smear.cells()) {
      CellDetection truth =
          new CellDetection(cell.box().x, cell.box().y, cell.box().width, cell.box().height, 1, "");
      boolean hit =
          first.crops().stream()
              .anyMatch(
                  c ->
                      new CellDetection(
                                  c.getBox().getXPx(),
                                  c.getBox().getYPx(),
                                  c.getBox().getWidthPx(),
                                  c.getBox().getHeightPx(),
                                  1,
                                  "")
                              .iou(truth)
                          >= 0.5);
      found += hit ? 1 : 0;
    }
    assertThat(found).as("cells found at IoU 0.5").isGreaterThanOrEqualTo(smear.cells().size() - 1);
    for (CellCrop crop : first.crops()) {
      assertThat(crop.getCellId()).startsWith("case-1/3/");
      assertThat(crop.getDetectorModel().getName()).isEqualTo("wbc-detector");
      var decoded = images.decode(crop.getCrop()); // checksum, size and PNG all valid
      assertThat(decoded.getWidth()).isEqualTo(96);
      assertThat(decoded.getHeight()).isEqualTo(96);
    }
  }

  @Test
  void aFieldResultSaysWhenTheFieldsScaleWasNotBroughtToTheModels() throws Exception {
    SlideField unsized = SyntheticFields.inline("case-3", 0, TestModels.fields(5, 1).get(0));
    SlideField sized =
        SlideField.newBuilder(unsized)
            .setMicrometresPerPixel(SmearGenerator.Options.DEFAULT.micrometresPerPixel())
            .build();

    assertThat(detector.detect(unsized).result().getWarnings())
        .singleElement()
        .asString()
        .contains("no micrometresPerPixel");
    // The detector trained here records no scale: a pixel size cannot be used, and it says so.
    assertThat(detector.detect(sized).result().getWarnings())
        .singleElement()
        .asString()
        .contains("records no trained scale");
  }

  @Test
  void refusesASpecimenTypeItWasNotTrainedFor() {
    SlideField field =
        SlideField.newBuilder(SyntheticFields.inline("case-2", 0, TestModels.fields(3, 1).get(0)))
            .setSpecimenType(SpecimenType.UNKNOWN)
            .build();
    assertThatThrownBy(() -> detector.detect(field))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("specimen type UNKNOWN");
  }

  @Test
  void boxesAreWholePixelsInsideTheField() {
    BoundingBox inside =
        FieldDetector.box(new CellDetection(10.4, 20.6, 30.2, 40.5, 1, ""), 64, 64);
    assertThat(inside).isEqualTo(new BoundingBox(10, 21, 31, 40));
    BoundingBox edge = FieldDetector.box(new CellDetection(-5, 60, 20, 30, 1, ""), 64, 64);
    assertThat(edge).isEqualTo(new BoundingBox(0, 60, 15, 4));
    assertThat(FieldDetector.cellId("c", 2, inside)).isEqualTo("c/2/10,21,31,40");
  }
}
