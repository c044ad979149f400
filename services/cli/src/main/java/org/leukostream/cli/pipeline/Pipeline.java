package org.leukostream.cli.pipeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.leukostream.aggregator.streams.AggregatorMetrics;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.aggregator.streams.StandaloneAggregator;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.ehr.fhir.ReportSettings;
import org.leukostream.ehr.streams.StandaloneBridge;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Detector, classifier, aggregator and EHR bridge in this process, each with the service's own
 * configuration and consumer group, on the broker of {@code clientConfig}: what {@code leukostream
 * demo}, the end-to-end test and {@code bench pipeline} run. The classifier loads the shipped
 * default models; the bridge publishes each FINAL diagnosis as a FHIR report on {@code
 * fhir.reports.v1} (delivery to a FHIR server and sign-off stay with the bridge service).
 */
public final class Pipeline implements AutoCloseable {
  private final DetectorStage detector;
  private final ClassifierStage classifier;
  private final List<StageWorker> workers = new ArrayList<>();
  private final KafkaStreams aggregator;
  private final KafkaStreams bridge;
  private final Path stateDir;

  /** Time each stage has spent on its records so far. */
  public record StageTimes(
      long fields, double detectorSeconds, long crops, double classifierSeconds) {}

  /**
   * Loads the models and starts every stage; returns once the aggregator is RUNNING.
   *
   * @param overrides {@code leukostream.detector.*} and {@code leukostream.classifier.*} settings
   *     over the services' own (other models, thresholds); empty for the shipped defaults
   * @param claimRoot where {@code file://} claim checks may point
   * @param aggregatorSettings the rule and timeouts (the service's own, or a test's)
   */
  public static Pipeline start(
      Map<String, Object> clientConfig,
      Properties overrides,
      Optional<Path> claimRoot,
      AggregatorSettings aggregatorSettings)
      throws InterruptedException {
    return new Pipeline(clientConfig, overrides, claimRoot, aggregatorSettings);
  }

  private Pipeline(
      Map<String, Object> clientConfig,
      Properties overrides,
      Optional<Path> claimRoot,
      AggregatorSettings aggregatorSettings)
      throws InterruptedException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    this.detector = new DetectorStage(clientConfig, overrides, claimRoot);
    this.classifier = new ClassifierStage(clientConfig, overrides);
    Duration sendTimeout = Duration.ofMinutes(2);
    workers.add(
        new StageWorker(
            "detector",
            clientConfig,
            "leukostream-detector",
            Topics.SLIDE_FIELDS,
            1,
            detector,
            sendTimeout));
    workers.add(
        new StageWorker(
            "classifier",
            clientConfig,
            "leukostream-classifier",
            Topics.CELL_CROPS,
            classifier.maxBatch,
            classifier,
            sendTimeout));
    try {
      this.stateDir = Files.createTempDirectory("leukostream-pipeline-" + run + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String bootstrap = String.valueOf(clientConfig.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    String registry = String.valueOf(clientConfig.get(SerdeConfig.SCHEMA_REGISTRY_URL));
    this.aggregator =
        new StandaloneAggregator(
                "leukostream-aggregator-" + run,
                bootstrap,
                registry,
                stateDir.resolve("aggregator"),
                StreamsConfig.EXACTLY_ONCE_V2,
                null)
            .create(aggregatorSettings, AggregatorMetrics.NONE);
    this.bridge =
        new StandaloneBridge(
                "leukostream-ehr-bridge-" + run,
                bootstrap,
                registry,
                stateDir.resolve("ehr-bridge"),
                StreamsConfig.EXACTLY_ONCE_V2)
            .create(new ReportBuilder(ReportSettings.fromApplicationProperties()));
    workers.forEach(StageWorker::start);
    aggregator.start();
    bridge.start();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    for (KafkaStreams streams : List.of(aggregator, bridge)) {
      while (streams.state() != KafkaStreams.State.RUNNING) {
        if (streams.state().hasCompletedShutdown() || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "The aggregator and the EHR bridge did not start: "
                  + aggregator.state()
                  + ", "
                  + bridge.state());
        }
        Thread.sleep(20);
      }
    }
  }

  /** {@code name:version} of the detector, then every classifier member. */
  public List<String> models() {
    List<String> out = new ArrayList<>();
    out.add(detector.model());
    out.addAll(classifier.models());
    return out;
  }

  /** Fails when a stage stopped on its own (a broker or registry it could not reach). */
  public void checkHealthy() {
    for (StageWorker worker : workers) {
      if (worker.failure() != null) {
        throw new IllegalStateException(worker + " stage stopped", worker.failure());
      }
    }
    if (stopped(aggregator)) {
      throw new IllegalStateException("aggregator stopped: " + aggregator.state());
    }
    if (stopped(bridge)) {
      throw new IllegalStateException("EHR bridge stopped: " + bridge.state());
    }
  }

  private static boolean stopped(KafkaStreams streams) {
    return streams.state().hasCompletedShutdown() || streams.state() == KafkaStreams.State.ERROR;
  }

  public StageTimes times() {
    return new StageTimes(
        detector.fieldsDone.get(),
        detector.nanos.get() / 1e9,
        classifier.cropsDone.get(),
        classifier.nanos.get() / 1e9);
  }

  @Override
  public void close() throws InterruptedException {
    for (StageWorker worker : workers) {
      worker.close();
    }
    aggregator.close(Duration.ofSeconds(30));
    bridge.close(Duration.ofSeconds(30));
    detector.close();
    classifier.close();
    deleteRecursively(stateDir);
  }

  /** Deletes a temporary directory of the run and what is in it, as far as it can. */
  public static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory: what is left is left to the system's clean-up
    }
  }
}
