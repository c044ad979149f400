package org.leukostream.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;

/** A field resized to TXL-PBC's 416 x 416 and re-encoded as JPEG is the same field; others not. */
class NearDuplicatesTest {
  static BufferedImage field(long seed) {
    return new SmearGenerator(seed)
        .field(
            List.of(CellType.LYMPHOCYTE, CellType.NEUTROPHIL, CellType.MONOCYTE),
            SmearGenerator.Options.DEFAULT)
        .image();
  }

  static BufferedImage resizedJpeg(BufferedImage image, int w, int h) throws Exception {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(image, 0, 0, w, h, null);
    g.dispose();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(out, "jpg", bytes);
    return ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
  }

  @Test
  void aResizedReencodedFieldMatchesAndOtherFieldsDoNot() throws Exception {
    BufferedImage original = field(1);
    long hash = NearDuplicates.fingerprint(original);
    long copy = NearDuplicates.fingerprint(resizedJpeg(original, 416, 416));
    assertThat(NearDuplicates.distance(hash, copy)).isLessThanOrEqualTo(NearDuplicates.SAME_FIELD);
    assertThat(NearDuplicates.matchesAny(copy, List.of(hash))).isTrue();
    for (long seed = 2; seed < 12; seed++) {
      long other = NearDuplicates.fingerprint(field(seed));
      assertThat(NearDuplicates.distance(hash, other))
          .as("field of seed %d", seed)
          .isGreaterThan(NearDuplicates.SAME_FIELD);
    }
  }
}
