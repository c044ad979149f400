package org.leukostream.models.arch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * RetinaNet (Lin et al. 2017), the one-stage detector Zhou et al. 2021 find white cells with: a
 * ResNet backbone, a feature pyramid (lateral 1x1 convolutions, nearest-neighbour top-down path,
 * 3x3 output convolutions, extra stride-2 levels above the backbone), and two heads shared by every
 * level: class logits (sigmoid, one per class and anchor) and box offsets (4 per anchor). The class
 * head's last bias starts at {@code -log((1 - 0.01) / 0.01)} so that training begins with every
 * anchor at probability 0.01 of being a cell, as the paper prescribes for focal loss.
 *
 * <p>Input {@code (batch, 3, S, S)} with {@code S} a multiple of the largest stride; outputs {@code
 * (batch, anchors, classes)} logits and {@code (batch, anchors, 4)} offsets, anchors in {@link
 * AnchorSpec} order.
 */
public final class RetinaNets {
  private static final double PRIOR = 0.01;

  /**
   * @param backbone the ResNet; its stages from C3 up feed the pyramid
   * @param width channels of every pyramid level and head convolution
   * @param headConvs 3x3 convolutions (with ReLU) in each head before its output convolution
   * @param anchors one pyramid level per stride: the backbone's C3.. levels, then extra levels
   */
  public record Config(ResNets.Config backbone, int width, int headConvs, AnchorSpec anchors) {}

  /** Lin et al.'s configuration on ResNet50 (P3-P7, 256 channels, 4 head convolutions). */
  static final Config PAPER =
      new Config(
          ResNets.RESNET50,
          256,
          4,
          new AnchorSpec(
              new int[] {8, 16, 32, 64, 128},
              new double[] {32, 64, 128, 256, 512},
              new double[] {1, Math.pow(2, 1 / 3.0), Math.pow(2, 2 / 3.0)},
              new double[] {0.75, 1, 4 / 3.0}));

  /**
   * A CPU-sized one for fields letterboxed to 256 px, where white cells are 12-40 px across: two
   * pyramid levels, round anchors only (cells are round; 16-51 px).
   */
  static final Config SMALL =
      new Config(
          new ResNets.Config(new int[] {1, 1, 1}, 1, 64, 16),
          48,
          2,
          new AnchorSpec(
              new int[] {8, 16},
              new double[] {16, 32},
              new double[] {1, Math.pow(2, 1 / 3.0), Math.pow(2, 2 / 3.0)},
              new double[] {1}));

  private RetinaNets() {}

  static Block build(Config config, int classes) {
    return new Detector(config, classes);
  }

  /** The network; {@link MacCounted} so that {@code describe} reports its compute. */
  static final class Detector extends AbstractBlock implements MacCounted {
    private final Config config;
    private final int classes;
    private final List<Block> stages = new ArrayList<>();
    private final List<Block> laterals = new ArrayList<>();
    private final List<Block> outputs = new ArrayList<>();
    private final List<Block> extras = new ArrayList<>();
    private final Block classHead;
    private final Block boxHead;
    private final int pyramidFrom;

    Detector(Config config, int classes) {
      this.config = config;
      this.classes = classes;
      List<Block> backbone = ResNets.stages(config.backbone());
      for (int i = 0; i < backbone.size(); i++) {
        stages.add(addChildBlock("stage" + i, backbone.get(i)));
      }
      int topStage = config.backbone().layers().length; // C(top+1)
      this.pyramidFrom = 2; // stage index of C3
      int backboneLevels = topStage - 1;
      int levels = config.anchors().strides().length;
      if (levels < backboneLevels) {
        throw new IllegalArgumentException(
            "RetinaNet: " + levels + " anchor levels for " + backboneLevels + " backbone levels");
      }
      for (int level = 0; level < backboneLevels; level++) {
        laterals.add(addChildBlock("lateral" + level, Layers.conv(config.width(), 1, 1, 1, true)));
        outputs.add(addChildBlock("output" + level, Layers.conv(config.width(), 3, 1, 1, true)));
      }
      for (int extra = 0; extra < levels - backboneLevels; extra++) {
        extras.add(addChildBlock("extra" + extra, Layers.conv(config.width(), 3, 2, 1, true)));
      }
      int anchors = config.anchors().perLocation();
      Block classOutput = Layers.blockAlignedConv(anchors * classes, 3);
      this.classHead = addChildBlock("classHead", head(config, classOutput));
      this.boxHead =
          addChildBlock("boxHead", head(config, Layers.blockAlignedConv(anchors * 4, 3)));
      classOutput.setInitializer(
          new ConstantInitializer((float) -Math.log((1 - PRIOR) / PRIOR)), Parameter.Type.BIAS);
    }

    /**
     * {@code headConvs} 3x3 convolutions with ReLU, then {@code output}; N(0, 0.01) weights, zero
     * biases.
     */
    private static Block head(Config config, Block output) {
      SequentialBlock head = new SequentialBlock();
      for (int i = 0; i < config.headConvs(); i++) {
        head.add(Layers.conv(config.width(), 3, 1, 1, true)).add(Layers.relu());
      }
      head.add(output);
      head.setInitializer(new NormalInitializer(0.01f), Parameter.Type.WEIGHT);
      head.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
      return head;
    }

    /** The pyramid's feature maps, finest first. */
    private List<NDArray> pyramid(ParameterStore store, NDArray images, boolean training) {
      List<NDArray> features = new ArrayList<>();
      NDArray x = images;
      for (int i = 0; i < stages.size(); i++) {
        x = stages.get(i).forward(store, new NDList(x), training).singletonOrThrow();
        if (i >= pyramidFrom) {
          features.add(x);
        }
      }
      int levels = laterals.size();
      NDArray[] merged = new NDArray[levels];
      for (int level = levels - 1; level >= 0; level--) {
        NDArray lateral =
            laterals.get(level).forward(store, new NDList(features.get(level)), training).head();
        merged[level] = level == levels - 1 ? lateral : lateral.add(upsample(merged[level + 1]));
      }
      List<NDArray> pyramid = new ArrayList<>();
      for (int level = 0; level < levels; level++) {
        pyramid.add(outputs.get(level).forward(store, new NDList(merged[level]), training).head());
      }
      NDArray top = pyramid.get(levels - 1);
      for (int i = 0; i < extras.size(); i++) {
        NDArray in = i == 0 ? top : ai.djl.nn.Activation.relu(top);
        top = extras.get(i).forward(store, new NDList(in), training).head();
        pyramid.add(top);
      }
      return pyramid;
    }

    private static NDArray upsample(NDArray x) {
      return x.repeat(2, 2).repeat(3, 2);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      List<NDArray> pyramid = pyramid(store, inputs.singletonOrThrow(), training);
      NDList logits = new NDList();
      NDList offsets = new NDList();
      for (NDArray level : pyramid) {
        logits.add(flatten(classHead.forward(store, new NDList(level), training).head(), classes));
        offsets.add(flatten(boxHead.forward(store, new NDList(level), training).head(), 4));
      }
      return new NDList(NDArrays.concat(logits, 1), NDArrays.concat(offsets, 1));
    }

    /** {@code (N, A*k, H, W)} to {@code (N, H*W*A, k)}: row, column, anchor order. */
    private static NDArray flatten(NDArray map, int k) {
      long batch = map.getShape().get(0);
      return map.transpose(0, 2, 3, 1).reshape(batch, -1, k);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      long batch = inputShapes[0].get(0);
      int anchors = config.anchors().count((int) inputShapes[0].get(2));
      return new Shape[] {new Shape(batch, anchors, classes), new Shape(batch, anchors, 4)};
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      Shape x = inputShapes[0];
      List<Shape> features = new ArrayList<>();
      for (int i = 0; i < stages.size(); i++) {
        stages.get(i).initialize(manager, dataType, x);
        x = stages.get(i).getOutputShapes(new Shape[] {x})[0];
        if (i >= pyramidFrom) {
          features.add(x);
        }
      }
      Shape level = null;
      for (int i = 0; i < laterals.size(); i++) {
        laterals.get(i).initialize(manager, dataType, features.get(i));
        level = laterals.get(i).getOutputShapes(new Shape[] {features.get(i)})[0];
        outputs.get(i).initialize(manager, dataType, level);
      }
      for (Block extra : extras) {
        extra.initialize(manager, dataType, level);
        level = extra.getOutputShapes(new Shape[] {level})[0];
      }
      classHead.initialize(manager, dataType, level);
      boxHead.initialize(manager, dataType, level);
    }

    @Override
    public long macs(Shape input) {
      long total = 0;
      Shape x = input;
      List<Shape> features = new ArrayList<>();
      for (int i = 0; i < stages.size(); i++) {
        total += MacCounter.count(stages.get(i), x);
        x = stages.get(i).getOutputShapes(new Shape[] {x})[0];
        if (i >= pyramidFrom) {
          features.add(x);
        }
      }
      List<Shape> levels = new ArrayList<>();
      for (int i = 0; i < laterals.size(); i++) {
        total += MacCounter.count(laterals.get(i), features.get(i));
        Shape merged = laterals.get(i).getOutputShapes(new Shape[] {features.get(i)})[0];
        total += MacCounter.count(outputs.get(i), merged);
        levels.add(merged);
      }
      Shape top = levels.get(levels.size() - 1);
      for (Block extra : extras) {
        total += MacCounter.count(extra, top);
        top = extra.getOutputShapes(new Shape[] {top})[0];
        levels.add(top);
      }
      for (Shape level : levels) {
        total += MacCounter.count(classHead, level) + MacCounter.count(boxHead, level);
      }
      return total;
    }
  }
}
