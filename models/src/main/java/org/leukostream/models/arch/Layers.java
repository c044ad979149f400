package org.leukostream.models.arch;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/** The building blocks the convolutional architectures share, with torchvision's conventions. */
final class Layers {
  private Layers() {}

  /** A square convolution, padding k/2, no bias (a batch norm follows). */
  static Block conv(int filters, int kernel, int stride, int groups) {
    return conv(filters, kernel, stride, groups, false);
  }

  static Block conv(int filters, int kernel, int stride, int groups, boolean bias) {
    return convBuilder(filters, kernel, stride, groups, bias).build();
  }

  /**
   * A convolution with bias whose training computes whole SIMD blocks of output channels ({@link
   * BlockAlignedConv2d}): for outputs of a few channels, such as a detector head's.
   */
  static Block blockAlignedConv(int filters, int kernel) {
    return new BlockAlignedConv2d(convBuilder(filters, kernel, 1, 1, true));
  }

  private static Conv2d.Builder convBuilder(
      int filters, int kernel, int stride, int groups, boolean bias) {
    return Conv2d.builder()
        .setFilters(filters)
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .optGroups(groups)
        .optBias(bias);
  }

  static Block batchNorm(float epsilon) {
    return BatchNorm.builder().optEpsilon(epsilon).optMomentum(0.9f).build();
  }

  static Block relu() {
    return Activation.reluBlock();
  }

  /** SiLU (swish with beta 1): x * sigmoid(x). */
  static Block silu() {
    return new LambdaBlock(
        list ->
            new NDList(list.singletonOrThrow().mul(Activation.sigmoid(list.singletonOrThrow()))),
        "silu");
  }

  /** {@code branch(x) + shortcut(x)}. */
  static Block residual(Block branch, Block shortcut) {
    return new ParallelBlock(
        outputs ->
            new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow())),
        List.of(branch, shortcut));
  }

  /** {@code x * gate(x)}, as squeeze-and-excitation scales channels. */
  static Block gated(Block gate) {
    return new ParallelBlock(
        outputs ->
            new NDList(outputs.get(0).singletonOrThrow().mul(outputs.get(1).singletonOrThrow())),
        List.of(Blocks.identityBlock(), gate));
  }

  static SequentialBlock sequence(Block... blocks) {
    SequentialBlock sequence = new SequentialBlock();
    for (Block block : blocks) {
      sequence.add(block);
    }
    return sequence;
  }
}
