package org.leukostream.cli.pipeline;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
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
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.leukostream.aggregator.streams.AggregatorMetrics;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.aggregator.streams.AggregatorTopology;
import org.leukostream.avro.CaseEvent;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.classifier.core.CropProcessor;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.FieldProcessor;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.detector.field.FieldDetector;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.ehr.fhir.ReportSettings;
import org.leukostream.ehr.rest.SignService;
import org.leukostream.ehr.streams.ReportTopology;
import org.leukostream.schemas.StandaloneStreams;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.schemas.signoff.SignOffSeal;

/**
 * Detector, classifier, aggregator and EHR bridge in this process, each with the service's own
 * configuration and consumer group and the service's own core (the detector's {@link
 * FieldProcessor}, the classifier's {@link CropProcessor} on {@link StageWorker}s; the aggregator's
 * and bridge's topologies), on the broker of {@code clientConfig}: what {@code leukostream demo},
 * the end-to-end test and {@code bench pipeline} run. The classifier loads the shipped default
 * models; the bridge publishes each FINAL diagnosis as a FHIR report on {@code fhir.reports.v1}
 * (delivery to a FHIR server and sign-off stay with the bridge service).
 */
public final class Pipeline implements AutoCloseable {
  private final LoadedDetector detector;
  private final CellLabeller classifier;
  private final ProducerSink detectorOut;
  private final ProducerSink classifierOut;
  private final Map<Stage, StageWorker> workers = new java.util.EnumMap<>(Stage.class);
  private final Map<Stage, java.util.function.Supplier<StageWorker>> workerFactories =
      new java.util.EnumMap<>(Stage.class);
  private final java.util.function.Supplier<KafkaStreams> aggregatorFactory;
  private final java.util.function.Supplier<KafkaStreams> bridgeFactory;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final AtomicLong detectorNanos = new AtomicLong();
  private final AtomicLong fieldsDone = new AtomicLong();
  private final AtomicLong classifierNanos = new AtomicLong();
  private final AtomicLong cropsDone = new AtomicLong();
  private volatile KafkaStreams aggregator;
  private volatile KafkaStreams bridge;
  private final Path stateDir;

  /** Never followed: one instance owns every case here. */
  private static final org.leukostream.config.InstanceLinks SIGN_OFF_LINKS =
      new org.leukostream.config.InstanceLinks("http", java.net.http.HttpClient.newHttpClient());

  /** Seals the sign-offs {@link #sign} writes; the bridge here accepts no other. */
  private final SignOffSeal seal = SignOffSeal.random();

  private final Map<String, Object> clientConfig;
  private org.apache.kafka.clients.producer.KafkaProducer<String, CaseEvent> signOffs;

  /** The stages, each of which can be restarted as its pod would be. */
  public enum Stage {
    DETECTOR,
    CLASSIFIER,
    AGGREGATOR,
    EHR_BRIDGE
  }

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
    return start(
        clientConfig,
        overrides,
        claimRoot,
        aggregatorSettings,
        OpenTelemetry.noop().getTracer("leukostream"));
  }

  /**
   * As {@link #start(Map, Properties, Optional, AggregatorSettings)}, with the stages' spans on
   * {@code tracer} (the services' own spans: detector field and crops, classifier batches, the
   * aggregator's FINAL), the context carried in the record headers as between the services.
   */
  public static Pipeline start(
      Map<String, Object> clientConfig,
      Properties overrides,
      Optional<Path> claimRoot,
      AggregatorSettings aggregatorSettings,
      Tracer tracer)
      throws InterruptedException {
    return new Pipeline(clientConfig, overrides, claimRoot, aggregatorSettings, tracer);
  }

  private Pipeline(
      Map<String, Object> clientConfig,
      Properties overrides,
      Optional<Path> claimRoot,
      AggregatorSettings aggregatorSettings,
      Tracer tracer)
      throws InterruptedException {
    String run = UUID.randomUUID().toString().substring(0, 8);
    this.clientConfig = clientConfig;
    Properties detectorOverrides = new Properties();
    detectorOverrides.putAll(overrides);
    claimRoot.ifPresent(
        root ->
            detectorOverrides.setProperty(
                "leukostream.detector.claim-check.file-root", root.toString()));
    ServiceConfigs<DetectorConfig> detectorConfig = ServiceConfigs.detector(detectorOverrides);
    ServiceConfigs<ClassifierConfig> classifierConfig = ServiceConfigs.classifier(overrides);
    this.detector = load("detector", () -> LoadedDetector.load(detectorConfig.settings()));
    try {
      this.classifier =
          load("classifier", () -> ClassifierModels.load(classifierConfig.settings()));
    } catch (RuntimeException e) {
      detector.close();
      throw e;
    }
    this.detectorOut =
        new ProducerSink(
            clientConfig,
            List.of(Topics.CELL_CROPS, Topics.FIELD_RESULTS, Topics.SLIDE_FIELDS_DLQ));
    this.classifierOut =
        new ProducerSink(clientConfig, List.of(Topics.CELL_LABELS, Topics.CELL_CROPS_DLQ));
    workerFactories.put(
        Stage.DETECTOR,
        () ->
            detectorWorker(
                clientConfig,
                detectorConfig,
                detector.fields(),
                detectorOut,
                closing::get,
                detectorNanos,
                fieldsDone,
                tracer));
    workerFactories.put(
        Stage.CLASSIFIER,
        () ->
            classifierWorker(
                clientConfig,
                classifierConfig,
                classifier,
                classifierOut,
                closing::get,
                classifierNanos,
                cropsDone,
                tracer));
    workerFactories.forEach((stage, factory) -> workers.put(stage, factory.get()));
    try {
      this.stateDir = Files.createTempDirectory("leukostream-pipeline-" + run + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String bootstrap = String.valueOf(clientConfig.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG));
    String registry = String.valueOf(clientConfig.get(SerdeConfig.SCHEMA_REGISTRY_URL));
    this.aggregatorFactory =
        () ->
            AggregatorTopology.standalone(
                StandaloneStreams.exactlyOnce(
                    "leukostream-aggregator-" + run,
                    bootstrap,
                    registry,
                    stateDir.resolve("aggregator")),
                aggregatorSettings,
                AggregatorMetrics.NONE,
                tracer);
    this.bridgeFactory =
        () ->
            ReportTopology.standalone(
                StandaloneStreams.exactlyOnce(
                        "leukostream-ehr-bridge-" + run,
                        bootstrap,
                        registry,
                        stateDir.resolve("ehr-bridge"))
                    // one instance: every case is local; sign-offs need the query metadata
                    .withApplicationServer("127.0.0.1:0"),
                new ReportBuilder(ReportSettings.fromApplicationProperties()),
                seal);
    this.aggregator = aggregatorFactory.get();
    this.bridge = bridgeFactory.get();
    workers.values().forEach(StageWorker::start);
    aggregator.start();
    bridge.start();
    awaitRunning(aggregator, "aggregator");
    awaitRunning(bridge, "EHR bridge");
  }

  private static void awaitRunning(KafkaStreams streams, String name) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (streams.state() != KafkaStreams.State.RUNNING) {
      if (streams.state().hasCompletedShutdown() || System.nanoTime() > deadline) {
        throw new IllegalStateException("The " + name + " did not start: " + streams.state());
      }
      Thread.sleep(20);
    }
  }

  /**
   * Stops {@code stage} and starts it again, as Kubernetes replaces a pod: a worker's batch in
   * flight is left uncommitted and read again; a Streams stage with {@code wipeState} comes back
   * with an empty state directory (a new node) and restores from its changelogs.
   */
  public synchronized void restart(Stage stage, boolean wipeState) throws InterruptedException {
    switch (stage) {
      case DETECTOR, CLASSIFIER -> {
        workers.get(stage).close();
        StageWorker fresh = workerFactories.get(stage).get();
        workers.put(stage, fresh);
        fresh.start();
      }
      case AGGREGATOR -> {
        aggregator.close(Duration.ofSeconds(30));
        if (wipeState) {
          deleteRecursively(stateDir.resolve("aggregator"));
        }
        aggregator = aggregatorFactory.get();
        aggregator.start();
        awaitRunning(aggregator, "aggregator");
      }
      case EHR_BRIDGE -> {
        bridge.close(Duration.ofSeconds(30));
        if (wipeState) {
          deleteRecursively(stateDir.resolve("ehr-bridge"));
        }
        bridge = bridgeFactory.get();
        bridge.start();
        awaitRunning(bridge, "EHR bridge");
      }
    }
  }

  /**
   * Restarts every stage that stopped on its own (a broker it could not reach for a while), as
   * Kubernetes restarts a failed pod; returns the stages restarted.
   */
  public synchronized List<Stage> recover() throws InterruptedException {
    List<Stage> restarted = new ArrayList<>();
    for (Stage stage : List.of(Stage.DETECTOR, Stage.CLASSIFIER)) {
      if (workers.get(stage).failure() != null) {
        restart(stage, false);
        restarted.add(stage);
      }
    }
    if (stopped(aggregator)) {
      restart(Stage.AGGREGATOR, false);
      restarted.add(Stage.AGGREGATOR);
    }
    if (stopped(bridge)) {
      restart(Stage.EHR_BRIDGE, false);
      restarted.add(Stage.EHR_BRIDGE);
    }
    return restarted;
  }

  /**
   * The detector service's core ({@link FieldProcessor}) on a plain-client worker of the service's
   * consumer group, poll size and send timeout; adds each field's time to {@code nanos}.
   */
  static StageWorker detectorWorker(
      Map<String, Object> clientConfig,
      ServiceConfigs<DetectorConfig> config,
      FieldDetector detector,
      TopicSink out,
      BooleanSupplier closing,
      AtomicLong nanos,
      AtomicLong fields,
      Tracer tracer) {
    FieldProcessor processor =
        new FieldProcessor(clientConfig, config.settings().retry().backoff(), closing, tracer);
    return new StageWorker(
        "detector",
        clientConfig,
        "leukostream-detector",
        Topics.SLIDE_FIELDS,
        config.maxPollRecords("slide-fields"),
        records -> {
          List<CompletionStage<?>> sends = new ArrayList<>();
          for (ConsumerRecord<String, byte[]> record : records) {
            long start = System.nanoTime();
            sends.addAll(processor.process(record, detector, out).sends());
            nanos.addAndGet(System.nanoTime() - start);
            fields.incrementAndGet();
          }
          return sends;
        },
        config.settings().sendTimeout());
  }

  /**
   * The classifier service's core ({@link CropProcessor}) on a plain-client worker of the service's
   * consumer group, batch size and send timeout; adds each poll's time to {@code nanos}.
   */
  static StageWorker classifierWorker(
      Map<String, Object> clientConfig,
      ServiceConfigs<ClassifierConfig> config,
      CellLabeller labeller,
      TopicSink out,
      BooleanSupplier closing,
      AtomicLong nanos,
      AtomicLong crops,
      Tracer tracer) {
    ClassifierConfig settings = config.settings();
    CropProcessor processor =
        new CropProcessor(
            clientConfig,
            settings.cropMaxPixels(),
            settings.batch().maxSize(),
            settings.retry().backoff(),
            closing,
            tracer);
    return new StageWorker(
        "classifier",
        clientConfig,
        "leukostream-classifier",
        Topics.CELL_CROPS,
        config.maxPollRecords("cell-crops"),
        records -> {
          long start = System.nanoTime();
          List<CompletionStage<?>> sends = processor.process(records, labeller, out).sends();
          nanos.addAndGet(System.nanoTime() - start);
          crops.addAndGet(records.count());
          return sends;
        },
        settings.sendTimeout());
  }

  /** {@code name:version} of the detector, then every classifier member. */
  public List<String> models() {
    List<String> out = new ArrayList<>();
    out.add(detector.detector().manifest().id());
    classifier.ensembles().stream()
        .flatMap(e -> e.members().stream())
        .forEach(m -> out.add(m.model().manifest().id()));
    return out;
  }

  /** Fails when a stage stopped on its own (a broker or registry it could not reach). */
  public void checkHealthy() {
    for (StageWorker worker : workers.values()) {
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
        fieldsDone.get(), detectorNanos.get() / 1e9, cropsDone.get(), classifierNanos.get() / 1e9);
  }

  /**
   * A reviewer's sign-off of a decided case, as the bridge service's {@code POST
   * /cases/{caseId}/sign} does it (checked against the case's FINAL, written as a sealed SIGNED
   * event): for the demo's review page, whose sign-off button calls it.
   */
  public SignService.Reply sign(String caseId, SignService.SignRequest request) {
    SignService service =
        new SignService(bridge, this::publishSignOff, java.time.Clock.systemUTC(), SIGN_OFF_LINKS);
    return service.sign(caseId, request, Optional.empty(), Optional.empty());
  }

  private synchronized void publishSignOff(CaseEvent event) {
    if (signOffs == null) {
      signOffs = org.leukostream.schemas.TopicWriter.producer(clientConfig, Topics.CASE_EVENTS);
    }
    try {
      signOffs
          .send(
              new org.apache.kafka.clients.producer.ProducerRecord<>(
                  Topics.CASE_EVENTS.name(),
                  null,
                  event.getCaseId(),
                  event,
                  new org.apache.kafka.common.header.internals.RecordHeaders()
                      .add(
                          SignOffSeal.HEADER,
                          seal.seal(event).getBytes(java.nio.charset.StandardCharsets.UTF_8))))
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Cannot write the sign-off: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    closing.set(true);
    synchronized (this) {
      if (signOffs != null) {
        signOffs.close();
      }
    }
    for (StageWorker worker : workers.values()) {
      worker.close();
    }
    aggregator.close(Duration.ofSeconds(30));
    bridge.close(Duration.ofSeconds(30));
    detectorOut.close();
    classifierOut.close();
    detector.close();
    classifier.close();
    deleteRecursively(stateDir);
  }

  /** What a stage's loader may throw. */
  private interface Loader<T> {
    T load() throws Exception;
  }

  private static <T> T load(String stage, Loader<T> loader) {
    try {
      return loader.load();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot load the " + stage + " models: " + e.getMessage(), e);
    }
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
