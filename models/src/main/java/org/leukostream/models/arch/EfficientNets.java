package org.leukostream.models.arch;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;

/**
 * EfficientNet-b0 as torchvision's {@code efficientnet_b0} (Jiang et al. 2021's CNN member): MBConv
 * blocks with depthwise convolutions, squeeze-and-excitation and SiLU; and a narrower preset for
 * CPUs.
 */
final class EfficientNets {
  private static final float BN_EPSILON = 1e-3f;

  /** One stage: expansion ratio, kernel, stride, output channels, repeats. */
  record Stage(int expand, int kernel, int stride, int out, int repeats) {}

  /**
   * @param stem channels of the stem convolution
   * @param stages the MBConv stages
   * @param head channels of the last 1x1 convolution
   * @param dropout before the classifier
   */
  record Config(int stem, Stage[] stages, int head, float dropout) {}

  static final Config B0 =
      new Config(
          32,
          new Stage[] {
            new Stage(1, 3, 1, 16, 1),
            new Stage(6, 3, 2, 24, 2),
            new Stage(6, 5, 2, 40, 2),
            new Stage(6, 3, 2, 80, 3),
            new Stage(6, 5, 1, 112, 3),
            new Stage(6, 5, 2, 192, 4),
            new Stage(6, 3, 1, 320, 1)
          },
          1280,
          0.2f);

  private EfficientNets() {}

  static Block build(Config config, int classes) {
    SequentialBlock net =
        Layers.sequence(
            Layers.conv(config.stem(), 3, 2, 1), Layers.batchNorm(BN_EPSILON), Layers.silu());
    int in = config.stem();
    for (Stage stage : config.stages()) {
      for (int i = 0; i < stage.repeats(); i++) {
        net.add(
            mbConv(in, stage.out(), stage.expand(), stage.kernel(), i == 0 ? stage.stride() : 1));
        in = stage.out();
      }
    }
    return net.add(Layers.conv(config.head(), 1, 1, 1))
        .add(Layers.batchNorm(BN_EPSILON))
        .add(Layers.silu())
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Dropout.builder().optRate(config.dropout()).build())
        .add(Linear.builder().setUnits(classes).build());
  }

  private static Block mbConv(int in, int out, int expand, int kernel, int stride) {
    int expanded = in * expand;
    SequentialBlock branch = new SequentialBlock();
    if (expand != 1) {
      branch
          .add(Layers.conv(expanded, 1, 1, 1))
          .add(Layers.batchNorm(BN_EPSILON))
          .add(Layers.silu());
    }
    int squeezed = Math.max(1, in / 4);
    branch
        .add(Layers.conv(expanded, kernel, stride, expanded))
        .add(Layers.batchNorm(BN_EPSILON))
        .add(Layers.silu())
        .add(
            Layers.gated(
                Layers.sequence(
                    Pool.globalAvgPool2dBlock(),
                    Blocks.batchFlattenBlock(),
                    reshapeToPixel(),
                    Layers.conv(squeezed, 1, 1, 1, true),
                    Layers.silu(),
                    Layers.conv(expanded, 1, 1, 1, true),
                    Activation.sigmoidBlock())))
        .add(Layers.conv(out, 1, 1, 1))
        .add(Layers.batchNorm(BN_EPSILON));
    return stride == 1 && in == out ? Layers.residual(branch, Blocks.identityBlock()) : branch;
  }

  /**
   * (batch, channels) to (batch, channels, 1, 1), for the 1x1 convolutions of
   * squeeze-and-excitation.
   */
  private static Block reshapeToPixel() {
    return new ai.djl.nn.LambdaBlock(
        list -> {
          var x = list.singletonOrThrow();
          return new ai.djl.ndarray.NDList(
              x.reshape(x.getShape().get(0), x.getShape().get(1), 1, 1));
        },
        "to-pixel");
  }
}
