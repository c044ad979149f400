package org.leukostream.models;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;

/** Freshly initialised (untrained) small models saved as model directories, and test crops. */
public final class UntrainedModels {
  private UntrainedModels() {}

  /**
   * Saves {@code architecture}'s small preset, untrained, with {@code classes} into {@code dir}.
   */
  public static ModelManifest save(
      Path dir, String name, String architecture, List<ModelClass> classes) {
    return save(dir, name, architecture, "small", classes);
  }

  /**
   * Saves {@code architecture} at {@code preset}, untrained, with {@code classes} into {@code dir}.
   */
  public static ModelManifest save(
      Path dir, String name, String architecture, String preset, List<ModelClass> classes) {
    return ModelStore.saveInitialised(
        dir, name, "test", Architecture.find(architecture, preset).orElseThrow(), classes);
  }

  /**
   * A crop-like picture: a disc of {@code colour} on a pale background, {@code side} pixels square.
   */
  public static Image crop(int side, Color colour) {
    BufferedImage picture = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = picture.createGraphics();
    g.setColor(new Color(235, 220, 225));
    g.fillRect(0, 0, side, side);
    g.setColor(colour);
    g.fillOval(side / 5, side / 5, side * 3 / 5, side * 3 / 5);
    g.dispose();
    return ImageFactory.getInstance().fromImage(picture);
  }
}
