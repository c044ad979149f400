package org.leukostream.models.inference;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.leukostream.models.train.Ders;

/**
 * Test-time augmentation: each crop is also classified flipped or turned, and a member's
 * probabilities are the mean over these views. A cell has no up or down, so the views are the same
 * flips and quarter turns DERS trains with: {@link #NONE} (the crop only), {@link #FLIPS} (the
 * crop, left-right and up-down flipped, turned 180 degrees) or {@link #DIHEDRAL} (all eight). The
 * cost of inference grows with the number of views.
 */
public enum TestTimeAugmentation {
  NONE(List.of(Ders.IDENTITY)),
  FLIPS(List.of(Ders.IDENTITY, Ders.FLIP_LR, Ders.FLIP_UD, Ders.ROT180)),
  DIHEDRAL(
      List.of(
          Ders.IDENTITY,
          Ders.FLIP_LR,
          Ders.FLIP_UD,
          Ders.ROT90,
          Ders.ROT180,
          Ders.ROT270,
          Ders.TRANSPOSE,
          new Ders.Transform(
              "anti-transpose", i -> Ders.ROT90.apply().apply(Ders.FLIP_LR.apply().apply(i)))));

  private final List<Ders.Transform> views;

  TestTimeAugmentation(List<Ders.Transform> views) {
    this.views = views;
  }

  /** How many times each crop goes through a model. */
  public int views() {
    return views.size();
  }

  /** By configuration name: {@code none}, {@code flips} or {@code dihedral}. */
  public static TestTimeAugmentation of(String name) {
    for (TestTimeAugmentation t : values()) {
      if (t.name().equalsIgnoreCase(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "Unknown test-time augmentation " + name + ": none, flips or dihedral");
  }

  /**
   * Every view of every crop, view-major: the first {@code crops.size()} are the crops themselves,
   * then each crop in the second view, and so on.
   */
  List<Image> expand(List<Image> crops) {
    if (this == NONE) {
      return crops;
    }
    List<Image> out = new ArrayList<>(crops.size() * views.size());
    out.addAll(crops);
    for (Ders.Transform view : views.subList(1, views.size())) {
      for (Image crop : crops) {
        out.add(ImageFactory.getInstance().fromImage(view.apply().apply(pixels(crop))));
      }
    }
    return out;
  }

  private static BufferedImage pixels(Image crop) {
    if (crop.getWrappedImage() instanceof BufferedImage image) {
      return image;
    }
    throw new IllegalArgumentException(
        "Test-time augmentation needs crops backed by a BufferedImage, not "
            + crop.getWrappedImage().getClass().getName());
  }
}
