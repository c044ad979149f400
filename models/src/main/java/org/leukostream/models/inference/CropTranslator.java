package org.leukostream.models.inference;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;

/**
 * A cell crop to a classifier's input and its output to class probabilities: resized to the
 * manifest's input size, scaled to 0..1, normalised with the manifest's mean and standard
 * deviation; softmax over the manifest's ordered classes. Batches stack (every crop has the same
 * size after resizing).
 */
public final class CropTranslator implements Translator<Image, Classifications> {
  private final int size;
  private final float[] mean;
  private final float[] std;
  private final List<String> classes;

  public CropTranslator(ModelManifest manifest) {
    this.size = manifest.inputSize();
    this.mean = manifest.meanFloats();
    this.std = manifest.stdFloats();
    this.classes = manifest.classes().stream().map(ModelClass::name).toList();
  }

  @Override
  public NDList processInput(TranslatorContext ctx, Image crop) {
    NDArray pixels = crop.toNDArray(ctx.getNDManager(), Image.Flag.COLOR);
    NDArray resized = NDImageUtils.resize(pixels, size, size, Image.Interpolation.BILINEAR);
    return new NDList(NDImageUtils.normalize(NDImageUtils.toTensor(resized), mean, std));
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList logits) {
    return new Classifications(classes, logits.singletonOrThrow().softmax(-1));
  }
}
