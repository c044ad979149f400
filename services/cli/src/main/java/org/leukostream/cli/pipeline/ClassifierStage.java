package org.leukostream.cli.pipeline;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.translate.TranslateException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Deserializer;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DeadLetter;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.classifier.label.StageMembers;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ModelStore;
import org.leukostream.schemas.ServiceProperties;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.testkit.TopicWriter;

/**
 * The classifier service's work on plain Kafka clients, configured from the service's own {@code
 * application.properties} (the shipped default models, their weights, the countable threshold):
 * each poll of {@code cell.crops.v1} is one inference batch through stage 1, ensemble B and
 * ensemble A, one {@code cell.labels.v1} per crop; an unreadable crop, or one that fails alone, is
 * dead-lettered and the rest of its batch goes on.
 */
final class ClassifierStage implements StageWorker.Stage, AutoCloseable {
  static final String SERVICE = "classifier";
  private static final String P = "leukostream.classifier.";

  private final CellLabeller labeller;
  private final ImageRefs images;
  private final Deserializer<CellCrop> reader;
  private final KafkaProducer<String, CellLabel> labels;
  private final KafkaProducer<String, DeadLetter> deadLetters;
  final int maxBatch;
  final AtomicLong nanos = new AtomicLong();
  final AtomicLong cropsDone = new AtomicLong();

  /** The classifier service's own settings with {@code overrides} over them. */
  static Properties settings(Properties overrides) {
    Properties p =
        ServiceProperties.load(ClassifierStage.class.getClassLoader(), "leukostream-classifier");
    p.putAll(overrides);
    return p;
  }

  /**
   * @param overrides settings over the service's own (e.g. {@code
   *     leukostream.classifier.wbc.members[0].model})
   */
  ClassifierStage(Map<String, Object> clientConfig, Properties overrides) {
    Properties p = settings(overrides);
    this.maxBatch = Integer.parseInt(p.getProperty(P + "batch.max-size"));
    var device = ModelStore.device(p.getProperty(P + "device", "cpu"));
    List<Ensemble> loaded = new ArrayList<>();
    try {
      Ensemble countable = ensemble(p, "countable", device, loaded);
      Ensemble wbc = ensemble(p, "wbc", device, loaded);
      Optional<Ensemble> blast =
          p.containsKey(P + "blast.members[0].model")
              ? Optional.of(ensemble(p, "blast", device, loaded))
              : Optional.empty();
      this.labeller =
          new CellLabeller(
              countable, wbc, blast, Double.parseDouble(p.getProperty(P + "countable-threshold")));
    } catch (RuntimeException e) {
      loaded.forEach(Ensemble::close);
      throw e;
    }
    this.images =
        new ImageRefs(
            List.of(),
            Topics.CELL_CROPS.maxMessageBytes(),
            Long.parseLong(p.getProperty(P + "crop-max-pixels")));
    this.reader = Topics.CELL_CROPS.valueSerde(clientConfig).deserializer();
    this.labels = TopicWriter.producer(clientConfig, Topics.CELL_LABELS);
    this.deadLetters = TopicWriter.producer(clientConfig, Topics.CELL_CROPS_DLQ);
  }

  private static Ensemble ensemble(
      Properties p, String stage, ai.djl.Device device, List<Ensemble> loaded) {
    Ensemble e =
        Ensemble.load(
            stage,
            StageMembers.fromProperties(p, stage),
            device,
            Integer.parseInt(p.getProperty(P + "batch.max-size")));
    loaded.add(e);
    return e;
  }

  /** {@code name:version} of every member, stage by stage. */
  List<String> models() {
    return labeller.ensembles().stream()
        .flatMap(e -> e.members().stream())
        .map(m -> m.model().manifest().id())
        .toList();
  }

  private record Readable(ConsumerRecord<String, byte[]> record, CellCrop crop, Image image) {}

  @Override
  public List<Future<RecordMetadata>> handle(ConsumerRecords<String, byte[]> records) {
    long start = System.nanoTime();
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    List<Readable> readable = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> record : records) {
      CellCrop crop;
      try {
        crop = record.value() == null ? null : reader.deserialize(record.topic(), record.value());
        if (crop == null) {
          throw new IllegalArgumentException("empty record");
        }
      } catch (RuntimeException e) {
        sends.add(deadLetter(record, Topics.caseOfCropKey(record.key()), e));
        continue;
      }
      try {
        readable.add(
            new Readable(
                record, crop, ImageFactory.getInstance().fromImage(images.decode(crop.getCrop()))));
      } catch (ImageRejectedException e) {
        sends.add(deadLetter(record, crop.getCaseId(), e));
      }
    }
    for (int from = 0; from < readable.size(); from += maxBatch) {
      for (CellLabel label :
          label(readable.subList(from, Math.min(readable.size(), from + maxBatch)), sends)) {
        sends.add(
            labels.send(new ProducerRecord<>(Topics.CELL_LABELS.name(), label.getCaseId(), label)));
      }
    }
    nanos.addAndGet(System.nanoTime() - start);
    cropsDone.addAndGet(records.count());
    return sends;
  }

  /** The batch's labels; a batch that fails as a whole is labelled crop by crop. */
  private List<CellLabel> label(List<Readable> batch, List<Future<RecordMetadata>> sends) {
    try {
      return labeller.label(
          batch.stream().map(Readable::crop).toList(),
          batch.stream().map(Readable::image).toList());
    } catch (TranslateException | RuntimeException e) {
      if (batch.size() == 1) {
        sends.add(deadLetter(batch.get(0).record(), batch.get(0).crop().getCaseId(), e));
        return List.of();
      }
      List<CellLabel> out = new ArrayList<>();
      for (Readable one : batch) {
        out.addAll(label(List.of(one), sends));
      }
      return out;
    }
  }

  private Future<RecordMetadata> deadLetter(
      ConsumerRecord<String, byte[]> record, String caseId, Exception error) {
    DeadLetter letter =
        DeadLetters.of(SERVICE, record, record.value(), caseId, error, Instant.now());
    return deadLetters.send(
        new ProducerRecord<>(Topics.CELL_CROPS_DLQ.name(), record.key(), letter));
  }

  @Override
  public void close() {
    labels.close();
    deadLetters.close();
    labeller.close();
  }
}
