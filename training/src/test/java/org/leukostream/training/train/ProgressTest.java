package org.leukostream.training.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressTest {
  static final long SECOND = 1_000_000_000L;

  @Test
  void redirectedUpdatesArePlainLinesAtMostEveryIntervalAndAlwaysTheLast() {
    StringWriter log = new StringWriter();
    PrintWriter err = new PrintWriter(log);

    Progress.line(err, "framed 50/400", false, false, 0);
    Progress.line(err, "framed 100/400", false, false, 3 * SECOND);
    Progress.line(err, "framed 150/400", false, false, 11 * SECOND);
    Progress.line(err, "framed 200/400", false, false, 12 * SECOND);
    Progress.line(err, "framed 400/400", true, false, 13 * SECOND);

    assertThat(log.toString().lines())
        .containsExactly("framed 50/400", "framed 150/400", "framed 400/400");
  }

  @Test
  void onATerminalEveryUpdateRewritesTheLine() {
    StringWriter screen = new StringWriter();
    PrintWriter err = new PrintWriter(screen);

    Progress.line(err, "sent 1/2 fields", false, true, 0);
    Progress.line(err, "sent 2/2 fields", true, true, 1);

    assertThat(screen.toString()).isEqualTo("\rsent 1/2 fields   \rsent 2/2 fields   ");
  }
}
