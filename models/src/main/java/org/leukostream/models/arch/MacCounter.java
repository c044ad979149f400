package org.leukostream.models.arch;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;

/**
 * Counts the multiply-accumulates of a forward pass from the block tree and its shapes:
 * convolutions, linear layers and attention products. Normalisation, activations and pooling are
 * left out, as in the GFLOPS torchvision publishes for its models (which are multiply-accumulates).
 */
public final class MacCounter {
  private MacCounter() {}

  public static long count(Block block, Shape input) {
    if (block instanceof MacCounted counted) {
      return counted.macs(input);
    }
    if (block instanceof Convolution conv) {
      Shape out = conv.getOutputShapes(new Shape[] {input})[0];
      return out.size() * (input.get(1) / conv.getGroups()) * conv.getKernelShape().size();
    }
    if (block instanceof Linear linear) {
      Shape out = linear.getOutputShapes(new Shape[] {input})[0];
      return out.size() * input.get(input.dimension() - 1);
    }
    if (block instanceof SequentialBlock sequence) {
      long total = 0;
      Shape current = input;
      for (Block child : sequence.getChildren().values()) {
        total += count(child, current);
        current = child.getOutputShapes(new Shape[] {current})[0];
      }
      return total;
    }
    if (block instanceof ParallelBlock parallel) {
      long total = 0;
      for (Block child : parallel.getChildren().values()) {
        total += count(child, input);
      }
      return total;
    }
    return 0;
  }
}
