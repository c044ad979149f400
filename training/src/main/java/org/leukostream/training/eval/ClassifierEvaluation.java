package org.leukostream.training.eval;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.EnsemblePrediction;
import org.leukostream.training.data.LabelledImage;

/**
 * A classifier (one model or an ensemble) on labelled images it never saw: accuracy, per-class
 * precision / recall / F1, macro and weighted F1, the confusion matrix, ROC AUC and average
 * precision one-vs-rest; written as JSON and Markdown with PNG pictures.
 */
public final class ClassifierEvaluation {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @param metrics the confusion matrix and what follows from it
   * @param rocAuc per class, one-vs-rest
   * @param averagePrecision per class, one-vs-rest
   * @param scores per class, its probability for every image (for the curves)
   * @param truth per image, its true class index
   */
  public record Result(
      ClassificationMetrics metrics,
      Map<String, Double> rocAuc,
      Map<String, Double> averagePrecision,
      double[][] scores,
      int[] truth) {}

  private ClassifierEvaluation() {}

  public static Result evaluate(
      Ensemble ensemble, List<LabelledImage> images, int batch, Consumer<Integer> progress)
      throws TranslateException {
    List<String> classes = ensemble.classes();
    int n = images.size();
    int[] truth = new int[n];
    double[][] scores = new double[classes.size()][n];
    for (int from = 0; from < n; from += batch) {
      List<LabelledImage> chunk = images.subList(from, Math.min(n, from + batch));
      List<Image> inputs = new ArrayList<>(chunk.size());
      for (LabelledImage image : chunk) {
        try {
          inputs.add(ImageFactory.getInstance().fromImage(ImageIO.read(image.file().toFile())));
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot read " + image.file(), e);
        }
      }
      List<EnsemblePrediction> out = ensemble.predict(inputs);
      for (int i = 0; i < chunk.size(); i++) {
        int index = from + i;
        truth[index] = classes.indexOf(chunk.get(i).label());
        if (truth[index] < 0) {
          throw new IllegalArgumentException(
              "Class "
                  + chunk.get(i).label()
                  + " of "
                  + chunk.get(i).file()
                  + " is not one of the model's "
                  + classes);
        }
        Classifications c = out.get(i).combined();
        for (int k = 0; k < classes.size(); k++) {
          scores[k][index] = c.getProbabilities().get(k);
        }
      }
      progress.accept(Math.min(n, from + batch));
    }
    return of(classes, scores, truth);
  }

  /**
   * The metrics of the images {@code keep} selects (by index) from {@code result}, without running
   * the models again: e.g. one data set of several evaluated together.
   */
  public static Result subset(Result result, java.util.function.IntPredicate keep) {
    int[] indices =
        java.util.stream.IntStream.range(0, result.truth().length).filter(keep).toArray();
    double[][] scores = new double[result.scores().length][indices.length];
    int[] truth = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      truth[i] = result.truth()[indices[i]];
      for (int k = 0; k < scores.length; k++) {
        scores[k][i] = result.scores()[k][indices[i]];
      }
    }
    return of(result.metrics().classes(), scores, truth);
  }

  /** Metrics of class scores ({@code scores[class][image]}) against true class indices. */
  static Result of(List<String> classes, double[][] scores, int[] truth) {
    int n = truth.length;
    int[] predicted = new int[n];
    for (int i = 0; i < n; i++) {
      double best = -1;
      for (int k = 0; k < classes.size(); k++) {
        if (scores[k][i] > best) {
          best = scores[k][i];
          predicted[i] = k;
        }
      }
    }
    ClassificationMetrics metrics = ClassificationMetrics.of(classes, truth, predicted);
    Map<String, Double> auc = new LinkedHashMap<>();
    Map<String, Double> ap = new LinkedHashMap<>();
    for (int k = 0; k < classes.size(); k++) {
      boolean[] positive = positives(truth, k);
      auc.put(classes.get(k), RankingMetrics.rocAuc(scores[k], positive));
      ap.put(classes.get(k), RankingMetrics.averagePrecision(scores[k], positive));
    }
    return new Result(metrics, auc, ap, scores, truth);
  }

  /**
   * A result as reports show it.
   *
   * @param perClass precision, recall, F1, support, ROC AUC and AP of each class
   * @param confusion rows the truth, columns the prediction, in the order of {@code classes}
   */
  public record Summary(
      long images,
      double accuracy,
      double macroF1,
      double weightedF1,
      List<ClassRow> perClass,
      List<String> classes,
      long[][] confusion) {}

  /** One class of a {@link Summary}; {@code class} in JSON. */
  public record ClassRow(
      @JsonProperty("class") String className,
      double precision,
      double recall,
      double f1,
      long support,
      Double rocAuc,
      Double averagePrecision) {}

  /** The result as reports show it. */
  public static Summary summary(Result result) {
    ClassificationMetrics m = result.metrics();
    List<ClassRow> perClass = new ArrayList<>();
    for (ClassificationMetrics.PerClass c : m.perClass()) {
      perClass.add(
          new ClassRow(
              c.className(),
              c.precision(),
              c.recall(),
              c.f1(),
              c.support(),
              result.rocAuc().get(c.className()),
              result.averagePrecision().get(c.className())));
    }
    return new Summary(
        m.total(), m.accuracy(), m.macroF1(), m.weightedF1(), perClass, m.classes(), m.confusion());
  }

  /**
   * The fields of {@code context} (what was evaluated: task, data, models, ...) followed by those
   * of {@code summary}, as one JSON object.
   */
  public static ObjectNode merged(Record context, Object summary) {
    ObjectNode json = JSON.valueToTree(context);
    json.setAll((ObjectNode) JSON.valueToTree(summary));
    return json;
  }

  /** Writes report.json, report.md, confusion-matrix.png, roc.png and pr.png into {@code dir}. */
  public static void write(Result result, String title, Record context, Path dir) {
    try {
      Files.createDirectories(dir);
      JSON.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve("report.json").toFile(), merged(context, summary(result)));
      Files.writeString(
          dir.resolve("report.md"), markdown(result, title, context), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the report to " + dir, e);
    }
    ClassificationMetrics m = result.metrics();
    Plots.confusionMatrix(m, title, dir.resolve("confusion-matrix.png"));
    List<Plots.Series> roc = new ArrayList<>();
    List<Plots.Series> pr = new ArrayList<>();
    List<String> classes = m.classes();
    // Binary: the positive (first) class's curves; more classes: one curve each.
    int curves = classes.size() == 2 ? 1 : classes.size();
    for (int k = 0; k < curves; k++) {
      boolean[] positive = positives(result.truth(), k);
      double[][] r = RankingMetrics.rocCurve(result.scores()[k], positive);
      double[][] p = RankingMetrics.prCurve(result.scores()[k], positive);
      roc.add(
          new Plots.Series(
              String.format("%s (AUC %.3f)", classes.get(k), result.rocAuc().get(classes.get(k))),
              r[0],
              r[1]));
      pr.add(
          new Plots.Series(
              String.format(
                  "%s (AP %.3f)", classes.get(k), result.averagePrecision().get(classes.get(k))),
              p[0],
              p[1]));
    }
    Plots.lines(
        title + ": ROC",
        "false-positive rate",
        "true-positive rate",
        roc,
        true,
        dir.resolve("roc.png"));
    Plots.lines(
        title + ": precision-recall", "recall", "precision", pr, true, dir.resolve("pr.png"));
  }

  /**
   * One CSV row per image of {@code result} (in the order evaluated, {@code images}): the image's
   * path (relative to the data set it came from), that data set's name, its true class, the class
   * predicted (the highest probability) and the probability of every class, for inspecting the
   * errors in pandas, R or a spreadsheet. {@code sources} names each data set by its root folder;
   * an image under none of them keeps its absolute path and an empty data set.
   */
  public static void writePredictions(
      Result result, List<LabelledImage> images, Map<String, Path> sources, Path file) {
    List<String> classes = result.metrics().classes();
    if (images.size() != result.truth().length) {
      throw new IllegalArgumentException(
          images.size() + " images for " + result.truth().length + " evaluated");
    }
    StringBuilder csv = new StringBuilder("path,dataset,true_class,predicted_class");
    classes.forEach(c -> csv.append(",p_").append(csvField(c)));
    csv.append('\n');
    for (int i = 0; i < images.size(); i++) {
      Path path = images.get(i).file().toAbsolutePath().normalize();
      String dataset = "";
      for (Map.Entry<String, Path> source : sources.entrySet()) {
        if (path.startsWith(source.getValue())) {
          dataset = source.getKey();
          path = source.getValue().relativize(path);
          break;
        }
      }
      int predicted = 0;
      for (int k = 1; k < classes.size(); k++) {
        if (result.scores()[k][i] > result.scores()[predicted][i]) {
          predicted = k;
        }
      }
      csv.append(csvField(path.toString().replace('\\', '/')))
          .append(',')
          .append(csvField(dataset))
          .append(',')
          .append(csvField(classes.get(result.truth()[i])))
          .append(',')
          .append(csvField(classes.get(predicted)));
      for (int k = 0; k < classes.size(); k++) {
        csv.append(',').append(String.format(java.util.Locale.ROOT, "%.6f", result.scores()[k][i]));
      }
      csv.append('\n');
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a line break. */
  static String csvField(String value) {
    if (value.indexOf(',') < 0
        && value.indexOf('"') < 0
        && value.indexOf('\n') < 0
        && value.indexOf('\r') < 0) {
      return value;
    }
    return '"' + value.replace("\"", "\"\"") + '"';
  }

  static String markdown(Result result, String title, Record context) {
    ClassificationMetrics m = result.metrics();
    StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
    JSON.<ObjectNode>valueToTree(context)
        .properties()
        .forEach(
            e ->
                md.append("- ")
                    .append(e.getKey())
                    .append(": ")
                    .append(e.getValue().isTextual() ? e.getValue().asText() : e.getValue())
                    .append('\n'));
    md.append(
        String.format(
            "%n%d images: accuracy %.4f, macro F1 %.4f, weighted F1 %.4f%n%n",
            m.total(), m.accuracy(), m.macroF1(), m.weightedF1()));
    md.append(
        "| class | precision | recall | F1 | support | ROC AUC | AP |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (ClassRow c : summary(result).perClass()) {
      md.append(
          String.format(
              "| %s | %.4f | %.4f | %.4f | %d | %.4f | %.4f |%n",
              c.className(),
              c.precision(),
              c.recall(),
              c.f1(),
              c.support(),
              c.rocAuc(),
              c.averagePrecision()));
    }
    md.append(
        "\nConfusion matrix (rows true, columns predicted): `confusion-matrix.png`; curves: `roc.png`, `pr.png`.\n");
    return md.toString();
  }

  private static boolean[] positives(int[] truth, int k) {
    boolean[] out = new boolean[truth.length];
    for (int i = 0; i < truth.length; i++) {
      out[i] = truth[i] == k;
    }
    return out;
  }
}
