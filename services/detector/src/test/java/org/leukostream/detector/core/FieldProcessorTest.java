package org.leukostream.detector.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.translate.TranslateException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.detector.field.CellFinder;
import org.leukostream.detector.field.FieldDetector;
import org.leukostream.images.ClaimCheckReader;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;
import org.leukostream.images.ImageStoreUnavailableException;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicSink;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.messaging.Backoff;
import org.leukostream.schemas.messaging.TransientFailureException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.synthetic.SyntheticFields;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.training.testing.TestModels;

/**
 * Transient against permanent faults in the detector's core, with the small trained detector: a
 * store that is down for a while, an engine that fails on everything, a field that breaks the
 * model.
 */
class FieldProcessorTest {
  static final Map<String, Object> SERDE =
      Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "mock://field-processor");
  static final Backoff QUICK = new Backoff(3, Duration.ofMillis(10), Duration.ofMillis(20));

  static StoredModel model;
  static WbcDetector wbc;
  static SmearField smear;

  @TempDir Path claims;

  @BeforeAll
  static void load() {
    model = ModelStore.load(TestModels.syntheticDetector());
    wbc = new WbcDetector(model, new DetectorSettings(0.3, 0.4, 100, 2));
    smear = TestModels.fields(99, 1).get(0);
  }

  @AfterAll
  static void close() {
    wbc.close();
    model.close();
  }

  @Test
  void aStoreDownForTwoAttemptsDelaysTheFieldButDoesNotRejectIt() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    FieldDetector detector = detector(flaky(reads, 2));
    Sink out = new Sink();

    FieldProcessor.Handled handled =
        new FieldProcessor(SERDE, QUICK, () -> false).process(claimed(0), detector, out);

    assertThat(handled.outcome()).isEqualTo(FieldProcessor.Outcome.PROCESSED);
    assertThat(handled.retries()).isEqualTo(2);
    assertThat(reads).hasValue(3);
    assertThat(out.results())
        .singleElement()
        .extracting(FieldResult::getStatus)
        .isEqualTo(FieldStatus.PROCESSED);
    assertThat(out.topics()).doesNotContain(Topics.SLIDE_FIELDS_DLQ.name());
  }

  @Test
  void aTombstoneAndAnUnknownSchemaIdAreDeadLetteredWithoutAFieldResult() throws Exception {
    FieldDetector detector = detector(List.of());
    for (byte[] value : new byte[][] {null, {0, 0x7F, 0, 0, 1, 2}}) {
      Sink out = new Sink();

      FieldProcessor.Handled handled =
          new FieldProcessor(SERDE, QUICK, () -> false)
              .process(
                  new ConsumerRecord<>(Topics.SLIDE_FIELDS.name(), 0, 0, "case-x", value),
                  detector,
                  out);

      assertThat(handled.outcome()).isEqualTo(FieldProcessor.Outcome.UNDECODABLE);
      assertThat(out.topics()).containsExactly(Topics.SLIDE_FIELDS_DLQ.name());
      assertThat(out.results()).isEmpty();
    }
  }

  @Test
  void aStoreDownPastTheLastAttemptStopsWithoutADeadLetter() throws Exception {
    FieldDetector detector = detector(flaky(new AtomicInteger(), Integer.MAX_VALUE));
    Sink out = new Sink();

    assertThatThrownBy(
            () -> new FieldProcessor(SERDE, QUICK, () -> false).process(claimed(1), detector, out))
        .isInstanceOf(TransientFailureException.class)
        .hasMessageContaining("after 3 attempts")
        .hasCauseInstanceOf(ImageStoreUnavailableException.class);
    assertThat(out.topics()).isEmpty();
  }

  @Test
  void anEngineThatFailsOnEverythingIsRetriedAndThenStopsTheConsumer() throws Exception {
    Sink out = new Sink();
    FailingEngine recovers = new FailingEngine(detector(List.of()), 2, false);

    assertThat(new FieldProcessor(SERDE, QUICK, () -> false).process(inline(2), recovers, out))
        .extracting(FieldProcessor.Handled::outcome, FieldProcessor.Handled::retries)
        .containsExactly(FieldProcessor.Outcome.PROCESSED, 2);

    FailingEngine down = new FailingEngine(detector(List.of()), Integer.MAX_VALUE, false);
    Sink none = new Sink();
    assertThatThrownBy(
            () -> new FieldProcessor(SERDE, QUICK, () -> false).process(inline(3), down, none))
        .isInstanceOf(TransientFailureException.class)
        .hasCauseInstanceOf(TranslateException.class);
    assertThat(none.topics()).isEmpty();
  }

  @Test
  void aFieldThatBreaksAModelWhichRunsPlainFieldsIsRejectedAtOnce() throws Exception {
    Sink out = new Sink();
    FailingEngine poisoned = new FailingEngine(detector(List.of()), Integer.MAX_VALUE, true);

    FieldProcessor.Handled handled =
        new FieldProcessor(SERDE, QUICK, () -> false).process(inline(4), poisoned, out);

    assertThat(handled.outcome()).isEqualTo(FieldProcessor.Outcome.REJECTED);
    assertThat(handled.retries()).isZero();
    assertThat(poisoned.calls).hasValue(1);
    assertThat(out.results())
        .singleElement()
        .extracting(FieldResult::getRejectionReason)
        .asString()
        .startsWith("detector failed: ");
    assertThat(out.topics()).contains(Topics.SLIDE_FIELDS_DLQ.name());
  }

  @Test
  void aHundredMegapixelFieldIsRejectedByTheServicesLimitBeforeItIsDecoded() throws Exception {
    long limit = Long.parseLong(configured("leukostream.detector.input.max-pixels"));
    BufferedImage huge = new BufferedImage(10_000, 10_000, BufferedImage.TYPE_BYTE_BINARY);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(huge, "png", png); // 1 bit per pixel: small to send, 400 MB once decoded
    byte[] data = png.toByteArray();
    ImageRef ref =
        ImageRef.newBuilder()
            .setMediaType("image/png")
            .setWidthPx(10_000)
            .setHeightPx(10_000)
            .setSizeBytes(data.length)
            .setSha256(ImageRefs.sha256(data))
            .setContent(new InlineImage(ByteBuffer.wrap(data)))
            .build();
    FieldDetector detector =
        new FieldDetector(
            new ImageRefs(List.of(), 1 << 25, limit),
            wbc,
            new CropExtractor(0.15, 96),
            EnumSet.of(SpecimenType.BONE_MARROW));
    Sink out = new Sink();

    FieldProcessor.Handled handled =
        new FieldProcessor(SERDE, QUICK, () -> false)
            .process(record(SyntheticFields.record("case-t", 5, ref)), detector, out);

    assertThat(handled.outcome()).isEqualTo(FieldProcessor.Outcome.REJECTED);
    assertThat(out.results())
        .singleElement()
        .extracting(FieldResult::getRejectionReason)
        .asString()
        .contains("10000x10000 pixels is over the limit of " + limit);
  }

  @Test
  void theRealModelRunsAPlainField() {
    assertThat(detector(List.of()).modelRuns()).isTrue();
  }

  /** A setting of the service's own application.properties. */
  static String configured(String key) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = FieldProcessorTest.class.getResourceAsStream("/application.properties")) {
      properties.load(in);
    }
    return properties.getProperty(key);
  }

  private static FieldDetector detector(List<ClaimCheckReader> readers) {
    return new FieldDetector(
        new ImageRefs(readers, 1 << 24, 1 << 24),
        wbc,
        new CropExtractor(0.15, 96),
        EnumSet.of(SpecimenType.BONE_MARROW, SpecimenType.PERIPHERAL_BLOOD));
  }

  /** The claim-check root's files, after {@code failures} reads that find the store down. */
  private List<ClaimCheckReader> flaky(AtomicInteger reads, int failures) {
    FileClaimChecks files = new FileClaimChecks(Optional.of(claims));
    return List.of(
        new ClaimCheckReader() {
          @Override
          public boolean serves(URI uri) {
            return files.serves(uri);
          }

          @Override
          public byte[] read(URI uri, long maxBytes)
              throws ImageRejectedException, ImageStoreUnavailableException {
            if (reads.incrementAndGet() <= failures) {
              throw new ImageStoreUnavailableException(
                  "claim check " + uri + " could not be read: volume not mounted", null);
            }
            return files.read(uri, maxBytes);
          }
        });
  }

  private ConsumerRecord<String, byte[]> claimed(int index) throws Exception {
    byte[] png = smear.encode("png");
    Path file = Files.write(claims.resolve(index + ".png"), png);
    return record(
        SyntheticFields.claimCheck(
            "case-t", index, png, "image/png", smear, file.toUri().toString()));
  }

  private static ConsumerRecord<String, byte[]> inline(int index) {
    return record(SyntheticFields.inline("case-t", index, smear));
  }

  private static ConsumerRecord<String, byte[]> record(SlideField field) {
    byte[] value =
        Topics.SLIDE_FIELDS
            .valueSerde(SERDE)
            .serializer()
            .serialize(Topics.SLIDE_FIELDS.name(), field);
    return new ConsumerRecord<>(
        Topics.SLIDE_FIELDS.name(), 0, field.getFieldIndex(), "case-t", value);
  }

  /**
   * The real detector behind an engine that throws on the first {@code failures} fields; with
   * {@code runsPlainFields} the plain check still passes (the field is at fault), else it fails
   * too.
   */
  private static final class FailingEngine implements CellFinder {
    private final FieldDetector real;
    private final int failures;
    private final boolean runsPlainFields;
    private final AtomicInteger calls = new AtomicInteger();

    FailingEngine(FieldDetector real, int failures, boolean runsPlainFields) {
      this.real = real;
      this.failures = failures;
      this.runsPlainFields = runsPlainFields;
    }

    @Override
    public FieldDetector.Detection detect(SlideField field)
        throws ImageRejectedException, ImageStoreUnavailableException, TranslateException {
      if (calls.incrementAndGet() <= failures) {
        throw new TranslateException("native: out of memory");
      }
      return real.detect(field);
    }

    @Override
    public boolean modelRuns() {
      return runsPlainFields || calls.get() > failures;
    }

    @Override
    public ModelRef model() {
      return real.model();
    }
  }

  /** What the core sent, by topic, each send acknowledged at once. */
  private static final class Sink implements TopicSink {
    private final List<String> topics = new ArrayList<>();
    private final List<FieldResult> results = new ArrayList<>();

    private final List<Headers> headers = new ArrayList<>();

    @Override
    public <V extends SpecificRecord> CompletionStage<?> send(
        Topic<V> topic, String key, V value, Headers headers) {
      topics.add(topic.name());
      this.headers.add(headers);
      if (value instanceof FieldResult result) {
        results.add(result);
      }
      return CompletableFuture.completedFuture(null);
    }

    List<String> topics() {
      return topics;
    }

    /** The headers of each send, in order (null where none). */
    List<Headers> headers() {
      return headers;
    }

    List<FieldResult> results() {
      return results;
    }
  }
}
