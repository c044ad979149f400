package org.leukostream.models.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * ResNet and ResNeXt with bottleneck blocks, laid out as torchvision's {@code resnet50}, {@code
 * resnext50_32x4d} and {@code resnext101_32x8d} (Zhou et al. 2021's stage-1 and stage-2 members),
 * plus narrower presets that train on a CPU.
 */
final class ResNets {
  private static final float BN_EPSILON = 1e-5f;

  /**
   * @param layers bottleneck blocks per stage, e.g. {3, 4, 6, 3} for 50 layers
   * @param groups cardinality of the 3x3 convolutions (1 for ResNet)
   * @param widthPerGroup channels per group at the first stage (64 for ResNet)
   * @param stemWidth channels of the stem; stage widths are 1, 2, 4, 8 times it
   */
  record Config(int[] layers, int groups, int widthPerGroup, int stemWidth) {}

  static final Config RESNET50 = new Config(new int[] {3, 4, 6, 3}, 1, 64, 64);
  static final Config RESNEXT50_32X4D = new Config(new int[] {3, 4, 6, 3}, 32, 4, 64);
  static final Config RESNEXT101_32X8D = new Config(new int[] {3, 4, 23, 3}, 32, 8, 64);

  private ResNets() {}

  static Block build(Config config, int classes) {
    SequentialBlock net = new SequentialBlock();
    for (Block stage : stages(config)) {
      net.add(stage);
    }
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(classes).build());
  }

  /**
   * The stem followed by one block per stage: stage {@code i} (from 1) ends at stride {@code
   * 2^(i+1)} with {@link #outChannels} channels, the C2..C5 a feature pyramid reads.
   */
  static List<Block> stages(Config config) {
    List<Block> stages = new ArrayList<>();
    stages.add(
        Layers.sequence(
            Layers.conv(config.stemWidth(), 7, 2, 1),
            Layers.batchNorm(BN_EPSILON),
            Layers.relu(),
            Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1))));
    int inChannels = config.stemWidth();
    for (int stage = 0; stage < config.layers().length; stage++) {
      int planes = config.stemWidth() << stage;
      SequentialBlock blocks = new SequentialBlock();
      for (int i = 0; i < config.layers()[stage]; i++) {
        int stride = stage > 0 && i == 0 ? 2 : 1;
        blocks.add(bottleneck(config, inChannels, planes, stride));
        inChannels = planes * 4;
      }
      stages.add(blocks);
    }
    return stages;
  }

  /** Channels at the end of stage {@code stage} (1-based). */
  static int outChannels(Config config, int stage) {
    return (config.stemWidth() << (stage - 1)) * 4;
  }

  private static Block bottleneck(Config config, int inChannels, int planes, int stride) {
    int width = planes * config.widthPerGroup() / 64 * config.groups();
    int outChannels = planes * 4;
    Block branch =
        Layers.sequence(
            Layers.conv(width, 1, 1, 1),
            Layers.batchNorm(BN_EPSILON),
            Layers.relu(),
            Layers.conv(width, 3, stride, config.groups()),
            Layers.batchNorm(BN_EPSILON),
            Layers.relu(),
            Layers.conv(outChannels, 1, 1, 1),
            Layers.batchNorm(BN_EPSILON));
    Block shortcut =
        stride != 1 || inChannels != outChannels
            ? Layers.sequence(Layers.conv(outChannels, 1, stride, 1), Layers.batchNorm(BN_EPSILON))
            : Blocks.identityBlock();
    return Layers.sequence(Layers.residual(branch, shortcut), Layers.relu());
  }
}
