package org.leukostream.models.detect;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.leukostream.models.inference.Pixels;

/**
 * A field scaled, aspect kept, so that its longer side is the detector's input side, normalised,
 * and padded on the right and bottom with zeros (the mean colour after normalisation).
 *
 * @param scale input pixels per field pixel
 * @param fieldWidth field width in pixels
 * @param fieldHeight field height in pixels
 */
public record Letterbox(double scale, int fieldWidth, int fieldHeight) {

  public static Letterbox of(int width, int height, int side) {
    return new Letterbox((double) side / Math.max(width, height), width, height);
  }

  /** {@code (3, side, side)} float input of {@code field}. */
  public static NDArray tensor(
      NDManager manager, Image field, int side, float[] mean, float[] std, Letterbox box) {
    int w = Math.max(1, (int) Math.round(box.fieldWidth() * box.scale()));
    int h = Math.max(1, (int) Math.round(box.fieldHeight() * box.scale()));
    NDArray pixels = Pixels.rgb(manager, field);
    NDArray resized = NDImageUtils.resize(pixels, w, h, Image.Interpolation.BILINEAR);
    NDArray x = NDImageUtils.normalize(NDImageUtils.toTensor(resized), mean, std);
    if (w < side) {
      x = x.concat(manager.zeros(new Shape(3, h, side - w), DataType.FLOAT32), 2);
    }
    if (h < side) {
      x = x.concat(manager.zeros(new Shape(3, side - h, side), DataType.FLOAT32), 1);
    }
    return x;
  }
}
