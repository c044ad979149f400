package org.leukostream.training.eval;

import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.annotation.JsonIgnore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.training.data.DetectionData;

/**
 * Average precision at an IoU threshold (all-point interpolation, VOC 2010+) and recall, over
 * fields: each detection, best score first, is a true positive when it overlaps a not yet matched
 * true box of its field by at least the threshold.
 */
public final class DetectionMetrics {
  /**
   * @param averagePrecision AP at the IoU threshold
   * @param recall true boxes found by any detection
   * @param truths true boxes
   * @param detections detections scored
   * @param threshold the operating score threshold (the detector service's default, 0.5)
   * @param recallAtThreshold true boxes found by detections scoring at least {@code threshold}
   * @param precisionAtThreshold share of the detections at or above {@code threshold} that are true
   * @param recallCurve recall after each detection, best score first (for the PR curve; not in
   *     reports' JSON)
   * @param precisionCurve interpolated precision (the best at that recall or beyond) at each point
   */
  public record Result(
      double averagePrecision,
      double recall,
      int truths,
      int detections,
      double threshold,
      double recallAtThreshold,
      double precisionAtThreshold,
      @JsonIgnore double[] recallCurve,
      @JsonIgnore double[] precisionCurve) {}

  /** The detector service's default score threshold. */
  public static final double OPERATING_THRESHOLD = 0.5;

  private DetectionMetrics() {}

  /**
   * Runs {@code detector} on every field's image and scores its boxes against the field's white
   * cells at IoU {@code iou}.
   */
  public static Result evaluate(WbcDetector detector, List<DetectionData.Field> fields, double iou)
      throws IOException, TranslateException {
    return evaluate(detector, fields, iou, OPERATING_THRESHOLD);
  }

  /** As above, with recall and precision counted at {@code threshold}. */
  public static Result evaluate(
      WbcDetector detector, List<DetectionData.Field> fields, double iou, double threshold)
      throws IOException, TranslateException {
    List<List<CellDetection>> detected = new ArrayList<>(fields.size());
    List<List<CellDetection>> truths = new ArrayList<>(fields.size());
    for (DetectionData.Field field : fields) {
      detected.add(
          detector.detect(
              ImageFactory.getInstance().fromImage(ImageIO.read(field.image().toFile()))));
      truths.add(
          field.boxes().stream()
              .map(b -> new CellDetection(b.x(), b.y(), b.width(), b.height(), 1, "wbc"))
              .toList());
    }
    return evaluate(detected, truths, iou, threshold);
  }

  /** {@code detections.get(f)} and {@code truths.get(f)} are field f's boxes. */
  public static Result evaluate(
      List<List<CellDetection>> detections, List<List<CellDetection>> truths, double iou) {
    return evaluate(detections, truths, iou, OPERATING_THRESHOLD);
  }

  /** As above, with recall and precision counted at {@code threshold}. */
  public static Result evaluate(
      List<List<CellDetection>> detections,
      List<List<CellDetection>> truths,
      double iou,
      double threshold) {
    List<double[]> scored = new ArrayList<>(); // (score, 1 if a true positive)
    int truth = 0;
    for (int f = 0; f < truths.size(); f++) {
      List<CellDetection> field = truths.get(f);
      truth += field.size();
      boolean[] matched = new boolean[field.size()];
      List<CellDetection> ranked = new ArrayList<>(detections.get(f));
      ranked.sort((a, b) -> Double.compare(b.score(), a.score()));
      for (CellDetection box : ranked) {
        int hit = -1;
        double best = iou;
        for (int t = 0; t < field.size(); t++) {
          double overlap = box.iou(field.get(t));
          if (!matched[t] && overlap >= best) {
            best = overlap;
            hit = t;
          }
        }
        if (hit >= 0) {
          matched[hit] = true;
        }
        scored.add(new double[] {box.score(), hit >= 0 ? 1 : 0});
      }
    }
    scored.sort((x, y) -> Double.compare(y[0], x[0]));
    int n = scored.size();
    double[] precision = new double[n];
    double[] recall = new double[n];
    int tp = 0;
    int kept = 0;
    int keptTrue = 0;
    for (int i = 0; i < n; i++) {
      tp += (int) scored.get(i)[1];
      if (scored.get(i)[0] >= threshold) {
        kept++;
        keptTrue += (int) scored.get(i)[1];
      }
      precision[i] = tp / (double) (i + 1);
      recall[i] = truth == 0 ? 0 : tp / (double) truth;
    }
    double ap = 0;
    double previousRecall = 0;
    double envelope = 0;
    double[] best = new double[n];
    for (int i = n - 1; i >= 0; i--) {
      envelope = Math.max(envelope, precision[i]);
      best[i] = envelope;
    }
    for (int i = 0; i < n; i++) {
      ap += (recall[i] - previousRecall) * best[i];
      previousRecall = recall[i];
    }
    return new Result(
        ap,
        truth == 0 ? 0 : tp / (double) truth,
        truth,
        n,
        threshold,
        truth == 0 ? 0 : keptTrue / (double) truth,
        kept == 0 ? 0 : keptTrue / (double) kept,
        recall,
        best);
  }
}
