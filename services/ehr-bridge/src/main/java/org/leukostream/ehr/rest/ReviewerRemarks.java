package org.leukostream.ehr.rest;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A reviewer's remark travels on Kafka and into the report, where only the pseudonymous patient key
 * may identify a patient: a remark that looks like it holds an identifier (a long number, a date,
 * an e-mail address) or that is longer than a remark is refused with the reason. A screen, not a
 * proof: a name in words passes it, which is why the remark is optional and amendments are coded.
 */
public final class ReviewerRemarks {
  /** Longest remark accepted. */
  public static final int MAX_LENGTH = 500;

  private record Rule(Pattern pattern, String looksLike) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(Pattern.compile("\\d(?:[\\s./-]?\\d){5,}"), "a number of six or more digits"),
          new Rule(Pattern.compile("\\b\\d{1,4}[./-]\\d{1,2}[./-]\\d{1,4}\\b"), "a date"),
          new Rule(Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+"), "an e-mail address"));

  private ReviewerRemarks() {}

  /** Why {@code remark} is refused, or empty when it may travel (an absent remark may). */
  public static Optional<String> refusal(String remark) {
    if (remark == null || remark.isBlank()) {
      return Optional.empty();
    }
    if (remark.length() > MAX_LENGTH) {
      return Optional.of("comment is longer than " + MAX_LENGTH + " characters");
    }
    for (Rule rule : RULES) {
      if (rule.pattern().matcher(remark).find()) {
        return Optional.of(
            "comment holds what looks like "
                + rule.looksLike()
                + ": a remark must not identify the patient (the case id and the pseudonymous"
                + " key do that)");
      }
    }
    return Optional.empty();
  }
}
