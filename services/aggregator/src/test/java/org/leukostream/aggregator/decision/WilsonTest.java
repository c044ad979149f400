package org.leukostream.aggregator.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WilsonTest {

  @Test
  void matchesTheClosedFormWorkedByHand() {
    // p = 0.3, n = 300, z = 1.96: centre = (0.3 + z^2/600) / (1 + z^2/300) = 0.30253,
    // half-width = z * sqrt(0.3 * 0.7 / 300 + z^2 / 360000) / (1 + z^2/300) = 0.05159.
    Wilson.Interval interval = Wilson.interval95(90, 300);

    assertThat(interval.lower()).isCloseTo(0.25094, within(1e-4));
    assertThat(interval.upper()).isCloseTo(0.35412, within(1e-4));
  }

  @Test
  void zeroSuccessesStartAtZeroAndStayAboveIt() {
    Wilson.Interval interval = Wilson.interval95(0, 200);

    assertThat(interval.lower()).isZero();
    // Upper end z^2 / (n + z^2) for x = 0.
    assertThat(interval.upper()).isCloseTo(3.8415 / 203.8415, within(1e-4));
  }

  @Test
  void noTrialsMeanNoKnowledge() {
    assertThat(Wilson.interval95(0, 0)).isEqualTo(new Wilson.Interval(0, 1));
  }
}
