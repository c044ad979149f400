package org.leukostream.training.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * Metrics of a classifier from its confusion matrix (rows: true class, columns: predicted class):
 * accuracy, per-class precision / recall / F1 and support, macro and weighted F1. A class never
 * predicted has precision 0 (and never true: recall 0), as scikit-learn reports with
 * zero_division=0.
 */
public final class ClassificationMetrics {
  private final List<String> classes;
  private final long[][] confusion;

  public ClassificationMetrics(List<String> classes, long[][] confusion) {
    if (confusion.length != classes.size()) {
      throw new IllegalArgumentException("Confusion matrix is not " + classes.size() + " square");
    }
    for (long[] row : confusion) {
      if (row.length != classes.size()) {
        throw new IllegalArgumentException("Confusion matrix is not " + classes.size() + " square");
      }
    }
    this.classes = List.copyOf(classes);
    this.confusion = confusion;
  }

  /**
   * The confusion matrix of predictions {@code predicted} against {@code truth} (class indices).
   */
  public static ClassificationMetrics of(List<String> classes, int[] truth, int[] predicted) {
    long[][] confusion = new long[classes.size()][classes.size()];
    for (int i = 0; i < truth.length; i++) {
      confusion[truth[i]][predicted[i]]++;
    }
    return new ClassificationMetrics(classes, confusion);
  }

  public List<String> classes() {
    return classes;
  }

  public long[][] confusion() {
    return confusion;
  }

  public long total() {
    long n = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        n += v;
      }
    }
    return n;
  }

  public double accuracy() {
    long right = 0;
    for (int c = 0; c < confusion.length; c++) {
      right += confusion[c][c];
    }
    return total() == 0 ? 0 : right / (double) total();
  }

  public long support(int c) {
    long n = 0;
    for (long v : confusion[c]) {
      n += v;
    }
    return n;
  }

  public double precision(int c) {
    long predicted = 0;
    for (long[] row : confusion) {
      predicted += row[c];
    }
    return predicted == 0 ? 0 : confusion[c][c] / (double) predicted;
  }

  public double recall(int c) {
    long n = support(c);
    return n == 0 ? 0 : confusion[c][c] / (double) n;
  }

  public double f1(int c) {
    double p = precision(c);
    double r = recall(c);
    return p + r == 0 ? 0 : 2 * p * r / (p + r);
  }

  /**
   * Mean F1 over the classes that occur among the true or the predicted labels (as scikit-learn
   * does): a class absent from both, e.g. in one data set of several, does not count as F1 = 0.
   */
  public double macroF1() {
    double sum = 0;
    int counted = 0;
    for (int c = 0; c < classes.size(); c++) {
      long predicted = 0;
      for (long[] row : confusion) {
        predicted += row[c];
      }
      if (support(c) > 0 || predicted > 0) {
        sum += f1(c);
        counted++;
      }
    }
    return counted == 0 ? 0 : sum / counted;
  }

  public double weightedF1() {
    double sum = 0;
    for (int c = 0; c < classes.size(); c++) {
      sum += f1(c) * support(c);
    }
    return total() == 0 ? 0 : sum / total();
  }

  /** Per-class rows: class, precision, recall, F1, support. */
  public List<PerClass> perClass() {
    List<PerClass> out = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      out.add(new PerClass(classes.get(c), precision(c), recall(c), f1(c), support(c)));
    }
    return out;
  }

  /** One class's figures. */
  public record PerClass(
      String className, double precision, double recall, double f1, long support) {}
}
