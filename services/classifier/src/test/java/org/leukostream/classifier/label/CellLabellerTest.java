package org.leukostream.classifier.label;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClassProbability;
import org.leukostream.avro.MemberOutput;
import org.leukostream.classifier.it.TestCrops;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.training.testing.TestModels;

/** The three stages on one batch, with initialised small models: real forward passes. */
class CellLabellerTest {
  static Map<String, Path> dirs;
  static Ensemble countable;
  static Ensemble wbc;
  static Ensemble blast;
  static List<CellCrop> crops;
  static List<Image> images;

  @BeforeAll
  static void load() throws Exception {
    dirs = TestModels.initialisedClassifiers();
    countable =
        Ensemble.load("countable", Map.of(dirs.get("countable").toString(), 1.0), Device.cpu(), 4);
    Map<String, Double> b = new LinkedHashMap<>();
    b.put(dirs.get("wbc-a").toString(), 0.5);
    b.put(dirs.get("wbc-b").toString(), 0.5);
    wbc = Ensemble.load("wbc", b, Device.cpu(), 4);
    Map<String, Double> a = new LinkedHashMap<>();
    a.put(dirs.get("blast-vit").toString(), 0.7);
    a.put(dirs.get("blast-effnet").toString(), 0.3);
    blast = Ensemble.load("blast", a, Device.cpu(), 4);
    crops = TestCrops.of("case-1", 6);
    images = TestCrops.images(crops);
  }

  @AfterAll
  static void close() {
    countable.close();
    wbc.close();
    blast.close();
  }

  static double p(List<ClassProbability> vector, String name) {
    return vector.stream()
        .filter(c -> c.getClassName().equals(name))
        .findFirst()
        .orElseThrow()
        .getProbability();
  }

  static List<MemberOutput> stage(CellLabel label, String stage) {
    return label.getMembers().stream().filter(m -> m.getStage().equals(stage)).toList();
  }

  @Test
  void everyCropGetsTheWeightedVerdictOfEveryStage() throws Exception {
    CellLabeller labeller = new CellLabeller(countable, wbc, Optional.of(blast), 0.5);
    List<CellLabel> labels = labeller.label(crops, images);

    assertThat(labels)
        .extracting(CellLabel::getCellId)
        .containsExactlyElementsOf(crops.stream().map(CellCrop::getCellId).toList());
    for (CellLabel label : labels) {
      assertThat(label.getBatchSize()).isEqualTo(6);
      assertThat(label.getInferenceMillis()).isPositive();
      assertThat(label.getMembers()).hasSize(5);

      MemberOutput filter = stage(label, "countable").get(0);
      assertThat(label.getCountableProbability())
          .isCloseTo(p(filter.getProbabilities(), "countable"), within(1e-6));
      assertThat(label.getCountable()).isEqualTo(label.getCountableProbability() >= 0.5);

      List<MemberOutput> b = stage(label, "wbc");
      assertThat(b).extracting(m -> m.getModel().getName()).containsExactly("wbc-a", "wbc-b");
      double sum = 0;
      double best = -1;
      String bestClass = null;
      for (ClassProbability c : label.getWbcProbabilities()) {
        double expected =
            0.5 * p(b.get(0).getProbabilities(), c.getClassName())
                + 0.5 * p(b.get(1).getProbabilities(), c.getClassName());
        assertThat(c.getProbability()).isCloseTo(expected, within(1e-6));
        sum += c.getProbability();
        if (c.getProbability() > best) {
          best = c.getProbability();
          bestClass = c.getClassName();
        }
      }
      assertThat(sum).isCloseTo(1, within(1e-5));
      assertThat(label.getWbcClass()).isEqualTo(bestClass);

      List<MemberOutput> a = stage(label, "blast");
      assertThat(a).extracting(MemberOutput::getWeight).containsExactly(0.7, 0.3);
      assertThat(label.getBlastProbability())
          .isCloseTo(
              0.7 * p(a.get(0).getProbabilities(), "blast")
                  + 0.3 * p(a.get(1).getProbabilities(), "blast"),
              within(1e-6));
    }
    // A threshold above every probability makes no cell countable.
    assertThat(new CellLabeller(countable, wbc, Optional.of(blast), 1.01).label(crops, images))
        .noneMatch(CellLabel::getCountable);
  }

  @Test
  void theCascadeRunsEnsembleAOnlyOnKeptCellsThatBCallsLymphoid() throws Exception {
    List<CellLabel> all =
        new CellLabeller(countable, wbc, Optional.of(blast), 0.0).label(crops, images);
    List<CellLabel> cascaded =
        new CellLabeller(countable, wbc, Optional.of(blast), 0.0, true).label(crops, images);

    for (int i = 0; i < crops.size(); i++) {
      CellLabel label = cascaded.get(i);
      boolean lymphoid = Set.of("lymphocyte", "lymphoblast").contains(label.getWbcClass());
      assertThat(label.getWbcClass()).isEqualTo(all.get(i).getWbcClass());
      assertThat(label.getBlastProbability() != null).as("A ran on crop %d", i).isEqualTo(lymphoid);
      assertThat(stage(label, "blast")).hasSize(lymphoid ? 2 : 0);
      if (lymphoid) {
        // the same crops in a smaller batch: the same verdict up to the kernels' rounding
        assertThat(label.getBlastProbability())
            .isCloseTo(all.get(i).getBlastProbability(), within(1e-4));
      }
    }
    // a crop stage 1 does not keep never reaches ensemble A
    assertThat(
            new CellLabeller(countable, wbc, Optional.of(blast), 1.01, true).label(crops, images))
        .allMatch(l -> l.getBlastProbability() == null && stage(l, "blast").isEmpty());
  }

  @Test
  void labelsCarryTheOperatingPointEnsembleAsMembersRecordForExactlyThisCombination(
      @TempDir Path tmp) throws Exception {
    Path eff = tmp.resolve("blast-effnet");
    Files.createDirectories(eff);
    try (var files = Files.list(dirs.get("blast-effnet"))) {
      for (Path file : files.toList()) {
        Files.copy(file, eff.resolve(file.getFileName()));
      }
    }
    Map<String, Double> alone = Map.of(eff.toString(), 1.0);
    try (Ensemble a = Ensemble.load("blast", alone, Device.cpu(), 4)) {
      assertThat(new CellLabeller(countable, wbc, Optional.of(a), 0.5).label(crops, images))
          .allSatisfy(label -> assertThat(label.getBlastThreshold()).isNull());
      ModelStore.recordOperatingPoint(
          eff, new OperatingPoint(0.8125, 0.7, 0.02, 80, 161, 0.02, "val part", a.identity()));
    }
    try (Ensemble a = Ensemble.load("blast", alone, Device.cpu(), 4)) {
      assertThat(new CellLabeller(countable, wbc, Optional.of(a), 0.5).label(crops, images))
          .allSatisfy(
              label -> {
                assertThat(label.getBlastProbability()).isNotNull();
                assertThat(label.getBlastThreshold()).isEqualTo(0.8125);
              });
    }
    // The two-member ensemble A of the other tests was not measured: no threshold travels.
    assertThat(new CellLabeller(countable, wbc, Optional.of(blast), 0.5).label(crops, images))
        .allSatisfy(label -> assertThat(label.getBlastThreshold()).isNull());
  }

  @Test
  void withoutEnsembleAThereIsNoBlastProbability() throws Exception {
    List<CellLabel> labels =
        new CellLabeller(countable, wbc, Optional.empty(), 0.5).label(crops, images);
    assertThat(labels).allMatch(l -> l.getBlastProbability() == null);
    assertThat(labels).allMatch(l -> l.getMembers().size() == 3);
  }

  @Test
  void aStageWhoseClassesHaveNoUsableRoleIsRefused() {
    assertThatThrownBy(() -> new CellLabeller(wbc, wbc, Optional.empty(), 0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Stage wbc: no class of wbc-a has role [COUNTABLE]");
  }
}
