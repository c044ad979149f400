package org.leukostream.models.detect;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.List;
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
