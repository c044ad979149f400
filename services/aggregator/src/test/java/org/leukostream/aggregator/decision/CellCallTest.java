package org.leukostream.aggregator.decision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.ModelRef;

class CellCallTest {
  static final Taxonomy TAXONOMY =
      new Taxonomy("lymphoblast", Set.of("lymphocyte"), Set.of("platelet"));

  static CellLabel label(String wbcClass, boolean countable, Double blastProbability) {
    return CellLabel.newBuilder()
        .setCellId("c")
        .setCaseId("k")
        .setFieldIndex(0)
        .setCountable(countable)
        .setCountableProbability(countable ? 0.9 : 0.1)
        .setWbcClass(wbcClass)
        .setWbcProbabilities(List.of())
        .setBlastProbability(blastProbability)
        .setMembers(List.of())
        .setDetectorModel(new ModelRef("d", "1"))
        .setBatchSize(1)
        .setInferenceMillis(1)
        .setLabelledAt(Instant.EPOCH)
        .build();
  }

  static CellCall call(LabelPolicy policy, CellLabel label) {
    return CellCall.of(
        label, new RuleSettings("t", Comparison.GREATER_THAN, 20, 200, policy, 0.5), TAXONOMY);
  }

  @Test
  void defaultPolicyLetsEnsembleADecideOnLymphoidCells() {
    // B says normal lymphocyte, A says blast: a blast under the default policy, not under B_ONLY.
    CellLabel disputed = label("lymphocyte", true, 0.8);

    assertThat(call(LabelPolicy.B_CLASS_A_BLAST, disputed))
        .isEqualTo(new CellCall(true, true, true, false));
    assertThat(call(LabelPolicy.B_ONLY, disputed).blast()).isFalse();
    assertThat(call(LabelPolicy.BOTH_AGREE, disputed).blast()).isFalse();
    assertThat(call(LabelPolicy.A_ON_LYMPHOID, disputed).blast()).isTrue();
  }

  @Test
  void ensembleADoesNotApplyOutsideTheLymphoidLineage() {
    assertThat(call(LabelPolicy.B_CLASS_A_BLAST, label("neutrophil", true, 0.99)))
        .isEqualTo(new CellCall(true, false, false, false));
  }

  @Test
  void withoutEnsembleATheDefaultFallsBackToTheClassAndAOnlyCallsNoBlast() {
    CellLabel bOnly = label("lymphoblast", true, null);

    assertThat(call(LabelPolicy.B_CLASS_A_BLAST, bOnly).blast()).isTrue();
    assertThat(call(LabelPolicy.A_ON_LYMPHOID, bOnly).blast()).isFalse();
  }

  @Test
  void uncountableAndNonNucleatedCellsStayOutOfTheDenominator() {
    assertThat(call(LabelPolicy.B_CLASS_A_BLAST, label("lymphoblast", false, 0.9)).counted())
        .isFalse();
    assertThat(call(LabelPolicy.B_CLASS_A_BLAST, label("platelet", true, null)).counted())
        .isFalse();
  }

  @Test
  void theThresholdOfTheModelsOperatingPointThatALabelCarriesReplacesTheConfiguredOne() {
    RuleSettings rule =
        new RuleSettings("t", Comparison.GREATER_THAN, 20, 200, LabelPolicy.B_CLASS_A_BLAST, 0.5);
    CellLabel carried =
        CellLabel.newBuilder(label("lymphocyte", true, 0.7)).setBlastThreshold(0.85).build();
    CellLabel low =
        CellLabel.newBuilder(label("lymphocyte", true, 0.9)).setBlastThreshold(0.85).build();

    assertThat(CellCall.of(carried, rule, TAXONOMY).blast()).isFalse(); // 0.7 < 0.85
    assertThat(CellCall.of(low, rule, TAXONOMY).blast()).isTrue();
    assertThat(CellCall.of(label("lymphocyte", true, 0.7), rule, TAXONOMY).blast())
        .isTrue(); // no threshold carried: 0.7 >= the configured 0.5
    // Switched off, the configured threshold applies to every label.
    assertThat(CellCall.of(carried, rule.withModelOperatingPoint(false), TAXONOMY).blast())
        .isTrue();
    assertThat(rule.withRates(null, false).modelOperatingPoint()).isTrue();
  }
}
