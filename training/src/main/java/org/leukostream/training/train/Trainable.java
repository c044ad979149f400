package org.leukostream.training.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;

/** What a training run may change in a block. */
public final class Trainable {
  private Trainable() {}

  /**
   * Unfreezes every parameter of {@code block} except batch-norm running statistics, which the
   * forward pass updates and nothing differentiates.
   */
  public static void weightsOf(Block block) {
    block.freezeParameters(
        false,
        p ->
            p.getType() != Parameter.Type.RUNNING_MEAN
                && p.getType() != Parameter.Type.RUNNING_VAR);
  }
}
