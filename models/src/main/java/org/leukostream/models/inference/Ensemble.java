package org.leukostream.models.inference;

import ai.djl.Device;
import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.models.store.StoredModel;

/**
 * A weighted sum of the class probabilities of models that share one class list: Jiang et al.'s
 * ensemble A (0.7 x ViT + 0.3 x EfficientNet) and Zhou et al.'s ensemble B (the mean of three
 * ResNe(X)ts), or a single model (weight 1). Every member runs on the same batch. Thread-safe: each
 * thread gets its own predictor per member (DJL predictors are not thread-safe).
 */
public final class Ensemble implements AutoCloseable {
  private static final double WEIGHT_TOLERANCE = 1e-6;

  private final String stage;
  private final List<EnsembleMember> members;
  private final List<String> classes;
  private final List<Predictors<Image, Classifications>> predictors = new ArrayList<>();
  private final List<StoredModel> owned = new ArrayList<>();
  private final TestTimeAugmentation augmentation;

  /**
   * @param stage what the ensemble decides ({@code countable}, {@code wbc}, {@code blast})
   * @param members models with weights summing to 1, all with the same ordered class list
   * @param maxBatch the most crops one forward pass takes; longer lists are split
   */
  public Ensemble(String stage, List<EnsembleMember> members, int maxBatch) {
    this(stage, members, maxBatch, TestTimeAugmentation.NONE);
  }

  /**
   * As {@link #Ensemble(String, List, int)}, each member's probabilities averaged over the views of
   * {@code augmentation} before they are combined.
   */
  public Ensemble(
      String stage, List<EnsembleMember> members, int maxBatch, TestTimeAugmentation augmentation) {
    this.augmentation = augmentation;
    if (members.isEmpty()) {
      throw new IllegalArgumentException("Ensemble " + stage + " has no members");
    }
    this.stage = stage;
    this.members = List.copyOf(members);
    this.classes = classNames(members.get(0));
    double total = 0;
    for (EnsembleMember member : members) {
      if (!classNames(member).equals(classes)) {
        throw new IllegalArgumentException(
            "Ensemble "
                + stage
                + ": "
                + member.model().manifest().name()
                + " has classes "
                + classNames(member)
                + ", the first member "
                + classes);
      }
      if (member.weight() < 0) {
        throw new IllegalArgumentException(
            "Ensemble " + stage + ": negative weight " + member.weight());
      }
      total += member.weight();
    }
    if (Math.abs(total - 1) > WEIGHT_TOLERANCE) {
      throw new IllegalArgumentException(
          "Ensemble " + stage + ": member weights sum to " + total + ", not 1");
    }
    for (EnsembleMember member : members) {
      predictors.add(
          new Predictors<>(
              member.model().model(), new CropTranslator(member.model().manifest()), maxBatch));
    }
  }

  /**
   * Loads the members named in configuration and builds the ensemble, which then owns (and closes)
   * them: {@code members} maps a model location (a directory, or {@code classpath:dir}) to its
   * weight, in member order. A model that fails to load closes those already loaded.
   */
  public static Ensemble load(
      String stage, Map<String, Double> members, Device device, int maxBatch) {
    return load(stage, members, device, maxBatch, TestTimeAugmentation.NONE);
  }

  /** As {@link #load(String, Map, Device, int)}, with test-time augmentation. */
  public static Ensemble load(
      String stage,
      Map<String, Double> members,
      Device device,
      int maxBatch,
      TestTimeAugmentation augmentation) {
    List<StoredModel> loaded = new ArrayList<>();
    try {
      List<EnsembleMember> list = new ArrayList<>();
      for (Map.Entry<String, Double> member : members.entrySet()) {
        StoredModel model = ModelStore.load(member.getKey(), device);
        loaded.add(model);
        list.add(new EnsembleMember(model, member.getValue()));
      }
      Ensemble ensemble = new Ensemble(stage, list, maxBatch, augmentation);
      ensemble.owned.addAll(loaded);
      return ensemble;
    } catch (RuntimeException e) {
      loaded.forEach(StoredModel::close);
      throw e;
    }
  }

  public String stage() {
    return stage;
  }

  public List<EnsembleMember> members() {
    return members;
  }

  public List<String> classes() {
    return classes;
  }

  /**
   * The members as an operating point names them, {@code name:version -> weight} (members of weight
   * 0 left out).
   */
  public Map<String, Double> identity() {
    Map<String, Double> out = new TreeMap<>();
    for (EnsembleMember member : members) {
      if (member.weight() > 0) {
        out.merge(member.model().manifest().id(), member.weight(), Double::sum);
      }
    }
    return out;
  }

  /**
   * The operating point a member's manifest records for exactly this ensemble (same members,
   * versions and weights), if any: a member used in another combination does not bring its point.
   */
  public Optional<OperatingPoint> operatingPoint() {
    Map<String, Double> identity = identity();
    return members.stream()
        .map(m -> m.model().manifest().operatingPoint())
        .filter(p -> p != null && p.appliesTo(identity))
        .findFirst();
  }

  public TestTimeAugmentation augmentation() {
    return augmentation;
  }

  /**
   * Runs a blank batch of each size through every member on this thread, so that the first real
   * batches do not pay for allocating their shapes.
   */
  public void warmUp(int... batchSizes) throws TranslateException {
    int side = members.get(0).model().manifest().inputSize();
    Image blank =
        ImageFactory.getInstance()
            .fromImage(
                new java.awt.image.BufferedImage(
                    side, side, java.awt.image.BufferedImage.TYPE_INT_RGB));
    for (int size : batchSizes) {
      predict(java.util.Collections.nCopies(Math.min(size, predictors.get(0).maxBatch()), blank));
    }
  }

  /** Has every member record DJL's per-batch timings into {@code metrics} (for benchmarks). */
  public void recordInto(ai.djl.metric.Metrics metrics) {
    predictors.forEach(p -> p.recordInto(metrics));
  }

  /** Classifies {@code crops} as one batch per member and combines the members' probabilities. */
  public List<EnsemblePrediction> predict(List<Image> crops) throws TranslateException {
    List<List<Classifications>> perMember = new ArrayList<>();
    List<Image> views = augmentation.expand(crops);
    for (Predictors<Image, Classifications> predictor : predictors) {
      List<Classifications> outputs = predictor.predict(views);
      perMember.add(
          augmentation == TestTimeAugmentation.NONE
              ? outputs
              : meanOverViews(outputs, crops.size(), augmentation.views()));
    }
    double[] weights = members.stream().mapToDouble(EnsembleMember::weight).toArray();
    List<String> models = members.stream().map(m -> m.model().manifest().id()).toList();
    List<EnsemblePrediction> out = new ArrayList<>(crops.size());
    for (int i = 0; i < crops.size(); i++) {
      List<Classifications> memberOutputs = new ArrayList<>();
      List<double[]> probabilities = new ArrayList<>();
      for (List<Classifications> outputs : perMember) {
        memberOutputs.add(outputs.get(i));
        probabilities.add(inClassOrder(outputs.get(i)));
      }
      double[] combined = combine(weights, probabilities);
      out.add(
          new EnsemblePrediction(
              new Classifications(classes, java.util.Arrays.stream(combined).boxed().toList()),
              memberOutputs,
              models));
    }
    return out;
  }

  /** Per crop, the mean of its views' probabilities (outputs view-major, as expanded). */
  private List<Classifications> meanOverViews(List<Classifications> outputs, int crops, int views) {
    List<Classifications> out = new ArrayList<>(crops);
    for (int i = 0; i < crops; i++) {
      double[] sum = new double[classes.size()];
      for (int v = 0; v < views; v++) {
        double[] p = inClassOrder(outputs.get(v * crops + i));
        for (int c = 0; c < sum.length; c++) {
          sum[c] += p[c] / views;
        }
      }
      out.add(new Classifications(classes, java.util.Arrays.stream(sum).boxed().toList()));
    }
    return out;
  }

  /** The weighted sum of the members' probability vectors (same class order). */
  static double[] combine(double[] weights, List<double[]> probabilities) {
    double[] sum = new double[probabilities.get(0).length];
    for (int m = 0; m < weights.length; m++) {
      double[] p = probabilities.get(m);
      for (int c = 0; c < sum.length; c++) {
        sum[c] += weights[m] * p[c];
      }
    }
    return sum;
  }

  /** A member's probabilities in the ensemble's class order, read by class name. */
  private double[] inClassOrder(Classifications output) {
    double[] p = new double[classes.size()];
    List<String> names = output.getClassNames();
    List<Double> values = output.getProbabilities();
    for (int i = 0; i < names.size(); i++) {
      p[classes.indexOf(names.get(i))] = values.get(i);
    }
    return p;
  }

  private static List<String> classNames(EnsembleMember member) {
    return member.model().manifest().classes().stream().map(ModelClass::name).toList();
  }

  @Override
  public void close() {
    predictors.forEach(Predictors::close);
    owned.forEach(StoredModel::close);
  }
}
