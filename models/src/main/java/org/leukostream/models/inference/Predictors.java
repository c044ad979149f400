package org.leukostream.models.inference;

import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.metric.Metrics;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One model's predictors, one per calling thread (DJL predictors are not thread-safe), fed in
 * batches of at most {@code maxBatch} inputs: a longer list is split, and the outputs come back as
 * one list in input order. Memory is bounded by the batch size, not by the list's length.
 */
public final class Predictors<I, O> implements AutoCloseable {
  private final ThreadLocal<Predictor<I, O>> predictors;
  private final Queue<Predictor<I, O>> created = new ConcurrentLinkedQueue<>();
  private final int maxBatch;
  private volatile Metrics metrics;

  public Predictors(Model model, Translator<I, O> translator, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maximum batch size must be at least 1, not " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.predictors =
        ThreadLocal.withInitial(
            () -> {
              Predictor<I, O> predictor = model.newPredictor(translator);
              if (metrics != null) {
                predictor.setMetrics(metrics);
              }
              created.add(predictor);
              return predictor;
            });
  }

  /**
   * The outputs of {@code inputs}, in order, with autograd off on the calling thread meanwhile:
   * LibTorch's grad mode is per thread and DJL switches it off only on the thread that loaded the
   * engine, so on a service's worker or inference thread every forward pass would otherwise run
   * with autograd on, recording a graph for each parameter that requires a gradient.
   */
  public List<O> predict(List<I> inputs) throws TranslateException {
    boolean gradients = JniUtils.isGradMode();
    if (gradients) {
      JniUtils.setGradMode(false);
    }
    try {
      if (inputs.size() <= maxBatch) {
        return predictors.get().batchPredict(inputs);
      }
      List<O> out = new ArrayList<>(inputs.size());
      for (int from = 0; from < inputs.size(); from += maxBatch) {
        out.addAll(
            predictors
                .get()
                .batchPredict(inputs.subList(from, Math.min(inputs.size(), from + maxBatch))));
      }
      return out;
    } finally {
      if (gradients) {
        JniUtils.setGradMode(true); // a training loop's gradient collector on this thread
      }
    }
  }

  /**
   * Has every predictor, those made already and those to come, record DJL's per-batch timings
   * ({@code Preprocess}, {@code Inference}, {@code Postprocess}) into {@code metrics}; for
   * benchmarks.
   */
  public void recordInto(Metrics metrics) {
    this.metrics = metrics;
    created.forEach(p -> p.setMetrics(metrics));
  }

  public int maxBatch() {
    return maxBatch;
  }

  @Override
  public void close() {
    created.forEach(Predictor::close);
    created.clear();
  }
}
