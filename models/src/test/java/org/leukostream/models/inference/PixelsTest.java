package org.leukostream.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast pixel reader gives DJL's own conversion, byte for byte, for every layout. */
class PixelsTest {

  /** A 37 x 23 image of random colours (and random alpha where the type has it). */
  private static BufferedImage noise(int type, long seed) {
    BufferedImage image = new BufferedImage(37, 23, type);
    Random random = new Random(seed);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  private static void assertSameAsDjl(BufferedImage image, boolean fastPath) {
    assertThat(Pixels.rgbBytes(image) != null)
        .as("read from the image's buffer")
        .isEqualTo(fastPath);
    Image wrapped = ImageFactory.getInstance().fromImage(image);
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray ours = Pixels.rgb(manager, wrapped);
      NDArray djl = wrapped.toNDArray(manager, Image.Flag.COLOR);
      assertThat(ours.getShape()).isEqualTo(djl.getShape());
      assertThat(ours.getDataType()).isEqualTo(djl.getDataType());
      assertThat(ours.toByteArray()).isEqualTo(djl.toByteArray());
    }
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_4BYTE_ABGR,
        BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_INT_ARGB
      })
  void theUsualLayoutsAreReadFromTheBufferAsDjlReadsThem(int type) {
    assertSameAsDjl(noise(type, type), true);
  }

  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_BYTE_GRAY,
        BufferedImage.TYPE_INT_BGR,
        BufferedImage.TYPE_INT_ARGB_PRE,
        BufferedImage.TYPE_4BYTE_ABGR_PRE,
        BufferedImage.TYPE_BYTE_INDEXED,
        BufferedImage.TYPE_USHORT_565_RGB
      })
  void otherLayoutsGoThroughDjlsConversion(int type) {
    assertSameAsDjl(noise(type, type), false);
  }

  /** A sub-image shares its parent's buffer from an offset, with the parent's row stride. */
  @ParameterizedTest
  @ValueSource(ints = {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB})
  void aSubImageIsReadFromItsOwnCornerOfTheParentsBuffer(int type) {
    BufferedImage part = noise(type, 7).getSubimage(5, 3, 20, 17);
    assertSameAsDjl(part, true);
  }

  /** What the services decode: PNG and JPEG bytes, in whatever layout ImageIO hands back. */
  @Test
  void decodedPngAndJpegImagesAreReadAsDjlReadsThem() throws IOException {
    for (String format : new String[] {"png", "jpg"}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      assertThat(ImageIO.write(noise(BufferedImage.TYPE_INT_RGB, 3), format, bytes)).isTrue();
      BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
      assertThat(decoded.getType()).as(format).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
      assertSameAsDjl(decoded, true);
    }
  }

  /**
   * DJL's own path, one crop at a time: bytes through the colour model, resized, scaled and
   * normalised (what the classifier did before it prepared batches).
   */
  private static NDArray oneByOne(NDManager manager, List<Image> crops, int size) {
    List<NDArray> each = new ArrayList<>();
    for (Image crop : crops) {
      NDArray pixels = crop.toNDArray(manager, Image.Flag.COLOR);
      NDArray resized = NDImageUtils.resize(pixels, size, size, Image.Interpolation.BILINEAR);
      each.add(NDImageUtils.normalize(NDImageUtils.toTensor(resized), MEAN, STD));
    }
    return NDArrays.stack(new NDList(each));
  }

  private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
  private static final float[] STD = {0.229f, 0.224f, 0.225f};

  /**
   * A batch prepared at once is the crops prepared one by one, value for value: of one size (grown
   * and shrunk, decoded and drawn, one without a fast path) and of mixed sizes.
   */
  @Test
  void aBatchOfCropsIsPreparedAsEachCropAlone() {
    List<Image> sameSize = new ArrayList<>();
    for (int type :
        new int[] {
          BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY
        }) {
      sameSize.add(
          ImageFactory.getInstance().fromImage(noise(type, type).getSubimage(0, 0, 23, 23)));
    }
    List<Image> mixed = new ArrayList<>(sameSize);
    mixed.add(ImageFactory.getInstance().fromImage(noise(BufferedImage.TYPE_INT_RGB, 5)));
    try (NDManager manager = NDManager.newBaseManager()) {
      for (List<Image> crops : List.of(sameSize, mixed)) {
        for (int size : new int[] {16, 64}) {
          NDArray batch = CropTranslator.tensor(manager, crops, size, MEAN, STD);
          NDArray reference = oneByOne(manager, crops, size);
          assertThat(batch.getShape()).isEqualTo(reference.getShape());
          assertThat(batch.toFloatArray())
              .as("%d crops to %d px", crops.size(), size)
              .containsExactly(reference.toFloatArray());
        }
      }
    }
  }
}
