package org.leukostream.models.detect;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.leukostream.models.arch.AnchorSpec;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.inference.Predictors;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStoreException;
import org.leukostream.models.store.StoredModel;

/**
 * Finds white cells in field images with a stored detector: boxes in field pixels, scores, labels.
 * Thread-safe (a predictor per thread); fields are fed in batches of at most {@link
 * DetectorSettings#maxBatch()}.
 */
public final class WbcDetector implements AutoCloseable {
  private final StoredModel model;
  private final DetectorSettings settings;
  private final Predictors<Image, List<CellDetection>> predictors;

  public WbcDetector(StoredModel model, DetectorSettings settings) {
    ModelManifest manifest = model.manifest();
    Architecture architecture =
        Architecture.find(manifest.architecture(), manifest.preset())
            .filter(Architecture::isDetector)
            .orElseThrow(
                () ->
                    new ModelStoreException(
                        "Model "
                            + manifest.name()
                            + " is not a detector: "
                            + manifest.architecture()
                            + "/"
                            + manifest.preset()
                            + " has no anchors"));
    AnchorSpec anchors = architecture.anchors();
    this.model = model;
    this.settings = settings;
    this.predictors =
        new Predictors<>(
            model.model(),
            new FieldTranslator(
                manifest.inputSize(),
                manifest.meanFloats(),
                manifest.stdFloats(),
                anchors.boxes(manifest.inputSize()),
                manifest.classes().stream().map(ModelClass::name).toList(),
                settings),
            settings.maxBatch());
  }

  /** The cells of one field. */
  public List<CellDetection> detect(Image field) throws TranslateException {
    return predictors.predict(List.of(field)).get(0);
  }

  /** The cells of each field, in order. */
  public List<List<CellDetection>> detect(List<Image> fields) throws TranslateException {
    return predictors.predict(fields);
  }

  /**
   * The cells of a field whose pixel size the scanner may have said: brought to the scales the
   * detector was trained at where both are known ({@link FieldWindows}), else fitted to its input.
   * Boxes are in the field's own pixels either way.
   *
   * @param micrometresPerPixel the field's pixel size, when known
   */
  public FieldDetections detect(BufferedImage field, OptionalDouble micrometresPerPixel)
      throws TranslateException {
    ModelManifest manifest = model.manifest();
    FieldWindows plan =
        FieldWindows.plan(
            field.getWidth(),
            field.getHeight(),
            manifest.inputSize(),
            micrometresPerPixel,
            Optional.ofNullable(manifest.micrometresPerInputPixel()));
    ImageFactory images = ImageFactory.getInstance();
    if (plan.fitted()) {
      return new FieldDetections(detect(images.fromImage(field)), plan);
    }
    List<Image> windows = new ArrayList<>();
    for (int[] origin : plan.origins()) {
      windows.add(images.fromImage(window(field, origin, plan.windowSide())));
    }
    List<List<CellDetection>> found = detect(windows);
    // A box within this many field pixels of a window edge inside the field touches that edge.
    double margin = 2 / plan.inputScale();
    List<CellDetection> cells = new ArrayList<>();
    for (int i = 0; i < windows.size(); i++) {
      int[] o = plan.origins().get(i);
      int side = plan.windowSide();
      for (CellDetection c : found.get(i)) {
        boolean inner =
            (o[0] > 0 && c.x() <= margin)
                || (o[1] > 0 && c.y() <= margin)
                || (o[0] + side < field.getWidth() && c.x() + c.width() >= side - margin)
                || (o[1] + side < field.getHeight() && c.y() + c.height() >= side - margin);
        if (inner) {
          continue; // the neighbouring window holds this cell whole
        }
        double x1 = Math.max(0, o[0] + c.x());
        double y1 = Math.max(0, o[1] + c.y());
        double x2 = Math.min(field.getWidth(), o[0] + c.x() + c.width());
        double y2 = Math.min(field.getHeight(), o[1] + c.y() + c.height());
        if (x2 - x1 >= 1 && y2 - y1 >= 1) {
          cells.add(new CellDetection(x1, y1, x2 - x1, y2 - y1, c.score(), c.label()));
        }
      }
    }
    if (windows.size() > 1) {
      cells =
          Nms.suppress(
              cells, settings.nmsIou(), settings.nmsContainment(), settings.maxDetections());
    }
    return new FieldDetections(cells, plan);
  }

  /** The cells of a field and how it was framed for the detector. */
  public record FieldDetections(List<CellDetection> cells, FieldWindows windows) {
    public FieldDetections {
      cells = List.copyOf(cells);
    }
  }

  /**
   * The square {@code side} x {@code side} part of {@code field} at {@code origin}; what lies
   * beyond the field is the normalisation's mean colour, as the letterbox pads.
   */
  private BufferedImage window(BufferedImage field, int[] origin, int side) {
    BufferedImage out = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      double[] mean = model.manifest().mean();
      g.setColor(
          new Color(
              (int) Math.round(mean[0] * 255),
              (int) Math.round(mean[1] * 255),
              (int) Math.round(mean[2] * 255)));
      g.fillRect(0, 0, side, side);
      g.drawImage(field, -origin[0], -origin[1], null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Runs blank fields in batches of each size on this thread, before real traffic. */
  public void warmUp(int... batchSizes) throws TranslateException {
    int side = model.manifest().inputSize();
    Image blank =
        ImageFactory.getInstance()
            .fromImage(new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB));
    for (int size : batchSizes) {
      detect(Collections.nCopies(Math.min(size, predictors.maxBatch()), blank));
    }
  }

  public ModelManifest manifest() {
    return model.manifest();
  }

  @Override
  public void close() {
    predictors.close();
  }
}
