package org.leukostream.synthetic.smear;

import java.awt.image.BufferedImage;

/**
 * A real single-cell image (a crop centred on one white cell, as PBC, Matek and C-NMC give them) to
 * place on a synthetic field.
 *
 * @param image the crop
 * @param type what the cell is, for the field's ground truth (its class in the image's data set)
 * @param cellFraction the share of the crop's width the cell spans (Matek about 0.6, PBC 0.4): the
 *     crop is shown out to a little beyond it and faded into the field there
 */
public record CellImage(BufferedImage image, CellType type, double cellFraction) {
  public CellImage {
    if (!(cellFraction > 0 && cellFraction <= 1)) {
      throw new IllegalArgumentException("cellFraction must lie in (0, 1], not " + cellFraction);
    }
  }
}
