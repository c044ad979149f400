package org.leukostream.cli.pipeline;

import ai.djl.translate.TranslateException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.detector.field.FieldDetector;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.S3ClaimChecks;
import org.leukostream.images.S3Settings;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.schemas.ServiceProperties;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.testkit.TopicWriter;

/**
 * The detector service's work on plain Kafka clients, configured from the service's own {@code
 * application.properties}: {@code slide.fields.v1} -> one {@code cell.crops.v1} per white cell and
 * one {@code field.results.v1} per field; an unusable field gets a REJECTED result (so its case
 * does not wait) and a dead letter.
 */
public final class DetectorStage implements StageWorker.Stage, AutoCloseable {
  static final String SERVICE = "detector";
  private static final String P = "leukostream.detector.";

  private final StoredModel model;
  private final WbcDetector detector;
  private final S3ClaimChecks s3;
  private final FieldDetector fields;
  private final Deserializer<SlideField> reader;
  private final KafkaProducer<String, CellCrop> crops;
  private final KafkaProducer<String, FieldResult> results;
  private final KafkaProducer<String, DeadLetter> deadLetters;
  final AtomicLong nanos = new AtomicLong();
  final AtomicLong fieldsDone = new AtomicLong();

  /** The detector service's own settings with {@code overrides} over them. */
  public static Properties settings(Properties overrides) {
    Properties p =
        ServiceProperties.load(DetectorStage.class.getClassLoader(), "leukostream-detector");
    p.putAll(overrides);
    return p;
  }

  /** The detector model {@code settings} name, on their device. */
  public static StoredModel model(Properties settings) {
    return ModelStore.load(
        settings.getProperty(P + "model"),
        ModelStore.device(settings.getProperty(P + "device", "cpu")));
  }

  /** {@code model} with the service's operating point from {@code settings}. */
  public static WbcDetector detector(StoredModel model, Properties settings) {
    return new WbcDetector(
        model,
        new DetectorSettings(
            Double.parseDouble(settings.getProperty(P + "score-threshold")),
            Double.parseDouble(settings.getProperty(P + "nms-iou")),
            Double.parseDouble(settings.getProperty(P + "nms-containment", "1")),
            Integer.parseInt(settings.getProperty(P + "max-detections")),
            Integer.parseInt(settings.getProperty(P + "max-batch"))));
  }

  /** How the service cuts a detected cell out of its field. */
  public static CropExtractor cropExtractor(Properties settings) {
    return new CropExtractor(
        Double.parseDouble(settings.getProperty(P + "crop.margin")),
        Integer.parseInt(settings.getProperty(P + "crop.size")));
  }

  /**
   * @param overrides settings over the service's own ({@code leukostream.detector.model}, ...)
   * @param claimRoot the only directory {@code file://} claim checks may point into
   */
  DetectorStage(Map<String, Object> clientConfig, Properties overrides, Optional<Path> claimRoot) {
    Properties p = settings(overrides);
    this.model = model(p);
    try {
      this.detector = detector(model, p);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    this.s3 =
        new S3ClaimChecks(
            new S3Settings(
                Optional.empty(),
                p.getProperty(P + "claim-check.s3.region", "us-east-1"),
                Optional.empty(),
                Optional.empty(),
                false,
                Duration.ofSeconds(30)));
    Set<SpecimenType> specimens =
        Arrays.stream(p.getProperty(P + "specimen-types").split(","))
            .map(String::strip)
            .map(SpecimenType::valueOf)
            .collect(Collectors.toSet());
    this.fields =
        new FieldDetector(
            new ImageRefs(
                List.of(new FileClaimChecks(claimRoot), s3),
                Long.parseLong(p.getProperty(P + "input.max-bytes")),
                Long.parseLong(p.getProperty(P + "input.max-pixels"))),
            detector,
            cropExtractor(p),
            specimens);
    this.reader = Topics.SLIDE_FIELDS.valueSerde(clientConfig).deserializer();
    this.crops = TopicWriter.producer(clientConfig, Topics.CELL_CROPS);
    this.results = TopicWriter.producer(clientConfig, Topics.FIELD_RESULTS);
    this.deadLetters = TopicWriter.producer(clientConfig, Topics.SLIDE_FIELDS_DLQ);
  }

  String model() {
    return detector.manifest().id();
  }

  @Override
  public List<Future<RecordMetadata>> handle(ConsumerRecords<String, byte[]> records) {
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      long start = System.nanoTime();
      handle(record, sends);
      nanos.addAndGet(System.nanoTime() - start);
      fieldsDone.incrementAndGet();
    }
    return sends;
  }

  private void handle(ConsumerRecord<String, byte[]> record, List<Future<RecordMetadata>> sends) {
    SlideField field;
    try {
      field = record.value() == null ? null : reader.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      sends.add(deadLetter(record, record.key(), e));
      return;
    }
    if (field == null) {
      sends.add(deadLetter(record, record.key(), new IllegalArgumentException("empty record")));
      return;
    }
    try {
      FieldDetector.Detection detection = fields.detect(field);
      String key = Topics.cropKey(field.getCaseId(), field.getFieldIndex());
      for (CellCrop crop : detection.crops()) {
        sends.add(crops.send(new ProducerRecord<>(Topics.CELL_CROPS.name(), key, crop)));
      }
      sends.add(
          results.send(
              new ProducerRecord<>(
                  Topics.FIELD_RESULTS.name(), field.getCaseId(), detection.result())));
    } catch (ImageRejectedException | TranslateException e) {
      String reason =
          e instanceof TranslateException ? "detector failed: " + e.getMessage() : e.getMessage();
      FieldResult rejected = FieldDetector.rejected(field, reason, fields.model(), Instant.now());
      sends.add(
          results.send(
              new ProducerRecord<>(Topics.FIELD_RESULTS.name(), field.getCaseId(), rejected)));
      sends.add(deadLetter(record, field.getCaseId(), e));
    }
  }

  private Future<RecordMetadata> deadLetter(
      ConsumerRecord<String, byte[]> record, String caseId, Exception error) {
    DeadLetter letter =
        DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now());
    return deadLetters.send(
        new ProducerRecord<>(Topics.SLIDE_FIELDS_DLQ.name(), record.key(), letter));
  }

  @Override
  public void close() {
    crops.close();
    results.close();
    deadLetters.close();
    detector.close();
    model.close();
    s3.close();
  }
}
