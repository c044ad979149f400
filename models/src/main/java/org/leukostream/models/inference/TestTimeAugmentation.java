package org.leukostream.models.inference;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-time augmentation: each crop is also classified flipped or turned, and a member's
 * probabilities are the mean over these views. A cell has no up or down, so the views are the same
 * flips and quarter turns DERS trains with: {@link #NONE} (the crop only), {@link #FLIPS} (the
 * crop, left-right and up-down flipped, turned 180 degrees) or {@link #DIHEDRAL} (all eight). The
 * cost of inference grows with the number of views.
 */
public enum TestTimeAugmentation {
  NONE(List.of(Dihedral.IDENTITY)),
  FLIPS(List.of(Dihedral.IDENTITY, Dihedral.FLIP_LR, Dihedral.FLIP_UD, Dihedral.ROT180)),
  DIHEDRAL(
      java.util.stream.Stream.concat(
              Dihedral.PUBLISHED.stream(),
              java.util.stream.Stream.of(
                  new Dihedral.Transform(
                      "anti-transpose",
                      i -> Dihedral.ROT90.apply().apply(Dihedral.FLIP_LR.apply().apply(i)))))
          .toList());

  private final List<Dihedral.Transform> views;

  TestTimeAugmentation(List<Dihedral.Transform> views) {
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
    for (Dihedral.Transform view : views.subList(1, views.size())) {
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
