package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.Model;
import ai.djl.engine.Engine;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;

/**
 * Both papers' protocols train a small classifier for a few steps on tiny synthetic cells (dark
 * purple round nuclei vs pale blue irregular ones, imbalanced 2:1): the loss falls, and the best
 * epoch is saved as a model directory that loads.
 */
class ClassifierTrainingTest {
  static final List<ModelClass> CLASSES =
      List.of(new ModelClass("blast", ClassRole.BLAST), new ModelClass("normal", ClassRole.NORMAL));

  @TempDir Path dir;

  static BufferedImage cell(int label, Random random) {
    BufferedImage image = new BufferedImage(48, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(230, 200 + random.nextInt(20), 210));
    g.fillRect(0, 0, 48, 48);
    int r = label == 0 ? 16 + random.nextInt(4) : 8 + random.nextInt(4);
    g.setColor(label == 0 ? new Color(80, 30, 120) : new Color(120, 140, 220));
    g.fillOval(24 - r + random.nextInt(5) - 2, 24 - r + random.nextInt(5) - 2, 2 * r, 2 * r);
    g.dispose();
    return image;
  }

  static List<ClassifierTraining.Example> examples(int blasts, int normals, long seed) {
    Random random = new Random(seed);
    List<ClassifierTraining.Example> out = new ArrayList<>();
    for (int i = 0; i < blasts + normals; i++) {
      int label = i < blasts ? 0 : 1;
      BufferedImage image = cell(label, random);
      out.add(new ClassifierTraining.Example(() -> image, label));
    }
    return out;
  }

  List<ClassifierTraining.Epoch> train(ClassifierTraining.Options options, Path out) {
    Architecture arch = Architecture.find("resnet50", "small").orElseThrow();
    ModelManifest manifest = ModelManifest.of("blast-test", arch, "test", CLASSES);
    Engine.getEngine("PyTorch").setRandomSeed(5);
    try (Model model = arch.newModel(manifest.name(), CLASSES.size())) {
      return ClassifierTraining.train(
          model,
          manifest,
          examples(24, 12, 1),
          examples(8, 8, 2),
          options,
          out,
          step -> {},
          epoch ->
              System.out.printf(
                  "epoch %d loss %.4f val acc %.3f%n",
                  epoch.epoch(), epoch.meanLoss(), epoch.validationAccuracy()));
    }
  }

  @Test
  void jiangProtocolLossFallsAndTheBestEpochIsSaved() throws Exception {
    var options =
        new ClassifierTraining.Options(
            4, 8, 1e-3f, ClassifierTraining.Optimiser.RADAM, 0, true, true, 3, 6);
    List<ClassifierTraining.Epoch> history = train(options, dir.resolve("jiang"));
    assertThat(history).hasSize(4);
    assertThat(history.get(3).meanLoss()).isLessThan(history.get(0).meanLoss());
    assertThat(history.stream().filter(ClassifierTraining.Epoch::best)).isNotEmpty();
    assertThat(Files.exists(dir.resolve("jiang").resolve(ModelStore.MANIFEST))).isTrue();
    try (StoredModel stored = ModelStore.load(dir.resolve("jiang"))) {
      assertThat(stored.manifest().classes()).isEqualTo(CLASSES);
    }
  }

  @Test
  void zhouProtocolLossFalls() {
    var options =
        new ClassifierTraining.Options(
            4, 8, 1e-3f, ClassifierTraining.Optimiser.ADAM_COSINE, 4, false, false, 3, 6);
    List<ClassifierTraining.Epoch> history = train(options, dir.resolve("zhou"));
    assertThat(history.get(3).meanLoss()).isLessThan(history.get(0).meanLoss());
  }

  @Test
  void theBalancedScoreWeighsEveryClassAlikeWhereAccuracyFollowsTheCommonOne() {
    int[] labels = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
    int[] allCommon = new int[10];
    int[] findsTheRare = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1};
    var accuracy = ClassifierTraining.Selection.ACCURACY;
    var balanced = ClassifierTraining.Selection.BALANCED_ACCURACY;

    assertThat(ClassifierTraining.score(labels, allCommon, accuracy)).isEqualTo(0.8);
    assertThat(ClassifierTraining.score(labels, findsTheRare, accuracy)).isEqualTo(0.8);
    assertThat(ClassifierTraining.score(labels, allCommon, balanced)).isEqualTo(0.5);
    assertThat(ClassifierTraining.score(labels, findsTheRare, balanced)).isEqualTo(0.875);
    assertThat(ClassifierTraining.score(new int[0], new int[0], balanced)).isZero();
    assertThat(ClassifierTraining.Options.jiang().selection()).isEqualTo(accuracy);
    assertThat(ClassifierTraining.Options.jiang().withSelection(balanced))
        .isEqualTo(
            new ClassifierTraining.Options(
                30,
                32,
                1e-4f,
                ClassifierTraining.Optimiser.RADAM,
                0,
                true,
                true,
                7,
                0,
                NonFiniteGuard.Policy.STOP,
                Augmentation.NONE,
                balanced));
  }

  /**
   * Two epochs that both call every case the common class at the argmax: accuracy and balanced
   * accuracy cannot tell them apart, ROC AUC sees that the second ranks the rare class first.
   */
  @Test
  void theRocAucScoreSeesABetterRankingBeforeTheArgmaxDoes() {
    int[] labels = {0, 0, 0, 0, 0, 0, 1, 1};
    double[] rareProbability = {0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.42, 0.48};
    double[][] ranksWell = rows(rareProbability);
    double[][] ranksBadly = rows(new double[] {0.1, 0.2, 0.3, 0.35, 0.4, 0.45, 0.05, 0.32});
    var balanced = ClassifierTraining.Selection.BALANCED_ACCURACY;
    var auc = ClassifierTraining.Selection.ROC_AUC;

    assertThat(ClassifierTraining.score(labels, ranksWell, balanced)).isEqualTo(0.5);
    assertThat(ClassifierTraining.score(labels, ranksBadly, balanced)).isEqualTo(0.5);
    // The rare class: 0.42 outranks 5 of the 6 common cases, 0.48 all 6 -> 11 / 12.
    assertThat(ClassifierTraining.score(labels, ranksWell, auc)).isCloseTo(11 / 12.0, offset(1e-9));
    // 0.05 outranks none, 0.32 outranks 3 -> 3 / 12.
    assertThat(ClassifierTraining.score(labels, ranksBadly, auc)).isCloseTo(3 / 12.0, offset(1e-9));
    // One class only in validation: no area is defined.
    assertThat(ClassifierTraining.score(new int[] {0, 0}, rows(new double[] {0.1, 0.2}), auc))
        .isZero();
    assertThatThrownBy(() -> ClassifierTraining.score(labels, new int[8], auc))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static double[][] rows(double[] secondClass) {
    double[][] rows = new double[secondClass.length][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new double[] {1 - secondClass[i], secondClass[i]};
    }
    return rows;
  }

  @Test
  void dersBalancesEachEpochOfTheTrainingSplit() {
    var options = ClassifierTraining.Options.jiang();
    List<ClassifierTraining.Example> order =
        ClassifierTraining.epochOrder(examples(24, 12, 1), options, 1, new Random(1));
    // 24 x 4 = 96 majority variants, 12 x 7 = 84 minority: both sampled to 84.
    assertThat(order).hasSize(168);
    assertThat(order.stream().filter(x -> x.label() == 1)).hasSize(84);
  }

  @Test
  void transferCopiesTheBackboneKeepsItFrozenForTheFirstEpochThenTrainsIt() throws Exception {
    var options =
        new ClassifierTraining.Options(
            2, 8, 1e-3f, ClassifierTraining.Optimiser.RADAM, 0, true, false, 3, 3);
    train(options, dir.resolve("source"));
    Architecture arch = Architecture.find("resnet50", "small").orElseThrow();
    List<ModelClass> three =
        List.of(
            new ModelClass("blast", ClassRole.BLAST),
            new ModelClass("normal", ClassRole.NORMAL),
            new ModelClass("other", ClassRole.NORMAL));
    ModelManifest manifest = ModelManifest.of("three", arch, "test", three);
    try (StoredModel source = ModelStore.load(dir.resolve("source"));
        Model model = arch.newModel(manifest.name(), three.size())) {
      var oneEpoch =
          new ClassifierTraining.Options(
              1, 8, 1e-3f, ClassifierTraining.Optimiser.RADAM, 0, true, false, 3, 3);
      var start = new ClassifierTraining.Start(source.model().getBlock(), 1, List.of());
      ClassifierTraining.train(
          model,
          manifest,
          examples(24, 12, 1),
          examples(8, 8, 2),
          oneEpoch,
          start,
          dir.resolve("frozen"),
          step -> {},
          epoch -> {});
      var sourceParams = source.model().getBlock().getParameters();
      int same = 0;
      int differentShape = 0;
      for (var p : model.getBlock().getParameters()) {
        var other = sourceParams.get(p.getKey());
        if (!other.getArray().getShape().equals(p.getValue().getArray().getShape())) {
          differentShape++; // the 3-class head: not copied, trained from its own start
        } else if (p.getValue().getType() == ai.djl.nn.Parameter.Type.WEIGHT
            && other.getArray().contentEquals(p.getValue().getArray())) {
          same++;
        }
      }
      assertThat(differentShape).as("head parameters of another shape").isGreaterThan(0);
      assertThat(same)
          .as("frozen copied weights unchanged after the frozen epoch")
          .isGreaterThan(3);
      int weights =
          (int)
              model.getBlock().getParameters().stream()
                  .filter(p -> p.getValue().getType() == ai.djl.nn.Parameter.Type.WEIGHT)
                  .count();
      assertThat(same).isEqualTo(weights - 1); // every weight but the head's
    }
  }

  @Test
  void aResumedRunContinuesFromTheCheckpointOfItsLastEpoch() throws Exception {
    var two =
        new ClassifierTraining.Options(
            2, 8, 1e-3f, ClassifierTraining.Optimiser.RADAM, 0, true, false, 3, 3);
    var four =
        new ClassifierTraining.Options(
            4, 8, 1e-3f, ClassifierTraining.Optimiser.RADAM, 0, true, false, 3, 3);
    Path out = dir.resolve("resumed");
    train(two, out); // "interrupted" after two of four epochs
    List<ClassifierTraining.Epoch> done = ClassifierTraining.checkpointHistory(out);
    assertThat(done).extracting(ClassifierTraining.Epoch::epoch).containsExactly(1, 2);

    Architecture arch = Architecture.find("resnet50", "small").orElseThrow();
    ModelManifest manifest = ModelManifest.of("blast-test", arch, "test", CLASSES);
    List<ClassifierTraining.Epoch> history;
    try (StoredModel checkpoint = ModelStore.load(out.resolve(ClassifierTraining.CHECKPOINT));
        Model model = arch.newModel(manifest.name(), CLASSES.size())) {
      history =
          ClassifierTraining.train(
              model,
              manifest,
              examples(24, 12, 1),
              examples(8, 8, 2),
              four,
              new ClassifierTraining.Start(checkpoint.model().getBlock(), 0, done),
              out,
              step -> assertThat(step.epoch()).isGreaterThan(2),
              epoch -> {});
    }
    assertThat(history).extracting(ClassifierTraining.Epoch::epoch).containsExactly(1, 2, 3, 4);
    assertThat(history.subList(0, 2)).isEqualTo(done);
    assertThat(ClassifierTraining.checkpointHistory(out)).isEqualTo(history);
    assertThat(history.get(3).meanLoss()).isLessThan(history.get(0).meanLoss());
  }

  @Test
  void preloadingResizesOnceLikeTheTrainingTensor() {
    List<ClassifierTraining.Example> raw = examples(2, 1, 9);
    Architecture arch = Architecture.find("resnet50", "small").orElseThrow();
    ModelManifest manifest = ModelManifest.of("m", arch, "test", CLASSES);
    int side = manifest.inputSize();
    List<ClassifierTraining.Example> small = ClassifierTraining.preload(raw, side, n -> {});
    assertThat(small).hasSize(3);
    assertThat(small.get(0).image().get().getWidth()).isEqualTo(side);
    assertThat(small.get(0).image().get()).isSameAs(small.get(0).image().get()); // decoded once
    assertThat(small).extracting(ClassifierTraining.Example::label).containsExactly(0, 0, 1);
    try (var manager = ai.djl.ndarray.NDManager.newBaseManager()) {
      var fromRaw = ClassifierTraining.tensor(manager, raw, manifest);
      var fromSmall = ClassifierTraining.tensor(manager, small, manifest);
      // Same input up to the 8-bit rounding of the stored small image.
      float worst = fromRaw.sub(fromSmall).abs().max().getFloat();
      assertThat(worst).isLessThan(0.05f);
    }
  }
}
