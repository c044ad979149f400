package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.awt.Rectangle;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * The bone-marrow model set's settings file configures the services as it says: its detector, and
 * ensemble A of its one framed-crop model (the default's second member switched off).
 */
class MarrowModelSetTest {
  static final Path FILE =
      Path.of("..", "aggregator", "rates", "marrow-models-matek-native.properties");

  static final Path FRAMED_B =
      Path.of("..", "aggregator", "rates", "marrow-b-models-matek-native.properties");

  static Properties settings() throws Exception {
    return settings(FILE);
  }

  static Properties settings(Path file) throws Exception {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return p;
  }

  @Test
  void ensembleAIsTheFramedModelAlone() throws Exception {
    ClassifierConfig marrow = ServiceConfigs.classifier(settings()).settings();
    assertThat(ClassifierModels.weights(marrow, "blast").orElseThrow())
        .containsExactly(
            Map.entry("classpath:org/leukostream/models/marrow/blast-efficientnet", 1.0));
    // The other stages stay the defaults.
    assertThat(ClassifierModels.weights(marrow, "wbc"))
        .isEqualTo(
            ClassifierModels.weights(
                ServiceConfigs.classifier(new Properties()).settings(), "wbc"));
  }

  @Test
  void withTheFramedEnsembleBItsOneModelLoadsWithTheRolesThatRouteCellsToA() throws Exception {
    ClassifierConfig set = ServiceConfigs.classifier(settings(FRAMED_B)).settings();
    String framedB = "classpath:org/leukostream/models/marrow/wbc-efficientnet";
    assertThat(ClassifierModels.weights(set, "wbc").orElseThrow())
        .containsExactly(Map.entry(framedB, 1.0));
    // Ensemble A of this set: both members at equal weights (the second started from B's weights).
    assertThat(ClassifierModels.weights(set, "blast").orElseThrow())
        .containsOnly(
            Map.entry("classpath:org/leukostream/models/marrow/blast-efficientnet", 0.5),
            Map.entry("classpath:org/leukostream/models/marrow/blast-efficientnet-from-b", 0.5));
    assertThat(ServiceConfigs.detector(settings(FRAMED_B)).settings().model())
        .isEqualTo(ServiceConfigs.detector(settings()).settings().model());
    try (StoredModel model = ModelStore.load(framedB, Device.cpu())) {
      assertThat(model.manifest().classes())
          .extracting(ModelClass::name, ModelClass::role)
          .contains(
              org.assertj.core.groups.Tuple.tuple("blast", ClassRole.LYMPHOBLAST),
              org.assertj.core.groups.Tuple.tuple("lymphocyte", ClassRole.LYMPHOID));
    }
  }

  /**
   * Ensemble A of both bone-marrow settings files is exactly the combination an operating point was
   * chosen for (the first member alone; the pair), so the classifier puts that threshold on every
   * label, and each set gets its own.
   */
  @Test
  void ensembleAOfBothSetsCarriesTheOperatingPointItsModelWasChosenAt() throws Exception {
    List<Double> thresholds = new java.util.ArrayList<>();
    for (Path file : List.of(FILE, FRAMED_B)) {
      ClassifierConfig set = ServiceConfigs.classifier(settings(file)).settings();
      try (Ensemble blast =
          Ensemble.load(
              "blast", ClassifierModels.weights(set, "blast").orElseThrow(), Device.cpu(), 8)) {
        OperatingPoint point = blast.operatingPoint().orElseThrow();
        assertThat(point.threshold()).as("%s", file).isBetween(0.5, 0.95);
        assertThat(point.falsePositiveRate()).isLessThanOrEqualTo(point.maxFalsePositiveRate());
        assertThat(point.truePositiveRate()).isGreaterThan(point.falsePositiveRate());
        assertThat(point.appliesTo(blast.identity())).isTrue();
        thresholds.add(point.threshold());
      }
    }
    assertThat(thresholds.get(0)).isNotEqualTo(thresholds.get(1));
    // The default ensemble A (two members, 64 px) was chosen at no operating point.
    try (Ensemble defaults =
        Ensemble.load(
            "blast",
            ClassifierModels.weights(
                    ServiceConfigs.classifier(new Properties()).settings(), "blast")
                .orElseThrow(),
            Device.cpu(),
            8)) {
      assertThat(defaults.operatingPoint()).isEmpty();
    }
  }

  @Test
  void itsDetectorFindsTheCellsOfASyntheticField() throws Exception {
    DetectorConfig detector = ServiceConfigs.detector(settings()).settings();
    SmearGenerator.Options options = SmearGenerator.Options.DEFAULT;
    SmearField field =
        new SmearGenerator(17)
            .field(
                List.of(
                    CellType.LYMPHOBLAST,
                    CellType.LYMPHOCYTE,
                    CellType.NEUTROPHIL,
                    CellType.MONOCYTE),
                options);
    try (StoredModel model = LoadedDetector.model(detector);
        WbcDetector wbc = LoadedDetector.detector(model, detector)) {
      assertThat(wbc.manifest().id()).isEqualTo("wbc-detector:2026.12.02-bccd-txl-syn-matek8c");
      List<CellDetection> found =
          wbc.detect(field.image(), OptionalDouble.of(options.micrometresPerPixel())).cells();
      int matched = 0;
      for (SmearCell cell : field.cells()) {
        Rectangle b = cell.box();
        CellDetection truth = new CellDetection(b.x, b.y, b.width, b.height, 1, "wbc");
        matched += found.stream().anyMatch(d -> d.iou(truth) >= 0.5) ? 1 : 0;
      }
      assertThat(matched).isGreaterThanOrEqualTo(3);
    }
  }
}
