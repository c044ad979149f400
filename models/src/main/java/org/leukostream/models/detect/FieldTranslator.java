package org.leukostream.models.detect;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDList;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A field image to the detector's letterboxed input, and the detector's per-anchor outputs to cell
 * boxes in field pixels: sigmoid scores above the threshold, the best {@link
 * DetectorSettings#CANDIDATES} decoded against their anchors, clipped to the field, suppressed
 * within each label. Fields of any size batch together (every input is the same square).
 */
final class FieldTranslator implements Translator<Image, List<CellDetection>> {
  private static final String LETTERBOX = "letterbox";

  private final int side;
  private final float[] mean;
  private final float[] std;
  private final float[] anchors;
  private final List<String> labels;
  private final DetectorSettings settings;

  /** The score threshold as a logit, so anchors are compared before the sigmoid. */
  private final double logitThreshold;

  FieldTranslator(
      int side,
      float[] mean,
      float[] std,
      float[] anchors,
      List<String> labels,
      DetectorSettings settings) {
    this.side = side;
    this.mean = mean;
    this.std = std;
    this.anchors = anchors;
    this.labels = labels;
    this.settings = settings;
    this.logitThreshold =
        settings.scoreThreshold() <= 0
            ? Double.NEGATIVE_INFINITY
            : settings.scoreThreshold() >= 1
                ? Double.POSITIVE_INFINITY
                : Math.log(settings.scoreThreshold() / (1 - settings.scoreThreshold()));
  }

  @Override
  public NDList processInput(TranslatorContext ctx, Image field) {
    Letterbox box = Letterbox.of(field.getWidth(), field.getHeight(), side);
    ctx.setAttachment(LETTERBOX, box);
    return new NDList(Letterbox.tensor(ctx.getNDManager(), field, side, mean, std, box));
  }

  @Override
  public List<CellDetection> processOutput(TranslatorContext ctx, NDList outputs) {
    Letterbox box = (Letterbox) ctx.getAttachment(LETTERBOX);
    return decode(outputs.get(0).toFloatArray(), outputs.get(1).toFloatArray(), box);
  }

  /** Boxes from one image's logits {@code (anchors x labels)} and offsets {@code (anchors x 4)}. */
  List<CellDetection> decode(float[] logits, float[] offsets, Letterbox box) {
    int classes = labels.size();
    // The best candidates by logit: a min-heap of (logit, index) capped at CANDIDATES.
    PriorityQueue<float[]> best = new PriorityQueue<>((a, b) -> Float.compare(a[0], b[0]));
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] >= logitThreshold) {
        best.add(new float[] {logits[i], i});
        if (best.size() > DetectorSettings.CANDIDATES) {
          best.poll();
        }
      }
    }
    List<CellDetection> candidates = new ArrayList<>(best.size());
    for (float[] entry : best) {
      int index = (int) entry[1];
      int anchor = index / classes;
      double[] b = BoxCoder.decode(anchors, anchor, offsets, anchor * 4);
      double x1 = clamp(b[0] / box.scale(), box.fieldWidth());
      double y1 = clamp(b[1] / box.scale(), box.fieldHeight());
      double x2 = clamp(b[2] / box.scale(), box.fieldWidth());
      double y2 = clamp(b[3] / box.scale(), box.fieldHeight());
      if (x2 - x1 < 1 || y2 - y1 < 1) {
        continue;
      }
      double score = 1 / (1 + Math.exp(-entry[0]));
      candidates.add(
          new CellDetection(x1, y1, x2 - x1, y2 - y1, score, labels.get(index % classes)));
    }
    return Nms.suppress(
        candidates, settings.nmsIou(), settings.nmsContainment(), settings.maxDetections());
  }

  private static double clamp(double v, int limit) {
    return Math.max(0, Math.min(limit, v));
  }
}
