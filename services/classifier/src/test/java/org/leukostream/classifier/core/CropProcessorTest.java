package org.leukostream.classifier.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.modality.cv.Image;
import ai.djl.translate.TranslateException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ImageRef;
import org.leukostream.classifier.it.TestCrops;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.classifier.label.Labeller;
import org.leukostream.images.ImageRefs;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.PlainImage;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.messaging.Backoff;
import org.leukostream.schemas.messaging.TransientFailureException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.training.testing.TestModels;

/**
 * Transient against permanent faults in the classifier's core, with initialised small models (real
 * forward passes): one crop that breaks the models in a batch of 32, an engine that fails for a
 * while, an engine that stays down.
 */
class CropProcessorTest {
  static final Map<String, Object> SERDE =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://crop-processor");
  static final Backoff QUICK = new Backoff(3, Duration.ofMillis(10), Duration.ofMillis(20));

  static Ensemble countable;
  static Ensemble wbc;
  static Ensemble blast;
  static CellLabeller real;
  static List<CellCrop> crops;

  @BeforeAll
  static void load() {
    Map<String, Path> dirs = TestModels.initialisedClassifiers();
    countable = ensemble("countable", dirs.get("countable"));
    wbc = ensemble("wbc", dirs.get("wbc-a"));
    blast = ensemble("blast", dirs.get("blast-effnet"));
    real = new CellLabeller(countable, wbc, Optional.of(blast), 0.5);
    crops = TestCrops.of("case-c", 32);
  }

  @AfterAll
  static void close() {
    countable.close();
    wbc.close();
    blast.close();
  }

  @Test
  void theRealModelsRunAPlainCrop() {
    assertThat(real.modelsRun()).isTrue();
  }

  @Test
  void aCropThatBreaksTheModelsInABatchOf32IsTheOnlyOneDeadLettered() {
    String poison = crops.get(17).getCellId();
    Faulty labeller =
        new Faulty(batch -> batch.stream().anyMatch(c -> c.getCellId().equals(poison)), true);
    Sink out = new Sink();

    CropProcessor.Handled handled = processor().process(records(), labeller, out);

    assertThat(handled.labels()).isEqualTo(31);
    assertThat(handled.deadLetters()).isEqualTo(1);
    assertThat(handled.retries()).isZero();
    assertThat(out.keys(Topics.CELL_CROPS_DLQ)).containsExactly(cropKey(17));
    assertThat(out.labelled()).hasSize(31).doesNotContain(poison);
  }

  @Test
  void aTombstoneAndAnUnknownSchemaIdAmongGoodCropsAreDeadLetteredAndTheRestLabelled() {
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(records());
    records.add(new ConsumerRecord<>(Topics.CELL_CROPS.name(), 0, 32, "tombstone", null));
    records.add(
        new ConsumerRecord<>(
            Topics.CELL_CROPS.name(), 0, 33, "unknown-schema", new byte[] {0, 0x7F, 0, 0, 1, 2}));
    Sink out = new Sink();

    CropProcessor.Handled handled = processor().process(records, real, out);

    assertThat(handled.labels()).isEqualTo(32);
    assertThat(handled.deadLetters()).isEqualTo(2);
    assertThat(out.keys(Topics.CELL_CROPS_DLQ))
        .containsExactlyInAnyOrder("tombstone", "unknown-schema");
  }

  @Test
  void aBatchTheEngineFailsIsTriedAgainAndLabelledWhole() {
    AtomicInteger calls = new AtomicInteger();
    Faulty labeller = new Faulty(batch -> calls.incrementAndGet() <= 2, false);
    Sink out = new Sink();

    CropProcessor.Handled handled = processor().process(records(), labeller, out);

    assertThat(handled.retries()).isEqualTo(2);
    assertThat(handled.deadLetters()).isZero();
    assertThat(out.labelled()).hasSize(32).doesNotHaveDuplicates();
    assertThat(out.keys(Topics.CELL_CROPS_DLQ)).isEmpty();
  }

  @Test
  void anEngineThatStaysDownStopsThePollWithoutDeadLetters() {
    Faulty labeller = new Faulty(batch -> true, false);
    Sink out = new Sink();

    assertThatThrownBy(() -> processor().process(records(), labeller, out))
        .isInstanceOf(TransientFailureException.class)
        .hasMessageContaining("not labelled after 3 attempts");
    assertThat(out.keys(Topics.CELL_CROPS_DLQ)).isEmpty();
    assertThat(out.labelled()).isEmpty();
  }

  @Test
  void cropsOverTheServicesPixelLimitAreDeadLetteredBeforeTheyAreDecoded() throws Exception {
    Properties service = new Properties();
    try (InputStream in = CropProcessorTest.class.getResourceAsStream("/application.properties")) {
      service.load(in);
    }
    long limit = Long.parseLong(service.getProperty("leukostream.classifier.crop-max-pixels"));
    // 32 crops of 4096 x 4096: small as PNGs of one colour, 2 GB once decoded together
    ImageRef huge = ImageRefs.inlinePng(PlainImage.of(4096));
    List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      CellCrop crop = CellCrop.newBuilder(crops.get(i)).setCrop(huge).build();
      byte[] value =
          Topics.CELL_CROPS
              .valueSerde(SERDE)
              .serializer()
              .serialize(Topics.CELL_CROPS.name(), crop);
      records.add(new ConsumerRecord<>(Topics.CELL_CROPS.name(), 0, i, cropKey(i), value));
    }
    Sink out = new Sink();

    CropProcessor.Handled handled =
        new CropProcessor(SERDE, limit, 32, QUICK, () -> false).process(records, real, out);

    assertThat(handled.deadLetters()).isEqualTo(32);
    assertThat(handled.labels()).isZero();
    assertThat(out.keys(Topics.CELL_CROPS_DLQ)).hasSize(32);
  }

  private static CropProcessor processor() {
    return new CropProcessor(SERDE, 1 << 20, 32, QUICK, () -> false);
  }

  private static Ensemble ensemble(String stage, Path dir) {
    return Ensemble.load(stage, Map.of(dir.toString(), 1.0), Device.cpu(), 4);
  }

  private static String cropKey(int i) {
    return Topics.cropKey(crops.get(i).getCaseId(), crops.get(i).getFieldIndex());
  }

  private static List<ConsumerRecord<String, byte[]>> records() {
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    for (int i = 0; i < crops.size(); i++) {
      CellCrop crop = crops.get(i);
      byte[] value =
          Topics.CELL_CROPS
              .valueSerde(SERDE)
              .serializer()
              .serialize(Topics.CELL_CROPS.name(), crop);
      out.add(new ConsumerRecord<>(Topics.CELL_CROPS.name(), 0, i, cropKey(i), value));
    }
    return out;
  }

  /** When a batch should fail. */
  private interface Failure {
    boolean on(List<CellCrop> batch);
  }

  /**
   * The real labeller, except that batches {@link Failure} picks fail; {@code modelsRun} says
   * whether a plain crop still runs meanwhile (a crop at fault) or not (the engine at fault, until
   * a batch succeeds).
   */
  private static final class Faulty implements Labeller {
    private final Failure failure;
    private final boolean plainCropRuns;
    private volatile boolean failing;

    Faulty(Failure failure, boolean plainCropRuns) {
      this.failure = failure;
      this.plainCropRuns = plainCropRuns;
    }

    @Override
    public List<CellLabel> label(List<CellCrop> batch, List<Image> images)
        throws TranslateException {
      failing = failure.on(batch);
      if (failing) {
        throw new TranslateException("native: the model failed on this batch");
      }
      return real.label(batch, images);
    }

    @Override
    public boolean modelsRun() {
      return plainCropRuns || !failing;
    }
  }

  /** What the core sent, each send acknowledged at once. */
  private static final class Sink implements TopicSink {
    private final List<String> topics = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<String> labelled = new ArrayList<>();

    private final List<Headers> headers = new ArrayList<>();

    @Override
    public <V extends SpecificRecord> CompletionStage<?> send(
        Topic<V> topic, String key, V value, Headers headers) {
      topics.add(topic.name());
      this.headers.add(headers);
      keys.add(key);
      if (value instanceof CellLabel label) {
        labelled.add(label.getCellId());
      }
      return CompletableFuture.completedFuture(null);
    }

    List<String> keys(Topic<?> topic) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < topics.size(); i++) {
        if (topics.get(i).equals(topic.name())) {
          out.add(keys.get(i));
        }
      }
      return out;
    }

    List<String> labelled() {
      return labelled;
    }

    /** The headers of each send, in order (null where none). */
    List<Headers> headers() {
      return headers;
    }
  }
}
