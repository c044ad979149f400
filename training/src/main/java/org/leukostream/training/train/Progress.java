package org.leukostream.training.train;

import java.io.PrintWriter;

/** One rewritten terminal line of a long run: where it is, the loss, time spent and time left. */
public final class Progress {
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
      err.printf(
          "\r%s loss %.4f  %.0f s, about %.0f s left   ",
          where, loss, seconds, seconds / done * (1 - done));
      err.flush();
    }
  }
}
