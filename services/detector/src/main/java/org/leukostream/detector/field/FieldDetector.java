package org.leukostream.detector.field;

import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.Set;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.ImageStoreUnavailableException;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.inference.PlainImage;

/**
 * What the detector service does with one field, apart from Kafka: check and decode the image, find
 * the white cells, cut each out as a PNG crop, and report the field. A field that cannot be used is
 * an {@link ImageRejectedException} with the reason; one whose store cannot serve it now an {@link
 * ImageStoreUnavailableException}. Thread-safe.
 */
public final class FieldDetector implements CellFinder {
  /** Side of the plain field {@link #modelRuns()} searches. */
  private static final int PLAIN_SIDE = 128;

  private final ImageRefs images;
  private final WbcDetector detector;
  private final CropExtractor crops;
  private final Set<SpecimenType> specimenTypes;
  private final ModelRef model;

  public FieldDetector(
      ImageRefs images,
      WbcDetector detector,
      CropExtractor crops,
      Set<SpecimenType> specimenTypes) {
    this.images = images;
    this.detector = detector;
    this.crops = crops;
    this.specimenTypes = Set.copyOf(specimenTypes);
    this.model = new ModelRef(detector.manifest().name(), detector.manifest().version());
  }

  /** The crops and result of a field that was searched (it may hold no cell). */
  public record Detection(List<CellCrop> crops, FieldResult result, double inferenceMillis) {}

  @Override
  public ModelRef model() {
    return model;
  }

  @Override
  public boolean modelRuns() {
    BufferedImage plain = PlainImage.of(PLAIN_SIDE);
    try {
      detector.detect(plain, OptionalDouble.empty());
      return true;
    } catch (TranslateException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public Detection detect(SlideField field)
      throws ImageRejectedException, ImageStoreUnavailableException, TranslateException {
    if (!specimenTypes.contains(field.getSpecimenType())) {
      throw new ImageRejectedException(
          "specimen type "
              + field.getSpecimenType()
              + " is not one this detector was trained for "
              + specimenTypes);
    }
    BufferedImage image = images.decode(field.getImage());
    long start = System.nanoTime();
    WbcDetector.FieldDetections found =
        detector.detect(
            image,
            field.getMicrometresPerPixel() == null
                ? OptionalDouble.empty()
                : OptionalDouble.of(field.getMicrometresPerPixel()));
    List<CellDetection> cells = found.cells();
    double millis = (System.nanoTime() - start) / 1e6;
    Instant now = Instant.now();
    List<CellCrop> out = new ArrayList<>(cells.size());
    Set<String> ids = new LinkedHashSet<>();
    for (CellDetection cell : cells) {
      BoundingBox box = box(cell, image.getWidth(), image.getHeight());
      String cellId = cellId(field.getCaseId(), field.getFieldIndex(), box);
      if (!ids.add(cellId)) {
        continue; // two boxes that round to the same pixels are one cell
      }
      out.add(
          CellCrop.newBuilder()
              .setCellId(cellId)
              .setCaseId(field.getCaseId())
              .setFieldIndex(field.getFieldIndex())
              .setSpecimenType(field.getSpecimenType())
              .setBox(box)
              .setDetectionScore(cell.score())
              .setCrop(ImageRefs.inlinePng(crops.crop(image, cell)))
              .setDetectorModel(model)
              .setDetectedAt(now)
              .build());
    }
    FieldResult result =
        FieldResult.newBuilder()
            .setCaseId(field.getCaseId())
            .setFieldIndex(field.getFieldIndex())
            .setStatus(FieldStatus.PROCESSED)
            .setCellIds(List.copyOf(ids))
            .setDetectorModel(model)
            .setProcessedAt(now)
            .setWarnings(found.windows().warning().map(List::of).orElse(List.of()))
            .build();
    return new Detection(out, result, millis);
  }

  /** The result of a field that could not be used, so its case does not wait for it. */
  public static FieldResult rejected(SlideField field, String reason, ModelRef model, Instant at) {
    return FieldResult.newBuilder()
        .setCaseId(field.getCaseId())
        .setFieldIndex(field.getFieldIndex())
        .setStatus(FieldStatus.REJECTED)
        .setCellIds(List.of())
        .setRejectionReason(reason)
        .setDetectorModel(model)
        .setProcessedAt(at)
        .build();
  }

  /**
   * The cell's id: case, field and box in whole field pixels, so that the same field read again by
   * the same model yields the same ids and the aggregator counts each cell once.
   */
  public static String cellId(String caseId, int fieldIndex, BoundingBox box) {
    return caseId
        + "/"
        + fieldIndex
        + "/"
        + box.getXPx()
        + ","
        + box.getYPx()
        + ","
        + box.getWidthPx()
        + ","
        + box.getHeightPx();
  }

  /** The detection in whole pixels, inside the field, at least one pixel each way. */
  static BoundingBox box(CellDetection cell, int width, int height) {
    int x0 = clamp((int) Math.round(cell.x()), 0, width - 1);
    int y0 = clamp((int) Math.round(cell.y()), 0, height - 1);
    int x1 = clamp((int) Math.round(cell.x() + cell.width()), x0 + 1, width);
    int y1 = clamp((int) Math.round(cell.y() + cell.height()), y0 + 1, height);
    return new BoundingBox(x0, y0, x1 - x0, y1 - y0);
  }

  private static int clamp(int v, int lo, int hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
