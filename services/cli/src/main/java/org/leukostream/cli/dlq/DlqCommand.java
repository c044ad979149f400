package org.leukostream.cli.dlq;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.leukostream.avro.DeadLetter;
import org.leukostream.cli.ClusterOptions;
import org.leukostream.cli.JsonLines;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code leukostream dlq}: the dead-letter topics, for an operator who fixed a cause. */
@Command(
    name = "dlq",
    description = "Dead letters: list them, or replay them to their topic once the cause is fixed.",
    subcommands = {DlqCommand.Replay.class})
public final class DlqCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code leukostream dlq replay}. */
  @Command(
      name = "replay",
      description = {
        "Send the dead letters of --topic that failed from --since (to --until) back to the topic"
            + " they were read from, with their own key and bytes and a header naming the letter;"
            + " --case and --error-contains narrow them, --dry-run only lists them. The letters stay"
            + " on the dead-letter topic.",
        "Exit code 0 when the window was read (the lines say what became of each letter)."
      })
  public static final class Replay implements Callable<Integer> {
    private static final Pattern AGE = Pattern.compile("(\\d+)([smhdSMHD])");

    @Spec CommandSpec spec;

    @Mixin ClusterOptions cluster;

    @Option(
        names = "--topic",
        required = true,
        description =
            "Dead-letter topic: slide.fields.dlq, cell.crops.dlq, aggregator.dlq or"
                + " fhir.reports.dlq.")
    String topic;

    @Option(
        names = "--since",
        required = true,
        description =
            "Letters that failed from this instant (2026-12-03T10:00:00Z) or this long"
                + " ago (30m, 2h, 3d).")
    String since;

    @Option(names = "--until", description = "... and before this instant or this long ago.")
    String until;

    @Option(names = "--case", description = "Only the letters of this case; repeatable.")
    List<String> cases = List.of();

    @Option(
        names = "--error-contains",
        description = "Only the letters whose error holds these words, e.g. 'does not exist'.")
    String errorContains;

    @Option(names = "--dry-run", description = "List what would be replayed; send nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "One JSON object per letter and one for the summary.")
    boolean json;

    /** How many letters had each outcome. */
    record Summary(String topic, boolean dryRun, Map<DeadLetterReplay.Outcome, Integer> outcomes) {}

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
      Topic<DeadLetter> dlq =
          (Topic<DeadLetter>)
              Topics.byName(topic)
                  .filter(Topics::isDeadLetterTopic)
                  .orElseThrow(
                      () ->
                          new ParameterException(
                              spec.commandLine(),
                              "--topic "
                                  + topic
                                  + " is not a dead-letter topic; one of "
                                  + Topics.DEAD_LETTERS.stream().map(Topic::name).toList()));
      Instant now = Instant.now();
      DeadLetterReplay.Selection selection =
          new DeadLetterReplay.Selection(
              instant(since, now, "--since"),
              Optional.ofNullable(until).map(u -> instant(u, now, "--until")),
              List.copyOf(cases),
              Optional.ofNullable(errorContains));
      List<DeadLetterReplay.Letter> letters =
          new DeadLetterReplay(cluster.clientConfig()).replay(dlq, selection, dryRun);
      PrintWriter out = spec.commandLine().getOut();
      Map<DeadLetterReplay.Outcome, Integer> outcomes =
          new EnumMap<>(DeadLetterReplay.Outcome.class);
      for (DeadLetterReplay.Letter letter : letters) {
        outcomes.merge(letter.outcome(), 1, Integer::sum);
        if (json) {
          JsonLines.write(out, "letter", letter);
        } else {
          out.printf(
              "%-17s %s -> %s  case %s  %s  %s: %s%n",
              letter.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '),
              letter.letter(),
              letter.originalTopic(),
              letter.caseId(),
              letter.failedAt(),
              letter.service(),
              letter.error());
        }
      }
      Summary summary = new Summary(dlq.name(), dryRun, outcomes);
      if (json) {
        JsonLines.write(out, "summary", summary);
      } else {
        out.printf(
            "%d letters of %s in the window: %s%s%n",
            letters.size(), dlq.name(), outcomes, dryRun ? " (dry run: nothing sent)" : "");
      }
      return 0;
    }

    private Instant instant(String text, Instant now, String option) {
      Matcher age = AGE.matcher(text.strip());
      if (age.matches()) {
        long n = Long.parseLong(age.group(1));
        Duration ago =
            switch (age.group(2).toLowerCase(Locale.ROOT)) {
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return now.minus(ago);
      }
      try {
        return Instant.parse(text.strip());
      } catch (DateTimeParseException e) {
        throw new ParameterException(
            spec.commandLine(),
            option
                + " "
                + text
                + " is neither an instant (2026-12-03T10:00:00Z) nor an age (30m, 2h, 3d)");
      }
    }
  }
}
