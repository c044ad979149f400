package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Decision;

class VirtualPatientsTest {
  final AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();

  @Test
  void aCohortAlternatesBetweenClearlyOverAndClearlyUnderTheThreshold() {
    List<VirtualPatients.Spec> cohort = VirtualPatients.cohort("c", 6);

    assertThat(cohort)
        .extracting(VirtualPatients.Spec::caseId)
        .containsExactly("c-1", "c-2", "c-3", "c-4", "c-5", "c-6");
    assertThat(cohort)
        .extracting(VirtualPatients.Spec::blastFraction)
        .containsExactly(0.5, 0.05, 0.35, 0.0, 0.65, 0.10);
  }

  @Test
  void aCohortCanBeDrawnAtGivenBlastFractionsInTurn() {
    List<VirtualPatients.Spec> cohort = VirtualPatients.cohort("n", 5, List.of(0.15, 0.2, 0.25));

    assertThat(cohort)
        .extracting(VirtualPatients.Spec::blastFraction)
        .containsExactly(0.15, 0.2, 0.25, 0.15, 0.2);
    assertThatThrownBy(() -> VirtualPatients.cohort("n", 2, List.of(0.2, 1.5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> VirtualPatients.cohort("n", 2, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theGroundTruthIsTheRuleOnTheCellsDrawnAndASeedRepeatsThem() {
    var many = VirtualPatients.draw(new VirtualPatients.Spec("a", 30, 8, 0.5), 1, settings.rule());
    var none = VirtualPatients.draw(new VirtualPatients.Spec("b", 30, 8, 0.0), 1, settings.rule());
    var few = VirtualPatients.draw(new VirtualPatients.Spec("c", 5, 8, 0.5), 1, settings.rule());
    var again = VirtualPatients.draw(new VirtualPatients.Spec("a", 30, 8, 0.5), 1, settings.rule());

    assertThat(many.fields()).hasSize(30);
    assertThat(many.countable()).isBetween(220, 235); // 240 cells, about 5% smudged
    assertThat(many.blasts()).isEqualTo(Math.round(0.5f * many.countable()));
    assertThat(many.expected()).isEqualTo(Decision.ALL);
    assertThat(none.blasts()).isZero();
    assertThat(none.expected()).isEqualTo(Decision.NOT_ALL);
    assertThat(few.countable()).isLessThan(settings.rule().minimumCells());
    assertThat(few.expected()).isEqualTo(Decision.INSUFFICIENT_CELLS);
    assertThat(again.fields().get(7).data()).isEqualTo(many.fields().get(7).data());
    assertThat(many.fields().get(0).mediaType()).isEqualTo("image/png");
  }
}
