package org.leukostream.classifier.it;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.ImageStoreUnavailableException;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.training.testing.TestModels;

/** {@code cell.crops.v1} records cut from synthetic fields at their true boxes. */
public final class TestCrops {
  static final ModelRef DETECTOR = new ModelRef("wbc-detector", "test");

  private TestCrops() {}

  /** {@code count} crops of case {@code caseId}, six per field. */
  public static List<CellCrop> of(String caseId, int count) {
    List<CellCrop> out = new ArrayList<>(count);
    int fieldIndex = 0;
    while (out.size() < count) {
      for (SmearField field : TestModels.fields(1000L + fieldIndex, 1)) {
        for (SmearCell cell : field.cells()) {
          if (out.size() == count) {
            break;
          }
          out.add(crop(caseId, fieldIndex, field.image(), cell.box()));
        }
      }
      fieldIndex++;
    }
    return out;
  }

  /** The crops decoded, as the service decodes them before inference. */
  public static List<Image> images(List<CellCrop> crops) {
    ImageRefs refs = new ImageRefs(List.of(), 1 << 20, 1 << 20);
    List<Image> out = new ArrayList<>(crops.size());
    for (CellCrop crop : crops) {
      try {
        out.add(ImageFactory.getInstance().fromImage(refs.decode(crop.getCrop())));
      } catch (ImageRejectedException | ImageStoreUnavailableException e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  static CellCrop crop(String caseId, int fieldIndex, BufferedImage field, Rectangle box) {
    Rectangle inside = box.intersection(new Rectangle(field.getWidth(), field.getHeight()));
    BufferedImage crop = field.getSubimage(inside.x, inside.y, inside.width, inside.height);
    BoundingBox bb = new BoundingBox(inside.x, inside.y, inside.width, inside.height);
    return CellCrop.newBuilder()
        .setCellId(caseId + "/" + fieldIndex + "/" + inside.x + "," + inside.y)
        .setCaseId(caseId)
        .setFieldIndex(fieldIndex)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setBox(bb)
        .setDetectionScore(0.9)
        .setCrop(ImageRefs.inlinePng(crop))
        .setDetectorModel(DETECTOR)
        .setDetectedAt(Instant.now())
        .build();
  }

  /** Configuration that points the service at initialised test models (real forward passes). */
  public static Map<String, String> modelConfig() {
    Map<String, ?> dirs = TestModels.initialisedClassifiers();
    Map<String, String> config = new HashMap<>();
    config.put(
        "leukostream.classifier.countable.members[0].model", dirs.get("countable").toString());
    config.put("leukostream.classifier.wbc.members[0].model", dirs.get("wbc-a").toString());
    config.put("leukostream.classifier.wbc.members[1].model", dirs.get("wbc-b").toString());
    config.put("leukostream.classifier.wbc.members[2].model", dirs.get("wbc-c").toString());
    config.put("leukostream.classifier.blast.members[0].model", dirs.get("blast-vit").toString());
    config.put(
        "leukostream.classifier.blast.members[1].model", dirs.get("blast-effnet").toString());
    return config;
  }
}
