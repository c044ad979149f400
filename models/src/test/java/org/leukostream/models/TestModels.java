package org.leukostream.models;

import ai.djl.Model;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;

/** Freshly initialised (untrained) small models saved as model directories, and test crops. */
public final class TestModels {
  private TestModels() {}

  /** Saves {@code architecture}'s small preset with {@code classes} into {@code dir}. */
  public static ModelManifest save(
      Path dir,
      String name,
      String architecture,
      List<org.leukostream.models.store.ModelClass> classes) {
    Architecture arch = Architecture.find(architecture, "small").orElseThrow();
    try (Model model = Model.newInstance(name)) {
      var block = arch.build(classes.size());
      block.initialize(
          model.getNDManager(),
          DataType.FLOAT32,
          new Shape(1, 3, arch.inputSize(), arch.inputSize()));
      model.setBlock(block);
      return ModelStore.save(
          dir,
          new ModelManifest(
              name,
              architecture,
              "small",
              "test",
              arch.inputSize(),
              new double[] {0.485, 0.456, 0.406},
              new double[] {0.229, 0.224, 0.225},
              classes,
              null,
              null),
          model);
    }
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
