package org.leukostream.training.train;

/**
 * A training step whose loss or gradients were not finite, when the run was not told to skip such
 * steps. Its message names the epoch, the step, what was not finite and the last finite loss.
 */
public final class NonFiniteTrainingException extends IllegalStateException {
  private final int epoch;
  private final int step;
  private final float lastFiniteLoss;

  NonFiniteTrainingException(String message, int epoch, int step, float lastFiniteLoss) {
    super(message);
    this.epoch = epoch;
    this.step = step;
    this.lastFiniteLoss = lastFiniteLoss;
  }

  /** The epoch of the step (1-based), 0 where training counts steps only. */
  public int epoch() {
    return epoch;
  }

  /** The step within its epoch (1-based). */
  public int step() {
    return step;
  }

  /** The loss of the last finite step, NaN when there was none. */
  public float lastFiniteLoss() {
    return lastFiniteLoss;
  }
}
