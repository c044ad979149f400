package org.leukostream.cli.pipeline;

import java.util.List;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.avro.Decision;

/**
 * How the pipeline's decisions and blast percentages compare with virtual patients' drawn truth:
 * accuracy, sensitivity and specificity of the decision, mean absolute errors of the raw and the
 * adjusted percentage, and the call rates that a straight line through (drawn, raw) gives.
 */
public final class CohortValidation {
  /** Cases whose drawn percentage lies this close to the threshold may rightly be BORDERLINE. */
  public static final double BORDERLINE_MARGIN = 5;

  private CohortValidation() {}

  /**
   * One case: what was drawn and what the pipeline said.
   *
   * @param adjustedPercent null when the rule carries no call rates
   */
  public record Case(
      String caseId,
      double drawnPercent,
      int blastsDrawn,
      int countableDrawn,
      Decision expected,
      Decision decision,
      double rawPercent,
      Double adjustedPercent,
      boolean borderline) {

    /**
     * Right when the decision is the truth's, or when the case is BORDERLINE and the truth lies
     * within {@link #BORDERLINE_MARGIN} points of the threshold (a reviewer decides such cases).
     */
    public boolean right(double thresholdPercent) {
      return decision == expected
          || borderline && Math.abs(drawnPercent - thresholdPercent) <= BORDERLINE_MARGIN;
    }
  }

  /**
   * The figures of a cohort.
   *
   * @param wrongUnflagged wrong decisions not marked BORDERLINE: the ones that would reach the
   *     hospital without a review (the dangerous kind; a wrong BORDERLINE one goes to review)
   */
  public record Summary(
      int cases,
      int right,
      double accuracy,
      double sensitivity,
      double specificity,
      int borderline,
      int wrongUnflagged,
      double rawMeanAbsoluteError,
      Double adjustedMeanAbsoluteError) {}

  /** The summary of {@code cases} under a rule with {@code thresholdPercent}. */
  public static Summary summarise(List<Case> cases, double thresholdPercent) {
    int right = 0;
    int positives = 0;
    int truePositives = 0;
    int negatives = 0;
    int trueNegatives = 0;
    int borderline = 0;
    int wrongUnflagged = 0;
    double raw = 0;
    double adjusted = 0;
    boolean allAdjusted = !cases.isEmpty();
    for (Case c : cases) {
      right += c.right(thresholdPercent) ? 1 : 0;
      borderline += c.borderline() ? 1 : 0;
      wrongUnflagged += !c.borderline() && c.decision() != c.expected() ? 1 : 0;
      if (c.expected() == Decision.ALL) {
        positives++;
        truePositives += c.decision() == Decision.ALL ? 1 : 0;
      } else if (c.expected() == Decision.NOT_ALL) {
        negatives++;
        trueNegatives += c.decision() == Decision.NOT_ALL ? 1 : 0;
      }
      raw += Math.abs(c.rawPercent() - c.drawnPercent());
      if (c.adjustedPercent() == null) {
        allAdjusted = false;
      } else {
        adjusted += Math.abs(c.adjustedPercent() - c.drawnPercent());
      }
    }
    int n = Math.max(1, cases.size());
    return new Summary(
        cases.size(),
        right,
        right / (double) n,
        positives == 0 ? Double.NaN : truePositives / (double) positives,
        negatives == 0 ? Double.NaN : trueNegatives / (double) negatives,
        borderline,
        wrongUnflagged,
        raw / n,
        allAdjusted ? adjusted / n : null);
  }

  /**
   * The call rates of the pipeline as a whole (detector framing, stage 1, both ensembles, the
   * rule's policy): the least-squares line {@code raw = fpr + (tpr - fpr) * drawn} through the
   * cases, shares in 0..1. The uncertainty is the line's: each rate's standard error (from the
   * residuals) is stated as the number of cells a binomial proportion of that error rests on, at
   * most the blasts and non-blasts drawn in all cases. Meant for calibration cases that the cases
   * it is then used on share no cells with.
   *
   * @throws IllegalArgumentException when the drawn shares do not vary or the line cannot be
   *     inverted ({@link CallRates}' checks)
   */
  public static CallRates fitRates(List<Case> cases, String measuredOn) {
    int n = cases.size();
    double mx = cases.stream().mapToDouble(c -> c.drawnPercent() / 100).average().orElse(0);
    double my = cases.stream().mapToDouble(c -> c.rawPercent() / 100).average().orElse(0);
    double sxx = 0;
    double sxy = 0;
    for (Case c : cases) {
      double dx = c.drawnPercent() / 100 - mx;
      sxx += dx * dx;
      sxy += dx * (c.rawPercent() / 100 - my);
    }
    if (n < 3 || sxx < 1e-9) {
      throw new IllegalArgumentException(
          "Fitting call rates needs at least 3 cases with different shares");
    }
    double slope = sxy / sxx;
    double intercept = my - slope * mx;
    double rss = 0;
    for (Case c : cases) {
      double r = c.rawPercent() / 100 - (intercept + slope * c.drawnPercent() / 100);
      rss += r * r;
    }
    double s2 = rss / (n - 2);
    double varFpr = s2 * (1.0 / n + mx * mx / sxx);
    // tpr = intercept + slope at a drawn share of 1: var(a) + var(b) + 2 cov(a, b)
    double varTpr = varFpr + s2 / sxx - 2 * mx * s2 / sxx;
    double fpr = clip(intercept);
    double tpr = clip(intercept + slope);
    int blasts = cases.stream().mapToInt(Case::blastsDrawn).sum();
    int nonBlasts = cases.stream().mapToInt(c -> c.countableDrawn() - c.blastsDrawn()).sum();
    return new CallRates(
        tpr,
        fpr,
        effectiveCells(tpr, varTpr, blasts),
        effectiveCells(fpr, varFpr, nonBlasts),
        measuredOn);
  }

  /**
   * The n of a binomial proportion {@code p} with variance {@code variance}, at most {@code max}.
   */
  private static int effectiveCells(double p, double variance, int max) {
    if (variance <= 0) {
      return max;
    }
    double q = Math.max(p * (1 - p), 0.01 * 0.99); // a proportion at 0 or 1 still has an n
    return (int) Math.max(1, Math.min(max, Math.round(q / variance)));
  }

  private static double clip(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
