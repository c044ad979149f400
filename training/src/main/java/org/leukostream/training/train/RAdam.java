package org.leukostream.training.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rectified Adam (Liu et al. 2019, "On the Variance of the Adaptive Learning Rate and Beyond"), the
 * optimiser of Jiang et al. 2021. Per parameter, at step t:
 *
 * <pre>
 *   m_t = b1 m + (1 - b1) g          v_t = b2 v + (1 - b2) g^2          m^ = m_t / (1 - b1^t)
 *   rho_inf = 2 / (1 - b2) - 1       rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
 *   rho_t > 4:  r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
 *               w -= lr r_t m^ sqrt(1 - b2^t) / (sqrt(v_t) + eps)
 *   otherwise:  w -= lr m^                     (the variance is not yet tractable: momentum only)
 * </pre>
 *
 * Weight decay (L2, added to the gradient), gradient rescaling and clipping as in DJL's own
 * optimisers.
 */
public final class RAdam extends Optimizer {
  private final ParameterTracker learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final double rhoInfinity;
  private final Map<String, Map<Device, NDArray>> means = new ConcurrentHashMap<>();
  private final Map<String, Map<Device, NDArray>> variances = new ConcurrentHashMap<>();

  private RAdam(Builder builder) {
    super(builder);
    this.learningRate = builder.learningRate;
    this.beta1 = builder.beta1;
    this.beta2 = builder.beta2;
    this.epsilon = builder.epsilon;
    this.rhoInfinity = 2.0 / (1.0 - beta2) - 1.0;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** rho_t of step {@code t}: the length of the approximated simple moving average. */
  public double rho(int t) {
    double b2t = Math.pow(beta2, t);
    return rhoInfinity - 2.0 * t * b2t / (1.0 - b2t);
  }

  /** The rectification term r_t of step {@code t}, or 0 where rho_t <= 4 (no adaptive step). */
  public double rectification(int t) {
    double rho = rho(t);
    if (rho <= 4) {
      return 0;
    }
    return Math.sqrt(
        (rho - 4) * (rho - 2) * rhoInfinity / ((rhoInfinity - 4) * (rhoInfinity - 2) * rho));
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    int t = updateCount(parameterId);
    float lr = learningRate.getNewValue(parameterId, t);
    Device device = weight.getDevice();
    NDArray m = withDefaultState(means, parameterId, device, k -> weight.zerosLike());
    NDArray v = withDefaultState(variances, parameterId, device, k -> weight.zerosLike());
    // Every temporary belongs to the weight's (the model's) manager: closed with the scope, or one
    // step's worth of arrays per parameter would stay for the model's lifetime.
    try (NDScope scope = new NDScope()) {
      NDArray g = grad.mul(rescaleGrad);
      if (clipGrad > 0) {
        g = g.clip(-clipGrad, clipGrad);
      }
      if (getWeightDecay() != 0) {
        g = g.add(weight.mul(getWeightDecay()));
      }
      m.muli(beta1).addi(g.mul(1 - beta1));
      v.muli(beta2).addi(g.square().muli(1 - beta2));
      NDArray mHat = m.div(1 - Math.pow(beta1, t));
      double r = rectification(t);
      NDArray step;
      if (r > 0) {
        double scale = r * Math.sqrt(1 - Math.pow(beta2, t));
        step = mHat.mul(scale).divi(v.sqrt().addi(epsilon));
      } else {
        step = mHat;
      }
      weight.subi(step.muli(lr));
    }
  }

  /** Builds a {@link RAdam}; defaults: lr 1e-4 (Jiang et al.), betas 0.9 / 0.999, eps 1e-8. */
  public static final class Builder extends OptimizerBuilder<Builder> {
    private ParameterTracker learningRate = Tracker.fixed(1e-4f);
    private float beta1 = 0.9f;
    private float beta2 = 0.999f;
    private float epsilon = 1e-8f;

    @Override
    protected Builder self() {
      return this;
    }

    public Builder optLearningRateTracker(ParameterTracker tracker) {
      this.learningRate = tracker;
      return this;
    }

    public Builder optBeta1(float beta1) {
      this.beta1 = beta1;
      return this;
    }

    public Builder optBeta2(float beta2) {
      this.beta2 = beta2;
      return this;
    }

    public Builder optEpsilon(float epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public RAdam build() {
      return new RAdam(this);
    }
  }
}
