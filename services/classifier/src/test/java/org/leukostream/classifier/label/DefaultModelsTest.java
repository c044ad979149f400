package org.leukostream.classifier.label;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.classifier.it.TestCrops;
import org.leukostream.models.inference.Ensemble;

/**
 * The service's own configuration ({@code application.properties}) names the shipped default
 * models: each stage loads from the class path and labels crops with the classes of the shipped
 * taxonomy.
 */
class DefaultModelsTest {
  static final String PREFIX = "leukostream.classifier.";

  static Map<String, Double> members(Properties config, String stage) {
    return ClassifierModels.weights(TestSettings.classifier(config), stage).orElseThrow();
  }

  @Test
  void theConfiguredDefaultModelsLoadAndLabelCrops() throws Exception {
    Properties config = new Properties();
    try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
      config.load(in);
    }
    Map<String, Double> countable = members(config, "countable");
    Map<String, Double> wbc = members(config, "wbc");
    Map<String, Double> blast = members(config, "blast");
    assertThat(countable).hasSize(1);
    assertThat(wbc).hasSize(3);
    assertThat(blast).hasSize(2);
    assertThat(wbc.keySet()).allSatisfy(l -> assertThat(l).startsWith("classpath:"));

    List<CellCrop> crops = TestCrops.of("case-defaults", 4);
    List<Image> images = TestCrops.images(crops);
    try (Ensemble a = Ensemble.load("countable", countable, Device.cpu(), 4);
        Ensemble b = Ensemble.load("wbc", wbc, Device.cpu(), 4);
        Ensemble c = Ensemble.load("blast", blast, Device.cpu(), 4)) {
      assertThat(a.classes()).containsExactly("countable", "uncountable");
      assertThat(b.classes()).contains("blast", "lymphocyte", "neutrophil");
      assertThat(c.classes()).containsExactly("blast", "normal");
      double threshold = Double.parseDouble(config.getProperty(PREFIX + "countable-threshold"));
      List<CellLabel> labels =
          new CellLabeller(a, b, Optional.of(c), threshold).label(crops, images);
      assertThat(labels).hasSize(crops.size());
      for (CellLabel label : labels) {
        assertThat(b.classes()).contains(label.getWbcClass());
        assertThat(label.getBlastProbability()).isBetween(0.0, 1.0);
        assertThat(label.getMembers()).hasSize(6);
      }
    }
  }
}
