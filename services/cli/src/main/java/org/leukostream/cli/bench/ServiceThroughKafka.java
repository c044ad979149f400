package org.leukostream.cli.bench;

import ai.djl.metric.Metric;
import ai.djl.metric.Metrics;
import ai.djl.metric.Unit;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.classifier.core.CropProcessor;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.cli.pipeline.ProducerSink;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.cli.pipeline.StageWorker;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.images.ImageRefs;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearCell;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * {@code bench classifier --through-kafka}: the classifier service's core ({@link CropProcessor},
 * the service's default models, batch size and consumer settings) fed from {@code cell.crops.v1} on
 * the embedded broker, poll to committed offsets, next to the same models labelling the same crops
 * already decoded in memory at the same batch size; with where each cell's time goes.
 *
 * <p>Crops are cut from synthetic smear fields the way the detector cuts them (its margin and size)
 * and travel as the detector writes them (inline PNG in Avro). Both runs are preceded by an untimed
 * warm-up of their own.
 */
final class ServiceThroughKafka {
  private static final String CASE = "bench-through-kafka";
  private static final ModelRef DETECTOR = new ModelRef("synthetic-frames", "bench");

  /** The stages in the order the labeller runs them, by the labeller's stage names. */
  private static final List<String> STAGES =
      List.of(CellLabeller.COUNTABLE, CellLabeller.WBC, CellLabeller.BLAST);

  /**
   * {@code --json}: one measurement. Per-cell milliseconds of each part of the service's path (they
   * overlap: reading the next poll runs beside the inference, see {@link #drain}); {@code
   * stageMillis} and {@code preprocessMillis} are DJL's timings of each stage (the latter: resize
   * and tensor building inside the stage).
   */
  record Result(
      String bench,
      int crops,
      int batch,
      boolean cascade,
      double inProcessCellsPerSecond,
      double throughKafkaCellsPerSecond,
      double ratio,
      Map<String, Double> throughKafkaMillisPerCell,
      Map<String, Double> stageMillisPerCell,
      Map<String, Double> preprocessMillisPerCell,
      int cores) {}

  private final int crops;
  private final Properties overrides;
  private final Consumer<String> progress;

  /**
   * @param crops crops timed (as many again warm up)
   * @param overrides settings over the classifier service's own (other models, the cascade)
   */
  ServiceThroughKafka(int crops, Properties overrides, Consumer<String> progress) {
    this.crops = crops;
    this.overrides = overrides;
    this.progress = progress;
  }

  Result run() throws Exception {
    ServiceConfigs<ClassifierConfig> configs = ServiceConfigs.classifier(overrides);
    ClassifierConfig settings = configs.settings();
    int batch = settings.batch().maxSize();
    progress.accept("cutting " + 2 * crops + " crops from synthetic fields ...");
    List<CellCrop> all = crops(2 * crops);
    List<CellCrop> warmUp = all.subList(0, crops);
    List<CellCrop> timed = all.subList(crops, all.size());
    progress.accept("loading the service's default models ...");
    // Every forward pass on one thread, as the service runs them on its inference thread: LibTorch
    // keeps per-thread state (its thread pool), and a pass on another thread runs slower.
    ExecutorService models = Executors.newSingleThreadExecutor();
    try (CellLabeller labeller = ClassifierModels.load(settings);
        EmbeddedStack stack = EmbeddedStack.start()) {
      List<Image> images = decode(timed);
      List<Image> warmUpImages = decode(warmUp);
      models.submit(() -> label(labeller, warmUp, warmUpImages, batch)).get(); // untimed
      long inProcessNanos = timeLabelling(models, labeller, timed, images, batch);
      progress.accept(
          String.format(
              "in process: %.1f cells/s at batch %d",
              timed.size() / (inProcessNanos / 1e9), batch));

      Map<String, Long> nanos = new LinkedHashMap<>();
      Map<String, Metrics> stageMetrics = record(labeller);
      produce(stack, all);
      double throughKafka;
      Map<String, Object> producerConfig = new HashMap<>(stack.clientConfig());
      producerConfig.put(
          ProducerConfig.LINGER_MS_CONFIG,
          configs.config().getValue("mp.messaging.outgoing.cell-labels.linger.ms", Integer.class));
      try (ProducerSink out =
              new ProducerSink(producerConfig, List.of(Topics.CELL_LABELS, Topics.CELL_CROPS_DLQ));
          KafkaConsumer<String, byte[]> consumer =
              consumer(stack, configs.maxPollRecords("cell-crops"), settings)) {
        CropProcessor processor =
            new CropProcessor(
                stack.clientConfig(),
                settings.cropMaxPixels(),
                batch,
                settings.retry().backoff(),
                () -> false);
        progress.accept("through Kafka: warm-up ...");
        drain(consumer, processor, labeller, models, out, warmUp.size(), new LinkedHashMap<>());
        stageMetrics = record(labeller); // only the timed run's stage timings
        long begin = System.nanoTime();
        drain(consumer, processor, labeller, models, out, timed.size(), nanos);
        throughKafka = timed.size() / ((System.nanoTime() - begin) / 1e9);
        long committed =
            consumer.committed(consumer.assignment()).values().stream()
                .filter(Objects::nonNull)
                .mapToLong(OffsetAndMetadata::offset)
                .sum();
        if (committed != all.size()) {
          throw new IllegalStateException(
              committed + " of " + all.size() + " crops committed after they were labelled");
        }
      }
      progress.accept(String.format("through Kafka: %.1f cells/s", throughKafka));
      // In process once more, after: the machine's speed drifts, and the ratio compares the
      // Kafka run with the in-process runs on either side of it.
      record(labeller); // the Kafka run's stage timings stay as they are
      inProcessNanos += timeLabelling(models, labeller, timed, images, batch);
      double inProcess = 2 * timed.size() / (inProcessNanos / 1e9);
      progress.accept(String.format("in process, before and after: %.1f cells/s", inProcess));
      Map<String, Double> perCell = new LinkedHashMap<>();
      nanos.forEach((k, v) -> perCell.put(k, round(v / 1e6 / timed.size())));
      Map<String, Double> stageMillis = new LinkedHashMap<>();
      Map<String, Double> preprocessMillis = new LinkedHashMap<>();
      stageMetrics.forEach(
          (stage, m) -> {
            stageMillis.put(stage, round(micros(m, "Prediction") / 1e3 / timed.size()));
            preprocessMillis.put(stage, round(preprocessMicros(m) / 1e3 / timed.size()));
          });
      return new Result(
          "classifier-through-kafka",
          timed.size(),
          batch,
          settings.cascade(),
          round(inProcess),
          round(throughKafka),
          round(throughKafka / inProcess),
          perCell,
          stageMillis,
          preprocessMillis,
          Runtime.getRuntime().availableProcessors());
    } finally {
      models.shutdownNow();
    }
  }

  /**
   * Nanoseconds the labeller takes on the models' thread over crops decoded beforehand, at the
   * service's batch size.
   */
  private static long timeLabelling(
      ExecutorService models,
      CellLabeller labeller,
      List<CellCrop> crops,
      List<Image> images,
      int batch)
      throws Exception {
    long begin = System.nanoTime();
    models.submit(() -> label(labeller, crops, images, batch)).get();
    return System.nanoTime() - begin;
  }

  private static Void label(
      CellLabeller labeller, List<CellCrop> crops, List<Image> images, int batch) throws Exception {
    for (int from = 0; from < crops.size(); from += batch) {
      int to = Math.min(crops.size(), from + batch);
      labeller.label(crops.subList(from, to), images.subList(from, to));
    }
    return null;
  }

  /**
   * The service's loop (as {@code CropConsumer} runs it): poll and read a poll (Avro, PNGs) while
   * the inference thread classifies the previous one; wait for that inference, hand this poll to
   * the models; wait until the broker has the previous poll's labels, acknowledged meanwhile, and
   * commit its offsets without waiting for the broker (as the channel's throttled commit strategy
   * does, in the background); until {@code count} crops are read, then the last poll. Adds each
   * part's wall time to {@code nanos}: {@code inference} and {@code labelsAndSend} on the inference
   * thread, the others on the consuming thread, so they overlap.
   */
  private static void drain(
      KafkaConsumer<String, byte[]> consumer,
      CropProcessor processor,
      CellLabeller labeller,
      ExecutorService models,
      ProducerSink out,
      int count,
      Map<String, Long> nanos)
      throws Exception {
    int read = 0;
    long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
    CompletableFuture<CropProcessor.Handled> classified = CompletableFuture.completedFuture(null);
    Map<TopicPartition, OffsetAndMetadata> classifiedOffsets = Map.of();
    while (read < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(read + " of " + count + " crops in 20 minutes");
      }
      long t0 = System.nanoTime();
      ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
      nanos.merge("poll", System.nanoTime() - t0, Long::sum);
      if (records.isEmpty()) {
        continue;
      }
      read += records.count();
      CropProcessor.Read poll = processor.read(records, out);
      long t1 = System.nanoTime();
      CropProcessor.Handled previous = classified.get(60, TimeUnit.SECONDS);
      nanos.merge("awaitModels", System.nanoTime() - t1, Long::sum);
      classified = CompletableFuture.supplyAsync(() -> processor.label(poll, labeller), models);
      written(consumer, previous, classifiedOffsets, nanos);
      classifiedOffsets = next(records);
    }
    long t1 = System.nanoTime();
    CropProcessor.Handled last = classified.get(60, TimeUnit.SECONDS);
    nanos.merge("awaitModels", System.nanoTime() - t1, Long::sum);
    written(consumer, last, classifiedOffsets, nanos);
    consumer.commitSync(classifiedOffsets);
  }

  /**
   * A classified poll: its parts added to {@code nanos}, its writes waited for and its offsets
   * committed (without waiting for the broker); nothing for the first poll's predecessor.
   */
  private static void written(
      KafkaConsumer<String, byte[]> consumer,
      CropProcessor.Handled handled,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      Map<String, Long> nanos)
      throws Exception {
    if (handled == null) {
      return;
    }
    if (handled.deadLetters() > 0) {
      throw new IllegalStateException(handled.deadLetters() + " crops dead-lettered");
    }
    nanos.merge("decode", handled.decodeNanos(), Long::sum);
    nanos.merge(
        "inference",
        handled.batches().stream().mapToLong(CropProcessor.Batch::nanos).sum(),
        Long::sum);
    nanos.merge("labelsAndSend", handled.sendNanos(), Long::sum);
    long t0 = System.nanoTime();
    TopicSink.acknowledged(handled.sends(), Duration.ofSeconds(60)).get();
    long t1 = System.nanoTime();
    consumer.commitAsync(offsets, null);
    nanos.merge("awaitAcks", t1 - t0, Long::sum);
    nanos.merge("commit", System.nanoTime() - t1, Long::sum);
  }

  /** The offsets to commit once a poll is done: after each partition's last record. */
  private static Map<TopicPartition, OffsetAndMetadata> next(ConsumerRecords<?, ?> records) {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      var in = records.records(partition);
      out.put(partition, new OffsetAndMetadata(in.get(in.size() - 1).offset() + 1));
    }
    return out;
  }

  /** New DJL metrics on every stage of the labeller, by stage. */
  private static Map<String, Metrics> record(CellLabeller labeller) {
    Map<String, Metrics> out = new LinkedHashMap<>();
    for (Ensemble ensemble : labeller.ensembles()) {
      Metrics metrics = new Metrics();
      ensemble.recordInto(metrics);
      out.put(ensemble.stage(), metrics);
    }
    return out;
  }

  /**
   * Microseconds spent preparing inputs (resizing, tensors) over all recorded batches. DJL records
   * {@code Preprocess}, {@code Inference} and {@code Postprocess} per item of a batch (the batch's
   * time divided by its size) and {@code Prediction} for the whole batch, one entry of each per
   * batch in order: a batch's preparation is its share of the three times its whole prediction.
   */
  static double preprocessMicros(Metrics metrics) {
    if (!metrics.hasMetric("Preprocess") || !metrics.hasMetric("Prediction")) {
      return 0;
    }
    List<Metric> pre = metrics.getMetric("Preprocess");
    List<Metric> inference = metrics.getMetric("Inference");
    List<Metric> post = metrics.getMetric("Postprocess");
    List<Metric> whole = metrics.getMetric("Prediction");
    double sum = 0;
    for (int i = 0; i < whole.size(); i++) {
      double p = micros(pre.get(i));
      double perItem = p + micros(inference.get(i)) + micros(post.get(i));
      if (perItem > 0) {
        sum += micros(whole.get(i)) * p / perItem;
      }
    }
    return sum;
  }

  /** One DJL timing in microseconds (how DJL records it). */
  private static double micros(Metric m) {
    double v = m.getValue().doubleValue();
    return m.getUnit() == Unit.MILLISECONDS ? v * 1e3 : v; // DJL writes MICROSECONDS
  }

  /** The sum of a DJL timing over the run, in microseconds. */
  private static double micros(Metrics metrics, String name) {
    if (!metrics.hasMetric(name)) {
      return 0;
    }
    return metrics.getMetric(name).stream().mapToDouble(ServiceThroughKafka::micros).sum();
  }

  private static void produce(EmbeddedStack stack, List<CellCrop> crops) throws Exception {
    var serializer = Topics.CELL_CROPS.valueSerde(stack.clientConfig()).serializer();
    Map<String, Object> config = new HashMap<>(stack.clientConfig());
    config.put("max.request.size", Topics.CELL_CROPS.maxMessageBytes());
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (CellCrop crop : crops) {
        producer.send(
            new ProducerRecord<>(
                Topics.CELL_CROPS.name(),
                crop.getCellId(),
                serializer.serialize(Topics.CELL_CROPS.name(), crop)));
      }
      producer.flush();
    }
  }

  /** A consumer as the service's channel configures it: its group, batch and fetch settings. */
  private static KafkaConsumer<String, byte[]> consumer(
      EmbeddedStack stack, int maxPollRecords, ClassifierConfig settings) {
    Map<String, Object> config =
        StageWorker.consumerConfig(
            stack.clientConfig(), "leukostream-classifier", Topics.CELL_CROPS, maxPollRecords);
    config.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, settings.batch().fillBytes());
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, settings.batch().maxWaitMs());
    var consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(Topics.CELL_CROPS.name()));
    return consumer;
  }

  /** Crops as the detector cuts and writes them, from synthetic fields (seeded). */
  private static List<CellCrop> crops(int count) {
    ServiceConfigs<?> detector = ServiceConfigs.detector(new Properties());
    CropExtractor extractor =
        new CropExtractor(
            detector.config().getValue("leukostream.detector.crop.margin", Double.class),
            detector.config().getValue("leukostream.detector.crop.size", Integer.class));
    SmearGenerator generator = new SmearGenerator(21);
    List<CellCrop> out = new ArrayList<>(count);
    int fieldIndex = 0;
    while (out.size() < count) {
      for (List<CellType> types : generator.caseCells(1, 12, 0.3)) {
        SmearField field = generator.field(types, SmearGenerator.Options.DEFAULT);
        for (SmearCell cell : field.cells()) {
          if (out.size() == count) {
            break;
          }
          var box = cell.box();
          BufferedImage crop =
              extractor.crop(
                  field.image(),
                  new CellDetection(box.x, box.y, box.width, box.height, 0.9, "wbc"));
          out.add(
              CellCrop.newBuilder()
                  .setCellId(CASE + "/" + fieldIndex + "/" + box.x + "," + box.y)
                  .setCaseId(CASE)
                  .setFieldIndex(fieldIndex)
                  .setSpecimenType(SpecimenType.BONE_MARROW)
                  .setBox(new BoundingBox(box.x, box.y, box.width, box.height))
                  .setDetectionScore(0.9)
                  .setCrop(ImageRefs.inlinePng(crop))
                  .setDetectorModel(DETECTOR)
                  .setDetectedAt(Instant.now())
                  .build());
        }
        fieldIndex++;
      }
    }
    return out;
  }

  private static List<Image> decode(List<CellCrop> crops) throws Exception {
    ImageRefs refs = new ImageRefs(List.of(), 1 << 22, 1 << 22);
    List<Image> out = new ArrayList<>(crops.size());
    for (CellCrop crop : crops) {
      out.add(ImageFactory.getInstance().fromImage(refs.decode(crop.getCrop())));
    }
    return out;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
