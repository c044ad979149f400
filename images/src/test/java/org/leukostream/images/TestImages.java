package org.leukostream.images;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;

/** Real encoded images and the refs a scanner would send for them. */
final class TestImages {
  private TestImages() {}

  /** A field-like picture: pale background, one dark round "nucleus". */
  static BufferedImage picture(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(235, 210, 215));
    g.fillRect(0, 0, width, height);
    g.setColor(new Color(90, 40, 140));
    g.fillOval(width / 3, height / 3, width / 4, height / 4);
    g.dispose();
    return image;
  }

  static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  static ImageRef inline(byte[] data, String mediaType, int width, int height) {
    return ImageRef.newBuilder()
        .setMediaType(mediaType)
        .setWidthPx(width)
        .setHeightPx(height)
        .setSizeBytes(data.length)
        .setSha256(ImageRefs.sha256(data))
        .setContent(new InlineImage(ByteBuffer.wrap(data)))
        .build();
  }

  static ImageRef claimCheck(byte[] data, String uri, int width, int height) {
    return ImageRef.newBuilder()
        .setMediaType("image/png")
        .setWidthPx(width)
        .setHeightPx(height)
        .setSizeBytes(data.length)
        .setSha256(ImageRefs.sha256(data))
        .setContent(new ClaimCheck(uri))
        .build();
  }
}
