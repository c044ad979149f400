package org.leukostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Locale;

/**
 * Stands between a training step's backward pass and its optimiser update: a loss or a parameter
 * gradient that is NaN or infinite never reaches the weights. By default the run stops with a
 * {@link NonFiniteTrainingException} that names the epoch, the step, what was not finite and the
 * last finite loss (the model directory keeps what was saved before: the best epoch and the last
 * checkpoint). When the user asked to skip such steps, the step's gradients are cleared, no update
 * is made, and the run goes on; the skipped steps are counted.
 */
public final class NonFiniteGuard {
  /** What a non-finite step does to the run. */
  public enum Policy {
    /** Stop with a clear error (the default). */
    STOP,
    /** Clear the step's gradients, make no update, go on. */
    SKIP
  }

  private final Policy policy;
  private final Block block;
  private float lastFiniteLoss = Float.NaN;
  private String lastFiniteAt = "none";
  private int skipped;

  public NonFiniteGuard(Policy policy, Block block) {
    this.policy = policy;
    this.block = block;
  }

  /**
   * Checks the step's loss and every gradient of the block's trainable parameters.
   *
   * @param epoch the step's epoch (1-based; 0 where training counts steps only)
   * @param step the step within the epoch (1-based)
   * @return true when the update may be made; false when the step was skipped
   * @throws NonFiniteTrainingException when something is not finite and the policy is STOP
   */
  public boolean admit(float loss, int epoch, int step) {
    String bad = Float.isFinite(loss) ? nonFiniteGradient() : "the loss is " + loss;
    if (bad == null) {
      lastFiniteLoss = loss;
      lastFiniteAt = where(epoch, step);
      return true;
    }
    if (policy == Policy.STOP) {
      throw new NonFiniteTrainingException(
          String.format(
              Locale.ROOT,
              "Training stopped at %s: %s. Last finite loss: %s. No update was made with it;"
                  + " the model directory keeps what was saved before (best epoch, last"
                  + " checkpoint). Lower the learning rate, or skip such steps with"
                  + " --skip-non-finite.",
              where(epoch, step),
              bad,
              Float.isNaN(lastFiniteLoss)
                  ? "none"
                  : String.format(Locale.ROOT, "%.6f (%s)", lastFiniteLoss, lastFiniteAt)),
          epoch,
          step,
          lastFiniteLoss);
    }
    clearGradients();
    skipped++;
    return false;
  }

  /** Steps skipped so far. */
  public int skipped() {
    return skipped;
  }

  /** The name of the first trainable parameter whose gradient is not finite, as a phrase. */
  private String nonFiniteGradient() {
    String[] bad = {null};
    forEachGradient(
        (name, gradient) -> {
          if (bad[0] == null
              && gradient.isInfinite().logicalOr(gradient.isNaN()).any().getBoolean()) {
            bad[0] = "the gradient of " + name + " is not finite";
          }
        });
    return bad[0];
  }

  /** Sets every gradient to 0 (subtracting a NaN gradient from itself would leave NaN). */
  private void clearGradients() {
    forEachGradient((name, gradient) -> gradient.set(new NDIndex("..."), 0));
  }

  /**
   * Hands each trainable parameter's gradient to {@code action}. The gradient's handle and what is
   * computed from it belong to a scope closed after each, not to the parameters' manager, which
   * would hold one more array every step.
   */
  private void forEachGradient(java.util.function.BiConsumer<String, NDArray> action) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      NDArray array = p.getValue().getArray();
      if (p.getValue().requiresGradient() && array.hasGradient()) {
        try (NDManager scope = array.getManager().newSubManager()) {
          NDArray gradient = array.getGradient();
          gradient.attach(scope);
          action.accept(p.getKey(), gradient);
        }
      }
    }
  }

  private static String where(int epoch, int step) {
    return epoch > 0 ? "epoch " + epoch + ", step " + step : "step " + step;
  }
}
