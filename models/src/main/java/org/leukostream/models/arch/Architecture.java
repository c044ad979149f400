package org.leukostream.models.arch;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * One architecture at one size: the papers' configuration ({@code paper}, torchvision-compatible)
 * or a narrower one that trains on a CPU ({@code small}, 64 px; {@code medium}, 128 px, one more
 * stage, where a cell's chromatin and nucleoli are still visible).
 *
 * @param name architecture name, as torchvision spells it (e.g. {@code resnext50_32x4d})
 * @param preset size preset
 * @param inputSize the square input side in pixels the preset expects
 * @param builder builds the block for a number of classes
 * @param anchors a detector's anchor boxes; {@code null} for a classifier
 */
public record Architecture(
    String name, String preset, int inputSize, IntFunction<Block> builder, AnchorSpec anchors) {

  /** A classifier: outputs {@code (batch, classes)} logits. */
  public Architecture(String name, String preset, int inputSize, IntFunction<Block> builder) {
    this(name, preset, inputSize, builder, null);
  }

  /** Whether this is a detector (outputs class logits and box offsets per anchor). */
  public boolean isDetector() {
    return anchors != null;
  }

  /** Every architecture and preset the project knows. */
  public static final List<Architecture> ALL =
      List.of(
          new Architecture("resnet50", "paper", 224, c -> ResNets.build(ResNets.RESNET50, c)),
          new Architecture(
              "resnet50",
              "small",
              64,
              c -> ResNets.build(new ResNets.Config(new int[] {1, 1, 1, 1}, 1, 64, 16), c)),
          new Architecture(
              "resnext50_32x4d", "paper", 224, c -> ResNets.build(ResNets.RESNEXT50_32X4D, c)),
          new Architecture(
              "resnext50_32x4d",
              "small",
              64,
              c -> ResNets.build(new ResNets.Config(new int[] {1, 1, 1, 1}, 8, 4, 16), c)),
          new Architecture(
              "resnext101_32x8d", "paper", 224, c -> ResNets.build(ResNets.RESNEXT101_32X8D, c)),
          new Architecture(
              "resnext101_32x8d",
              "small",
              64,
              c -> ResNets.build(new ResNets.Config(new int[] {1, 1, 2, 1}, 8, 8, 16), c)),
          new Architecture(
              "efficientnet_b0", "paper", 224, c -> EfficientNets.build(EfficientNets.B0, c)),
          new Architecture(
              "efficientnet_b0", "small", 64, c -> EfficientNets.build(cpuEfficientNet(256), c)),
          new Architecture(
              "efficientnet_b0",
              "medium",
              128,
              c ->
                  EfficientNets.build(
                      cpuEfficientNet(320, new EfficientNets.Stage(4, 5, 2, 112, 1)), c)),
          new Architecture(
              "vit", "vit-b16", 224, c -> VisionTransformers.build(VisionTransformers.VIT_B16, c)),
          new Architecture(
              "vit", "paper", 224, c -> VisionTransformers.build(VisionTransformers.VIT_JIANG, c)),
          new Architecture(
              "vit",
              "small",
              64,
              c ->
                  VisionTransformers.build(
                      new VisionTransformers.Config(64, 8, 128, 4, 4, 256), c)),
          new Architecture(
              "retinanet_resnet50_fpn",
              "paper",
              640,
              c -> RetinaNets.build(RetinaNets.PAPER, c),
              RetinaNets.PAPER.anchors()),
          new Architecture(
              "retinanet_resnet50_fpn",
              "small",
              256,
              c -> RetinaNets.build(RetinaNets.SMALL, c),
              RetinaNets.SMALL.anchors()));

  /**
   * The narrow EfficientNet of the CPU presets: stem 16, MBConv stages of 16, 24, 40 and 80
   * channels, then {@code more} stages, a head of {@code head} channels.
   */
  private static EfficientNets.Config cpuEfficientNet(int head, EfficientNets.Stage... more) {
    List<EfficientNets.Stage> stages =
        new java.util.ArrayList<>(
            List.of(
                new EfficientNets.Stage(1, 3, 1, 16, 1),
                new EfficientNets.Stage(4, 3, 2, 24, 1),
                new EfficientNets.Stage(4, 5, 2, 40, 1),
                new EfficientNets.Stage(4, 3, 2, 80, 1)));
    stages.addAll(List.of(more));
    return new EfficientNets.Config(16, stages.toArray(EfficientNets.Stage[]::new), head, 0.2f);
  }

  /** The architecture {@code name} at {@code preset}. */
  public static Optional<Architecture> find(String name, String preset) {
    return ALL.stream().filter(a -> a.name().equals(name) && a.preset().equals(preset)).findFirst();
  }

  /**
   * Whether the network takes any input side: the convolutional classifiers end in global average
   * pooling, so one network (and one set of weights) runs at 96, 128 or 160 px alike. A vision
   * transformer's patch grid and position embeddings, and a detector's anchors, are fixed to the
   * preset's side.
   */
  public boolean takesAnySize() {
    return !isDetector() && !name.equals("vit");
  }

  /**
   * This architecture at another input side (e.g. {@code medium} at 96 or 160 px to choose the
   * resolution on validation); the network and its parameters are the preset's.
   *
   * @throws IllegalArgumentException for a side below 32 px, or another side for a network fixed to
   *     its preset's ({@link #takesAnySize()})
   */
  public Architecture withInputSize(int side) {
    if (side == inputSize) {
      return this;
    }
    if (!takesAnySize()) {
      throw new IllegalArgumentException(
          name + "/" + preset + " takes " + inputSize + " px inputs only");
    }
    if (side < 32) {
      throw new IllegalArgumentException(
          "An input side of " + side + " px is too small (at least 32: the network's stride)");
    }
    return new Architecture(name, preset, side, builder, anchors);
  }

  public Block build(int classes) {
    return builder.apply(classes);
  }

  /**
   * A model named {@code name} holding this architecture's block for {@code classes}, initialised
   * (with the engine's current random seed): the start of training. The caller closes it.
   */
  public Model newModel(String name, int classes) {
    Model model = Model.newInstance(name);
    Block block = build(classes);
    block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
    model.setBlock(block);
    return model;
  }

  /** What {@code leukostream describe} prints: exact trainable parameters and compute per image. */
  public record Summary(
      String arch, String preset, int classes, int inputSize, long params, double gflops) {}

  /** Builds and initialises the block for {@code classes} and measures it. */
  public Summary summarize(int classes) {
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = build(classes);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
      return new Summary(
          name, preset, classes, inputSize, trainableParameters(block), gigaMacs(block));
    }
  }

  /** Giga multiply-accumulates of one image's forward pass (what torchvision calls GFLOPS). */
  public double gigaMacs(Block block) {
    return MacCounter.count(block, new Shape(1, 3, inputSize, inputSize)) / 1e9;
  }

  /**
   * Trainable parameters of an initialised block: batch-norm running statistics excluded, as
   * torchvision counts {@code sum(p.numel() for p in model.parameters())}.
   */
  public static long trainableParameters(Block initialised) {
    long count = 0;
    for (Pair<String, Parameter> entry : initialised.getParameters()) {
      Parameter.Type type = entry.getValue().getType();
      if (type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR) {
        count += entry.getValue().getShape().size();
      }
    }
    return count;
  }
}
