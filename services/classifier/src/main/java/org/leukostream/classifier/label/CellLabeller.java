package org.leukostream.classifier.label;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClassProbability;
import org.leukostream.avro.MemberOutput;
import org.leukostream.avro.ModelRef;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.EnsembleMember;
import org.leukostream.models.inference.EnsemblePrediction;
import org.leukostream.models.inference.PlainImage;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.OperatingPoint;

/**
 * What the classifier service does with a batch of crops, apart from Kafka: the stage-1 countable
 * filter and ensemble B (WBC class) run on the whole batch; ensemble A (blast vs normal), where
 * configured, on the whole batch too or, as a cascade, only on the crops stage 1 keeps and B calls
 * lymphoid. Every crop gets one {@link CellLabel} with the output of every member that ran on it
 * and the batch's size and wall time, and, where ensemble A's members record an operating point for
 * exactly this combination, its blast-probability threshold. Thread-safe.
 */
public final class CellLabeller implements Labeller, AutoCloseable {
  public static final String COUNTABLE = "countable";
  public static final String WBC = "wbc";
  public static final String BLAST = "blast";

  /** Side of the plain crop {@link #modelsRun()} labels. */
  private static final int PLAIN_SIDE = 64;

  private final Ensemble countable;
  private final Ensemble wbc;
  private final Optional<Ensemble> blast;
  private final double countableThreshold;
  private final boolean[] countableClasses;
  private final boolean[] blastClasses;
  private final Set<String> lymphoidClasses;
  private final Double blastThreshold;

  /**
   * @param countable stage 1; its classes with role {@code COUNTABLE} sum to the countable
   *     probability
   * @param wbc ensemble B
   * @param blast ensemble A, if configured; its classes with role {@code BLAST} sum to the blast
   *     probability
   * @param countableThreshold countable probability at or above which a cell is countable
   */
  public CellLabeller(
      Ensemble countable, Ensemble wbc, Optional<Ensemble> blast, double countableThreshold) {
    this(countable, wbc, blast, countableThreshold, false);
  }

  /**
   * As above; with {@code cascade}, ensemble A runs only on the crops stage 1 keeps and ensemble B
   * calls lymphoid (its classes of role {@code LYMPHOID} or {@code LYMPHOBLAST}, of which it must
   * have one), and the other crops' labels carry no blast probability.
   */
  public CellLabeller(
      Ensemble countable,
      Ensemble wbc,
      Optional<Ensemble> blast,
      double countableThreshold,
      boolean cascade) {
    this.countable = countable;
    this.wbc = wbc;
    this.blast = blast;
    this.countableThreshold = countableThreshold;
    this.countableClasses = roles(countable, Set.of(ClassRole.COUNTABLE));
    this.blastClasses = blast.map(b -> roles(b, Set.of(ClassRole.BLAST))).orElse(null);
    this.blastThreshold =
        blast.flatMap(Ensemble::operatingPoint).map(OperatingPoint::threshold).orElse(null);
    if (cascade && blast.isPresent()) {
      boolean[] lymphoid = roles(wbc, Set.of(ClassRole.LYMPHOID, ClassRole.LYMPHOBLAST));
      Set<String> names = new HashSet<>();
      for (int k = 0; k < lymphoid.length; k++) {
        if (lymphoid[k]) {
          names.add(wbc.classes().get(k));
        }
      }
      this.lymphoidClasses = Set.copyOf(names);
    } else {
      this.lymphoidClasses = null;
    }
  }

  /** Every ensemble in stage order. */
  public List<Ensemble> ensembles() {
    List<Ensemble> out = new ArrayList<>(List.of(countable, wbc));
    blast.ifPresent(out::add);
    return out;
  }

  @Override
  public boolean modelsRun() {
    BufferedImage plain = PlainImage.of(PLAIN_SIDE);
    List<Image> one = List.of(ImageFactory.getInstance().fromImage(plain));
    try {
      for (Ensemble ensemble : ensembles()) {
        ensemble.predict(one);
      }
      return true;
    } catch (TranslateException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public List<CellLabel> label(List<CellCrop> crops, List<Image> images) throws TranslateException {
    long start = System.nanoTime();
    List<EnsemblePrediction> stage1 = countable.predict(images);
    List<EnsemblePrediction> classes = wbc.predict(images);
    List<EnsemblePrediction> blasts = blast.isPresent() ? blasts(images, stage1, classes) : null;
    double millis = (System.nanoTime() - start) / 1e6;
    Instant now = Instant.now();
    List<CellLabel> labels = new ArrayList<>(crops.size());
    for (int i = 0; i < crops.size(); i++) {
      CellCrop crop = crops.get(i);
      double pCountable = sum(stage1.get(i).combined(), countableClasses);
      Classifications b = classes.get(i).combined();
      List<MemberOutput> members = new ArrayList<>();
      members.addAll(members(COUNTABLE, countable, stage1.get(i)));
      members.addAll(members(WBC, wbc, classes.get(i)));
      Double pBlast = null;
      if (blasts != null && blasts.get(i) != null) {
        pBlast = sum(blasts.get(i).combined(), blastClasses);
        members.addAll(members(BLAST, blast.get(), blasts.get(i)));
      }
      labels.add(
          CellLabel.newBuilder()
              .setCellId(crop.getCellId())
              .setCaseId(crop.getCaseId())
              .setFieldIndex(crop.getFieldIndex())
              .setCountable(pCountable >= countableThreshold)
              .setCountableProbability(pCountable)
              .setWbcClass(b.best().getClassName())
              .setWbcProbabilities(probabilities(b))
              .setBlastProbability(pBlast)
              .setBlastThreshold(pBlast == null ? null : blastThreshold)
              .setMembers(members)
              .setDetectorModel(crop.getDetectorModel())
              .setBatchSize(crops.size())
              .setInferenceMillis(millis)
              .setLabelledAt(now)
              .build());
    }
    return labels;
  }

  /**
   * Ensemble A's verdict per crop: on every crop, or with the cascade only on those stage 1 keeps
   * and B calls lymphoid (null for the others).
   */
  private List<EnsemblePrediction> blasts(
      List<Image> images, List<EnsemblePrediction> stage1, List<EnsemblePrediction> classes)
      throws TranslateException {
    if (lymphoidClasses == null) {
      return blast.get().predict(images);
    }
    List<Integer> chosen = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      boolean kept = sum(stage1.get(i).combined(), countableClasses) >= countableThreshold;
      if (kept && lymphoidClasses.contains(classes.get(i).combined().best().getClassName())) {
        chosen.add(i);
      }
    }
    List<EnsemblePrediction> out = new ArrayList<>(Collections.nCopies(images.size(), null));
    if (chosen.isEmpty()) {
      return out;
    }
    List<EnsemblePrediction> verdicts =
        blast.get().predict(chosen.stream().map(images::get).toList());
    for (int k = 0; k < chosen.size(); k++) {
      out.set(chosen.get(k), verdicts.get(k));
    }
    return out;
  }

  private static List<MemberOutput> members(
      String stage, Ensemble ensemble, EnsemblePrediction prediction) {
    List<MemberOutput> out = new ArrayList<>(ensemble.members().size());
    for (int m = 0; m < ensemble.members().size(); m++) {
      EnsembleMember member = ensemble.members().get(m);
      out.add(
          new MemberOutput(
              stage,
              new ModelRef(member.model().manifest().name(), member.model().manifest().version()),
              member.weight(),
              probabilities(prediction.members().get(m))));
    }
    return out;
  }

  private static List<ClassProbability> probabilities(Classifications c) {
    List<ClassProbability> out = new ArrayList<>(c.getClassNames().size());
    for (int k = 0; k < c.getClassNames().size(); k++) {
      out.add(new ClassProbability(c.getClassNames().get(k), c.getProbabilities().get(k)));
    }
    return out;
  }

  private static double sum(Classifications c, boolean[] selected) {
    double p = 0;
    for (int k = 0; k < selected.length; k++) {
      p += selected[k] ? c.getProbabilities().get(k) : 0;
    }
    return p;
  }

  /** Which of the ensemble's classes (in order) have one of {@code roles}; at least one must. */
  private static boolean[] roles(Ensemble ensemble, Set<ClassRole> roles) {
    List<ModelClass> classes = ensemble.members().get(0).model().manifest().classes();
    boolean[] selected = new boolean[classes.size()];
    boolean any = false;
    for (int k = 0; k < classes.size(); k++) {
      selected[k] = roles.contains(classes.get(k).role());
      any |= selected[k];
    }
    if (!any) {
      throw new IllegalArgumentException(
          "Stage "
              + ensemble.stage()
              + ": no class of "
              + ensemble.members().get(0).model().manifest().name()
              + " has role "
              + roles
              + " (classes: "
              + classes
              + ")");
    }
    return selected;
  }

  @Override
  public void close() {
    ensembles().forEach(Ensemble::close);
  }
}
