package org.leukostream.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChaosScheduleTest {
  @Test
  void aSeedGivesTheSameFaultsSpreadOverTheWindowInOrder() {
    List<ChaosBench.Fault> first = ChaosBench.schedule(new Random(3), 8, 80);
    List<ChaosBench.Fault> again = ChaosBench.schedule(new Random(3), 8, 80);

    assertThat(first).hasSize(8).isEqualTo(again);
    for (int i = 0; i < first.size(); i++) {
      assertThat(first.get(i).atSeconds()).isBetween(10.0 * i, 10.0 * (i + 1));
    }
    assertThat(first).extracting(ChaosBench.Fault::kind).doesNotContainNull();
    assertThat(ChaosBench.schedule(new Random(4), 8, 80)).isNotEqualTo(first);
  }
}
