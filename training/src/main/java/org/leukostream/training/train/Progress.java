package org.leukostream.training.train;

import java.io.PrintWriter;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The progress of a long run, on standard error. On a terminal one line is rewritten in place
 * ({@code \r}); when the output is redirected (a log file, CI, a pipe) each update is a plain line,
 * at most one every {@value #PLAIN_INTERVAL_SECONDS} seconds per writer, and always the last one,
 * so a log reads as lines and does not fill up.
 */
public final class Progress {
  static final long PLAIN_INTERVAL_SECONDS = 10;

  /** Whether standard error is shown on a terminal (Java 17: both standard streams are). */
  private static final boolean TERMINAL = System.console() != null;

  private static final Map<PrintWriter, Long> LAST_PLAIN =
      Collections.synchronizedMap(new WeakHashMap<>());

  private Progress() {}

  /**
   * Prints every tenth step and the last one.
   *
   * @param where e.g. {@code epoch 2/10 step 30/200}
   * @param done share of the run finished, 0..1
   */
  public static void step(
      PrintWriter err, int step, int steps, String where, double done, float loss, double seconds) {
    if (step % 10 == 0 || step == steps) {
      line(
          err,
          String.format(
              "%s loss %.4f  %.0f s, about %.0f s left",
              where, loss, seconds, seconds / done * (1 - done)),
          step == steps);
    }
  }

  /** One update; {@code last} when it is the run's final one (always printed). */
  public static void line(PrintWriter err, String text, boolean last) {
    line(err, text, last, TERMINAL, System.nanoTime());
  }

  /** Ends a run of updates: the line break a terminal needs (redirected, every line has one). */
  public static void end(PrintWriter err) {
    if (TERMINAL) {
      err.println();
      err.flush();
    }
  }

  static void line(PrintWriter err, String text, boolean last, boolean terminal, long nowNanos) {
    if (terminal) {
      err.print("\r" + text + "   ");
      err.flush();
      return;
    }
    Long previous = LAST_PLAIN.get(err);
    if (last
        || previous == null
        || nowNanos - previous >= PLAIN_INTERVAL_SECONDS * 1_000_000_000L) {
      err.println(text);
      err.flush();
      LAST_PLAIN.put(err, nowNanos);
    }
  }
}
