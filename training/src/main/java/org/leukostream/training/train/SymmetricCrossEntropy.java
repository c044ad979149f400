package org.leukostream.training.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Symmetric cross-entropy (Wang et al. 2019, "Symmetric Cross Entropy for Robust Learning with
 * Noisy Labels"), the loss of Jiang et al. 2021: {@code alpha * CE + beta * RCE}, where the reverse
 * term {@code RCE = -sum_k p_k log q_k} takes the one-hot label as the predicted distribution, its
 * {@code log 0} clamped to {@code A}. With a one-hot label this is {@code -A (1 - p_y)}.
 * Predictions are logits {@code (N, K)}; labels class indices {@code (N)}. Returns the batch mean.
 */
public final class SymmetricCrossEntropy extends Loss {
  /** Wang et al.'s clamp of log 0 in the reverse term. */
  public static final float A = -4f;

  private static final float MIN_PROBABILITY = 1e-7f;

  private final float alpha;
  private final float beta;
  private final float logZero;

  /** alpha = beta = 1, A = -4. */
  public SymmetricCrossEntropy() {
    this(1f, 1f, A);
  }

  public SymmetricCrossEntropy(float alpha, float beta, float logZero) {
    super("SymmetricCrossEntropy");
    this.alpha = alpha;
    this.beta = beta;
    this.logZero = logZero;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    NDArray probabilities = logits.softmax(-1).clip(MIN_PROBABILITY, 1f);
    int classes = (int) logits.getShape().get(logits.getShape().dimension() - 1);
    NDArray oneHot =
        labels
            .singletonOrThrow()
            .toType(ai.djl.ndarray.types.DataType.INT32, false)
            .oneHot(classes);
    NDArray pTrue = probabilities.mul(oneHot).sum(new int[] {-1});
    NDArray ce = pTrue.log().neg();
    NDArray rce = pTrue.neg().add(1).mul(-logZero);
    return ce.mul(alpha).add(rce.mul(beta)).mean();
  }
}
