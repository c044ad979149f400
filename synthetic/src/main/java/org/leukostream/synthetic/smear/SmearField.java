package org.leukostream.synthetic.smear;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import javax.imageio.ImageIO;

/** A synthetic microscope field and the white cells in it. */
public record SmearField(BufferedImage image, List<SmearCell> cells) {

  /** The field encoded as {@code png} or {@code jpg}, as a scanner would send it. */
  public byte[] encode(String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalArgumentException("No image writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
