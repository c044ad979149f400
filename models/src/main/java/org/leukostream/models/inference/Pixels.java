package org.leukostream.models.inference;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An image's pixels as a model input starts from: {@code (height, width, 3)} RGB bytes, exactly
 * what DJL's {@code Image.toNDArray(manager, Image.Flag.COLOR)} gives, read straight from the
 * image's own buffer where its layout is one of the usual ones (decoded PNG and JPEG: interleaved
 * sRGB bytes; drawn crops: packed RGB ints). DJL converts every pixel through the image's colour
 * model ({@code BufferedImage.getRGB}), which took more of the detector's time than its network on
 * a 1,700 x 1,300 field. Any other layout (grey, indexed, premultiplied alpha, more than 8 bits)
 * goes through DJL's own conversion.
 */
public final class Pixels {
  private Pixels() {}

  /** {@code (height, width, 3)} uint8 RGB of {@code image}, as {@code toNDArray(COLOR)}. */
  public static NDArray rgb(NDManager manager, Image image) {
    if (image.getWrappedImage() instanceof BufferedImage buffered) {
      byte[] rgb = rgbBytes(buffered);
      if (rgb != null) {
        return bytes(
            manager, List.of(rgb), new Shape(buffered.getHeight(), buffered.getWidth(), 3));
      }
    }
    return image.toNDArray(manager, Image.Flag.COLOR);
  }

  /**
   * {@code (images, height, width, 3)} uint8 RGB of {@code images}, all of one size: one tensor
   * filled from the images' buffers (or DJL's conversion of each, stacked, where one has no fast
   * path).
   */
  public static NDArray rgb(NDManager manager, List<Image> images) {
    int width = images.get(0).getWidth();
    int height = images.get(0).getHeight();
    List<byte[]> all = new ArrayList<>(images.size());
    for (Image image : images) {
      if (image.getWidth() != width || image.getHeight() != height) {
        throw new IllegalArgumentException(
            "Images of one batch differ in size: "
                + width
                + "x"
                + height
                + " and "
                + image.getWidth()
                + "x"
                + image.getHeight());
      }
      byte[] rgb =
          image.getWrappedImage() instanceof BufferedImage buffered ? rgbBytes(buffered) : null;
      if (rgb == null) {
        List<NDArray> each = new ArrayList<>(images.size());
        for (Image one : images) {
          each.add(rgb(manager, one));
        }
        return NDArrays.stack(new NDList(each));
      }
      all.add(rgb);
    }
    return bytes(manager, all, new Shape(images.size(), height, width, 3));
  }

  /** A uint8 tensor of {@code shape} holding {@code parts} one after another. */
  private static NDArray bytes(NDManager manager, List<byte[]> parts, Shape shape) {
    ByteBuffer direct = manager.allocateDirect(Math.toIntExact(shape.size()));
    parts.forEach(direct::put);
    direct.rewind();
    return manager.create(direct, shape, DataType.UINT8);
  }

  /**
   * Row-major RGB bytes of {@code image}, or {@code null} where its layout has no fast path (the
   * caller then converts through the colour model).
   */
  static byte[] rgbBytes(BufferedImage image) {
    Raster raster = image.getRaster();
    DataBuffer data = raster.getDataBuffer();
    if (data instanceof DataBufferByte bytes
        && data.getNumBanks() == 1
        && raster.getSampleModel() instanceof ComponentSampleModel layout
        && image.getColorModel() instanceof ComponentColorModel colours
        && plainSrgb(colours)) {
      return fromBytes(raster, bytes, layout);
    }
    if (data instanceof DataBufferInt ints
        && data.getNumBanks() == 1
        && raster.getSampleModel() instanceof SinglePixelPackedSampleModel layout
        && image.getColorModel() instanceof DirectColorModel colours
        && !colours.isAlphaPremultiplied()
        && colours.getRedMask() == 0xff0000
        && colours.getGreenMask() == 0xff00
        && colours.getBlueMask() == 0xff) {
      return fromInts(raster, ints, layout);
    }
    return null;
  }

  /** Eight-bit sRGB samples, red, green and blue in bands 0-2, alpha (if any) not premultiplied. */
  private static boolean plainSrgb(ComponentColorModel colours) {
    if (!colours.getColorSpace().isCS_sRGB()
        || colours.getNumColorComponents() != 3
        || colours.isAlphaPremultiplied()
        || colours.getTransferType() != DataBuffer.TYPE_BYTE) {
      return false;
    }
    for (int bits : colours.getComponentSize()) {
      if (bits != 8) {
        return false;
      }
    }
    return true;
  }

  private static byte[] fromBytes(
      Raster raster, DataBufferByte bytes, ComponentSampleModel layout) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    byte[] in = bytes.getData();
    int[] band = layout.getBandOffsets();
    int red = band[0];
    int green = band[1];
    int blue = band[2];
    int stride = layout.getPixelStride();
    byte[] out = new byte[width * height * 3];
    int x0 = raster.getMinX() - raster.getSampleModelTranslateX();
    int y0 = raster.getMinY() - raster.getSampleModelTranslateY();
    int o = 0;
    for (int y = 0; y < height; y++) {
      // getOffset is band 0's; the bands' own offsets follow
      int i = bytes.getOffset() + layout.getOffset(x0, y0 + y) - band[0];
      for (int x = 0; x < width; x++, i += stride) {
        out[o++] = in[i + red];
        out[o++] = in[i + green];
        out[o++] = in[i + blue];
      }
    }
    return out;
  }

  private static byte[] fromInts(
      Raster raster, DataBufferInt ints, SinglePixelPackedSampleModel layout) {
    int width = raster.getWidth();
    int height = raster.getHeight();
    int[] in = ints.getData();
    byte[] out = new byte[width * height * 3];
    int x0 = raster.getMinX() - raster.getSampleModelTranslateX();
    int y0 = raster.getMinY() - raster.getSampleModelTranslateY();
    int o = 0;
    for (int y = 0; y < height; y++) {
      int i = ints.getOffset() + layout.getOffset(x0, y0 + y);
      for (int x = 0; x < width; x++, i++) {
        int p = in[i];
        out[o++] = (byte) (p >> 16);
        out[o++] = (byte) (p >> 8);
        out[o++] = (byte) p;
      }
    }
    return out;
  }
}
