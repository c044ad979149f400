package org.leukostream.aggregator.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.decision.LabelPolicy;
import org.leukostream.avro.Comparison;

class AggregatorSettingsTest {

  static Properties fab() {
    Properties p = new Properties();
    p.setProperty("leukostream.aggregator.rule.name", "fab");
    p.setProperty("leukostream.aggregator.rule.comparison", "GREATER_OR_EQUAL");
    p.setProperty("leukostream.aggregator.rule.threshold-percent", "30");
    p.setProperty("leukostream.aggregator.rule.minimum-cells", "500");
    p.setProperty("leukostream.aggregator.rule.policy", "BOTH_AGREE");
    p.setProperty("leukostream.aggregator.rule.blast-probability-threshold", "0.6");
    p.setProperty("leukostream.aggregator.rule.model-operating-point", "false");
    p.setProperty("leukostream.aggregator.taxonomy.lymphoblast-class", "blast");
    p.setProperty("leukostream.aggregator.taxonomy.lymphoid-classes", "lymphocyte,blast");
    p.setProperty("leukostream.aggregator.taxonomy.non-nucleated-classes", "platelet");
    p.setProperty("leukostream.aggregator.preliminary-interval", "250ms");
    p.setProperty("leukostream.aggregator.incomplete-timeout", "PT90S");
    p.setProperty("leukostream.aggregator.punctuate-interval", "2s");
    p.setProperty("leukostream.aggregator.final-retention", "3d");
    p.setProperty("%test.leukostream.aggregator.rule.minimum-cells", "1");
    return p;
  }

  @Test
  void readsEverySettingThroughTheServicesMappingAndIgnoresProfiles() {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties(fab());

    assertThat(settings.rule().name()).isEqualTo("fab");
    assertThat(settings.rule().comparison()).isEqualTo(Comparison.GREATER_OR_EQUAL);
    assertThat(settings.rule().thresholdPercent()).isEqualTo(30.0);
    assertThat(settings.rule().minimumCells()).isEqualTo(500);
    assertThat(settings.rule().policy()).isEqualTo(LabelPolicy.BOTH_AGREE);
    assertThat(settings.rule().blastProbabilityThreshold()).isEqualTo(0.6);
    assertThat(settings.rule().modelOperatingPoint()).isFalse();
    assertThat(settings.taxonomy().lymphoidClasses())
        .containsExactlyInAnyOrder("lymphocyte", "blast");
    assertThat(settings.preliminaryInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(settings.incompleteTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(settings.punctuateInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.finalRetention()).isEqualTo(Duration.ofDays(3));
    assertThat(settings.upstream().stages())
        .as("the service's pipeline in front, in order")
        .extracting(AggregatorSettings.Upstream.Stage::group)
        .containsExactly("leukostream-detector", "leukostream-classifier");
    assertThat(settings.upstream().stages().get(1).topics()).containsExactly("cell.crops.v1");
  }

  @Test
  void missingSettingOrBadDurationIsAClearError() {
    Properties p = fab();
    p.setProperty("leukostream.aggregator.rule.policy", "");
    assertThatThrownBy(() -> AggregatorSettings.fromApplicationProperties(p))
        .hasMessageContaining("leukostream.aggregator.rule.policy");
    Properties q = fab();
    q.setProperty("leukostream.aggregator.preliminary-interval", "soon");
    assertThatThrownBy(() -> AggregatorSettings.fromApplicationProperties(q))
        .hasMessageContaining("soon");
  }

  @Test
  void theServiceDefaultsLoadOutsideQuarkus() {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();

    assertThat(settings.rule().policy()).isEqualTo(LabelPolicy.B_CLASS_A_BLAST);
    assertThat(settings.rule().modelOperatingPoint())
        .as("labels' operating-point thresholds are used unless switched off")
        .isTrue();
    assertThat(settings.taxonomy().isNucleated(settings.taxonomy().lymphoblastClass())).isTrue();
  }

  @Test
  void callRatesAreOptionalAndReadWhereGiven() {
    assertThat(AggregatorSettings.fromApplicationProperties(fab()).rule().rates()).isNull();
    Properties p = fab();
    p.setProperty("leukostream.aggregator.rule.rates.true-positive-rate", "0.81");
    p.setProperty("leukostream.aggregator.rule.rates.false-positive-rate", "0.04");
    p.setProperty("leukostream.aggregator.rule.rates.blasts", "120");
    p.setProperty("leukostream.aggregator.rule.rates.non-blasts", "480");
    p.setProperty("leukostream.aggregator.rule.rates.measured-on", "matek validation");
    p.setProperty("leukostream.aggregator.rule.decide-on-adjusted", "false");
    var rule = AggregatorSettings.fromApplicationProperties(p).rule();
    assertThat(rule.rates().truePositiveRate()).isEqualTo(0.81);
    assertThat(rule.rates().falsePositiveRate()).isEqualTo(0.04);
    assertThat(rule.rates().blasts()).isEqualTo(120);
    assertThat(rule.rates().nonBlasts()).isEqualTo(480);
    assertThat(rule.rates().measuredOn()).isEqualTo("matek validation");
    assertThat(rule.decideOnAdjusted()).isFalse();
    p.setProperty("leukostream.aggregator.rule.rates.non-blasts", "");
    assertThatThrownBy(() -> AggregatorSettings.fromApplicationProperties(p))
        .hasMessageContaining("rule.rates.non-blasts");
  }

  /** Every rates file of the shipped model sets (rates/) is one the aggregator accepts. */
  @Test
  void theShippedModelsRatesFilesLoad() throws Exception {
    List<java.nio.file.Path> files;
    try (var listed = java.nio.file.Files.list(java.nio.file.Path.of("rates"))) {
      files = listed.filter(f -> f.toString().endsWith(".properties")).sorted().toList();
    }
    assertThat(files)
        .extracting(f -> f.getFileName().toString())
        .contains("default-models-matek.properties", "marrow-models-matek-native.properties");
    for (java.nio.file.Path file : files) {
      Properties rates = new Properties();
      try (var in = java.nio.file.Files.newInputStream(file)) {
        rates.load(in);
      }
      var rule = AggregatorSettings.fromApplicationProperties(rates).rule();
      assertThat(rule.rates()).as(file.toString()).isNotNull();
      assertThat(rule.decideOnAdjusted()).isTrue();
      assertThat(rule.rates().truePositiveRate() - rule.rates().falsePositiveRate())
          .as(file.toString())
          .isGreaterThanOrEqualTo(org.leukostream.aggregator.decision.CallRates.MIN_SEPARATION);
    }
    assertThat(AggregatorSettings.fromApplicationProperties().rule().rates()).isNull();
  }
}
