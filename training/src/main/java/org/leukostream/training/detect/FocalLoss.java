package org.leukostream.training.detect;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;

/**
 * RetinaNet's loss (Lin et al. 2017): the sigmoid focal loss {@code -alpha_t (1 - p_t)^gamma
 * log(p_t)} summed over the anchors that are not ignored, plus the L1 distance of the positive
 * anchors' offsets to their targets, both divided by the number of positive anchors (at least 1).
 *
 * <p>Labels: {@code (classes, valid, positive, offsets)} as {@link DetectionTargets} lays them out,
 * stacked over the batch; predictions: the detector's {@code (logits, offsets)}.
 */
public final class FocalLoss extends Loss {
  private final float alpha;
  private final float gamma;

  /** Lin et al.'s defaults: alpha 0.25, gamma 2. */
  public FocalLoss() {
    this(0.25f, 2f);
  }

  public FocalLoss(float alpha, float gamma) {
    super("focal");
    this.alpha = alpha;
    this.gamma = gamma;
  }

  /**
   * The element-wise focal loss of {@code logits} against 0/1 {@code targets}, before any sum: the
   * binary cross-entropy, computed stably from logits, times {@code alpha_t (1 - p_t)^gamma}.
   */
  public NDArray elementwise(NDArray logits, NDArray targets) {
    NDArray p = Activation.sigmoid(logits);
    // max(x, 0) - x t + log(1 + exp(-|x|)) = -[t log p + (1 - t) log(1 - p)]
    NDArray ce =
        logits.maximum(0).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1).log());
    NDArray pt = p.mul(targets).add(p.neg().add(1).mul(targets.neg().add(1)));
    NDArray alphaT = targets.mul(alpha).add(targets.neg().add(1).mul(1 - alpha));
    return alphaT.mul(pt.neg().add(1).pow(gamma)).mul(ce);
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray classes = labels.get(0);
    NDArray valid = labels.get(1);
    NDArray positive = labels.get(2);
    NDArray offsets = labels.get(3);
    NDArray classLoss =
        elementwise(predictions.get(0), classes).sum(new int[] {2}).mul(valid).sum();
    NDArray boxLoss = predictions.get(1).sub(offsets).abs().sum(new int[] {2}).mul(positive).sum();
    NDArray normaliser = positive.sum().maximum(1);
    return classLoss.add(boxLoss).div(normaliser);
  }
}
