package org.leukostream.models.inference;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;

/**
 * A cell crop to a classifier's input and its output to class probabilities: resized to the
 * manifest's input size, scaled to 0..1, normalised with the manifest's mean and standard
 * deviation; softmax over the manifest's ordered classes. Batches stack (every crop has the same
 * size after resizing). A batch of crops of one size (the detector cuts them all alike) is prepared
 * in one pass of tensor operations over the whole batch ({@link #tensor}), the same operations,
 * value for value, as one crop at a time, at a fraction of the per-operation cost.
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
    return new NDList(tensor(ctx.getNDManager(), List.of(crop), size, mean, std).squeeze(0));
  }

  @Override
  public NDList batchProcessInput(TranslatorContext ctx, List<Image> crops) {
    return new NDList(tensor(ctx.getNDManager(), crops, size, mean, std));
  }

  /**
   * {@code (crops, 3, size, size)} float input of {@code crops}: RGB bytes, resized (bilinear, to
   * bytes again), scaled to 0..1 and normalised. Crops of one size go through each operation once
   * as a batch; crops of different sizes one by one, then stacked. Training prepares its batches
   * here too, so that a model sees in service exactly what it trained on.
   */
  public static NDArray tensor(
      NDManager manager, List<Image> crops, int size, float[] mean, float[] std) {
    if (crops.isEmpty()) {
      throw new IllegalArgumentException("No crops to prepare");
    }
    int width = crops.get(0).getWidth();
    int height = crops.get(0).getHeight();
    boolean sameSize =
        crops.stream().allMatch(c -> c.getWidth() == width && c.getHeight() == height);
    if (!sameSize) {
      List<NDArray> each = new ArrayList<>(crops.size());
      for (Image crop : crops) {
        each.add(tensor(manager, List.of(crop), size, mean, std).squeeze(0));
      }
      return NDArrays.stack(new NDList(each));
    }
    NDArray pixels = Pixels.rgb(manager, crops); // (n, height, width, 3) bytes
    NDArray resized = NDImageUtils.resize(pixels, size, size, Image.Interpolation.BILINEAR);
    return NDImageUtils.normalize(NDImageUtils.toTensor(resized), mean, std);
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList logits) {
    return new Classifications(classes, logits.singletonOrThrow().softmax(-1));
  }
}
