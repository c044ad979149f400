package org.leukostream.cli.bench;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.leukostream.aggregator.streams.AggregatorMetrics;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.aggregator.streams.AggregatorTopology;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.cli.JsonLines;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.StandaloneStreams;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream bench aggregator}: the sustained rate at which the aggregator topology (the
 * service's rule and settings, exactly-once by default) turns labels into FINAL diagnoses on the
 * embedded broker, next to the raw produce rate of the same broker measured in the same run.
 *
 * <p>A cohort of synthetic cases (half at 30% blasts, half at 5%) is written to the input topics
 * first; the clock runs from the moment the topology is RUNNING until the last FINAL is read, so
 * the figure is the rate of a backlog being worked off, start-up excluded (reported apart).
 */
@Command(
    name = "aggregator",
    mixinStandardHelpOptions = true,
    description =
        "Labels/s of the aggregator topology with exactly-once, next to the raw produce rate.")
public final class AggregatorBench implements Callable<Integer> {
  /** A benchmark-only topic for the raw produce rate; never used by a service. */
  private static final Topic<CellLabel> RAW =
      new Topic<>(
          "bench.raw-produce",
          CellLabel.class,
          Topics.CELL_LABELS.partitions(),
          Topics.CELL_LABELS.maxMessageBytes());

  private static final int RAW_RECORDS = 200_000;
  private static final String[] KEYS = new String[64];

  static {
    for (int i = 0; i < KEYS.length; i++) {
      KEYS[i] = "k" + i;
    }
  }

  @Spec CommandSpec spec;

  @Option(names = "--cases", defaultValue = "40", description = "Cases in the cohort (default 40).")
  int cases;

  @Option(
      names = "--cells",
      defaultValue = "500",
      description = "Countable cells per case (default 500).")
  int cellsPerCase;

  @Option(names = "--fields", defaultValue = "5", description = "Fields per case (default 5).")
  int fields;

  @Option(
      names = "--guarantee",
      defaultValue = StreamsConfig.EXACTLY_ONCE_V2,
      description = "Kafka Streams processing.guarantee (default exactly_once_v2).")
  String guarantee;

  @Option(
      names = "--no-warm-up",
      description =
          "Time the topology's first run (by default it runs over the cohort once, untimed, first).")
  boolean noWarmUp;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    List<SyntheticCase> cohort = cohort();
    int labels = cases * (cellsPerCase / fields) * fields;
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      err.printf("bench aggregator: embedded stack up in %d ms%n", stack.startupTime().toMillis());
      err.printf("bench aggregator: raw produce rate of the broker ...%n");
      double rawPerSecond = rawProduceRate(stack, cohort);

      err.printf(
          "bench aggregator: writing %d cases (%d labels) to the input topics ...%n",
          cases, labels);
      long inputRecords = SyntheticCase.publish(stack.clientConfig(), cohort);

      Map<String, Diagnosis> finals;
      long startupMillis;
      double seconds;
      try (var diagnoses = TopicReader.consumer(stack.clientConfig(), Topics.DIAGNOSES)) {
        if (!noWarmUp) {
          // The same cohort through a first topology of its own (untimed), so that the timed run
          // measures compiled code, as the raw rate's warm-up does. Each run writes one FINAL a
          // case: the reader has read the warm-up's when the timed run starts.
          err.printf("bench aggregator: warm-up run of the topology (untimed) ...%n");
          run(stack, settings, diagnoses, cohort, err);
        }
        err.printf("bench aggregator: running the topology (%s) ...%n", guarantee);
        Run timed = run(stack, settings, diagnoses, cohort, err);
        finals = timed.finals();
        startupMillis = timed.startupMillis();
        seconds = timed.seconds();
      }
      int correct = 0;
      for (int i = 0; i < cohort.size(); i++) {
        Diagnosis d = finals.get(cohort.get(i).caseId());
        correct += d != null && d.getDecision() == expected(i) ? 1 : 0;
      }
      report(labels, inputRecords, seconds, startupMillis, rawPerSecond, finals.size(), correct);
      return correct == cases ? 0 : 1;
    }
  }

  /** One run of the topology over the cohort: its FINALs, start-up and seconds once RUNNING. */
  private record Run(Map<String, Diagnosis> finals, long startupMillis, double seconds) {}

  /**
   * Runs a fresh topology (own application id and state dir) over the cohort until the reader has
   * read a FINAL of every case.
   */
  private Run run(
      EmbeddedStack stack,
      AggregatorSettings settings,
      KafkaConsumer<String, Diagnosis> diagnoses,
      List<SyntheticCase> cohort,
      PrintWriter err)
      throws Exception {
    Path stateDir = Files.createTempDirectory("leukostream-bench-state-");
    try (KafkaStreams streams = streams(stack, settings, stateDir)) {
      long begin = System.nanoTime();
      streams.start();
      while (streams.state() != KafkaStreams.State.RUNNING) {
        if (streams.state().hasCompletedShutdown() || System.nanoTime() - begin > 120e9) {
          throw new IllegalStateException(
              "Kafka Streams did not reach RUNNING: " + streams.state());
        }
        Thread.sleep(10);
      }
      long running = System.nanoTime();
      Map<String, Diagnosis> finals = awaitFinals(diagnoses, cohort, err);
      return new Run(finals, (running - begin) / 1_000_000, (System.nanoTime() - running) / 1e9);
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private List<SyntheticCase> cohort() {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<SyntheticCase> cohort = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      int blasts = expected(i) == Decision.ALL ? cellsPerCase * 30 / 100 : cellsPerCase * 5 / 100;
      cohort.add(SyntheticCase.of("bench-" + run + "-" + i, fields, cellsPerCase, blasts));
    }
    return cohort;
  }

  private static Decision expected(int index) {
    return index % 2 == 0 ? Decision.ALL : Decision.NOT_ALL;
  }

  /**
   * Records/s of one idempotent producer (acks=all, default batching) sending pre-encoded labels to
   * a scratch topic: an untimed warm-up, then at least {@value #RAW_RECORDS} timed records.
   */
  private static double rawProduceRate(EmbeddedStack stack, List<SyntheticCase> cohort)
      throws Exception {
    stack.broker().createTopics(List.of(RAW));
    var serializer = RAW.valueSerde(stack.clientConfig()).serializer();
    List<byte[]> payloads = new ArrayList<>();
    for (SyntheticCase c : cohort) {
      for (List<CellLabel> field : c.fields()) {
        for (CellLabel label : field) {
          payloads.add(serializer.serialize(RAW.name(), label));
        }
      }
    }
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      send(producer, payloads, RAW_RECORDS / 5);
      int timed = Math.max(RAW_RECORDS, payloads.size());
      long begin = System.nanoTime();
      send(producer, payloads, timed);
      return timed / ((System.nanoTime() - begin) / 1e9);
    }
  }

  private static void send(
      KafkaProducer<String, byte[]> producer, List<byte[]> payloads, int count) {
    for (int i = 0; i < count; i++) {
      producer.send(
          new ProducerRecord<>(
              RAW.name(), KEYS[i % KEYS.length], payloads.get(i % payloads.size())));
    }
    producer.flush();
  }

  private KafkaStreams streams(EmbeddedStack stack, AggregatorSettings settings, Path stateDir) {
    return AggregatorTopology.standalone(
        new StandaloneStreams(
            "bench-aggregator-" + UUID.randomUUID(),
            stack.bootstrapServers(),
            stack.registryUrl(),
            stateDir,
            guarantee,
            null),
        settings,
        AggregatorMetrics.NONE);
  }

  /** Reads diagnoses until it has read a FINAL of every case of the cohort. */
  private static Map<String, Diagnosis> awaitFinals(
      KafkaConsumer<String, Diagnosis> consumer, List<SyntheticCase> cohort, PrintWriter err) {
    Map<String, Diagnosis> finals = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    while (finals.size() < cohort.size()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Only " + finals.size() + " of " + cohort.size() + " FINALs within 10 minutes");
      }
      for (var record : consumer.poll(Duration.ofMillis(50))) {
        if (record.value().getStatus() == DiagnosisStatus.FINAL
            && finals.put(record.key(), record.value()) == null) {
          if (finals.size() % Math.max(1, cohort.size() / 4) == 0) {
            err.printf("bench aggregator: %d / %d FINALs%n", finals.size(), cohort.size());
          }
        }
      }
    }
    return finals;
  }

  /**
   * {@code --json}: one run.
   *
   * @param labelsToRawRatio labels/s over the raw produce rate of the same run
   */
  record Result(
      String bench,
      String guarantee,
      int cases,
      int labels,
      long inputRecords,
      double seconds,
      long labelsPerSecond,
      long inputRecordsPerSecond,
      double casesPerSecond,
      long streamsStartupMillis,
      long rawProduceRecordsPerSecond,
      double labelsToRawRatio,
      int finals,
      int finalsMatchingGroundTruth,
      int cores) {}

  private void report(
      int labels,
      long inputRecords,
      double seconds,
      long startupMillis,
      double rawPerSecond,
      int finals,
      int correct) {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      JsonLines.write(
          out,
          new Result(
              "aggregator",
              guarantee,
              cases,
              labels,
              inputRecords,
              JsonLines.round(seconds),
              Math.round(labels / seconds),
              Math.round(inputRecords / seconds),
              JsonLines.round(cases / seconds),
              startupMillis,
              Math.round(rawPerSecond),
              JsonLines.round(labels / seconds / rawPerSecond),
              finals,
              correct,
              Runtime.getRuntime().availableProcessors()));
      return;
    }
    out.printf(
        "aggregator (%s): %d labels of %d cases in %.2f s = %,d labels/s (%,d input records/s)%n",
        guarantee,
        labels,
        cases,
        seconds,
        Math.round(labels / seconds),
        Math.round(inputRecords / seconds));
    out.printf("  raw produce on the same broker: %,d records/s%n", Math.round(rawPerSecond));
    out.printf(
        "  FINALs %d, matching the ground truth %d; streams start-up %d ms%n",
        finals, correct, startupMillis);
    out.flush();
  }

  private static void deleteRecursively(Path dir) throws java.io.IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
