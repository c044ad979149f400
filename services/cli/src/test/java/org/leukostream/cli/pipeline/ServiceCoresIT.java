package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.FieldProcessor;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The demo runs the detector service's own core ({@link FieldProcessor}) with the service's own
 * settings, so it meets bad input and outages as the service does: with the schema registry
 * unreachable the worker stops without dead-lettering a good field and without committing it; once
 * the registry is back, the same field is detected and a record no schema reads is dead-lettered
 * with its bytes - nothing lost, nothing dead-lettered that was good. (The service's side of the
 * same core is DetectorServiceIT.)
 */
class ServiceCoresIT {
  /** Not Avro of any schema: no magic byte. */
  private static final byte[] POISON = {7, 1, 2, 3};

  @Test
  void registryDownStopsTheWorkerAndLosesNothingAPoisonRecordIsDeadLettered() throws Exception {
    try (EmbeddedStack stack = EmbeddedStack.start()) {
      String caseId = "cores-good";
      VirtualPatients.Patient patient =
          VirtualPatients.draw(
              new VirtualPatients.Spec(caseId, 1, VirtualPatients.CELLS_PER_FIELD, 0.5),
              5,
              AggregatorSettings.fromApplicationProperties().rule());
      try (CaseSender sender =
          new CaseSender(stack.clientConfig(), CaseSender.DEFAULT_INLINE_LIMIT, Optional.empty())) {
        sender.send(
            new CaseSender.Case(
                caseId, "pk-cores", SpecimenType.BONE_MARROW, "it", patient.fields()),
            n -> {});
      }
      Map<String, Object> raw = new HashMap<>(stack.clientConfig());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(raw, new StringSerializer(), new ByteArraySerializer())) {
        producer
            .send(new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "cores-poison", POISON))
            .get();
      }

      ServiceConfigs<DetectorConfig> config = ServiceConfigs.detector(new Properties());
      try (LoadedDetector detector = LoadedDetector.load(config.settings())) {
        Map<String, Object> registryDown = new HashMap<>(stack.clientConfig());
        registryDown.put(SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:9");
        AtomicLong fields = new AtomicLong();
        try (ProducerSink out =
                new ProducerSink(
                    registryDown,
                    List.of(Topics.CELL_CROPS, Topics.FIELD_RESULTS, Topics.SLIDE_FIELDS_DLQ));
            StageWorker down =
                Pipeline.detectorWorker(
                    registryDown,
                    config,
                    detector.fields(),
                    out,
                    () -> false,
                    new AtomicLong(),
                    fields)) {
          down.start();
          await().atMost(Duration.ofMinutes(1)).until(() -> down.failure() != null);
          assertThat(causes(down.failure()))
              .anyMatch(RegistryUnavailableException.class::isInstance);
        }
        assertThat(stack.readAll(Topics.SLIDE_FIELDS_DLQ)).isEmpty();
        assertThat(stack.readAll(Topics.FIELD_RESULTS)).isEmpty();

        try (ProducerSink out =
                new ProducerSink(
                    stack.clientConfig(),
                    List.of(Topics.CELL_CROPS, Topics.FIELD_RESULTS, Topics.SLIDE_FIELDS_DLQ));
            StageWorker up =
                Pipeline.detectorWorker(
                    stack.clientConfig(),
                    config,
                    detector.fields(),
                    out,
                    () -> false,
                    new AtomicLong(),
                    fields)) {
          up.start();
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () ->
                      !stack.readAll(Topics.FIELD_RESULTS).isEmpty()
                          && !stack.readAll(Topics.SLIDE_FIELDS_DLQ).isEmpty());
          assertThat(up.failure()).isNull();
        }
        List<FieldResult> results =
            stack.readAll(Topics.FIELD_RESULTS).stream().map(r -> r.value()).toList();
        assertThat(results).hasSize(1);
        assertThat(results.get(0).getCaseId()).isEqualTo(caseId);
        assertThat(results.get(0).getStatus()).isEqualTo(FieldStatus.PROCESSED);
        assertThat(stack.readAll(Topics.CELL_CROPS)).hasSize(results.get(0).getCellIds().size());
        List<DeadLetter> letters =
            stack.readAll(Topics.SLIDE_FIELDS_DLQ).stream().map(r -> r.value()).toList();
        assertThat(letters).hasSize(1);
        assertThat(letters.get(0).getService()).isEqualTo(FieldProcessor.SERVICE);
        assertThat(letters.get(0).getOriginalTopic()).isEqualTo(Topics.SLIDE_FIELDS.name());
        assertThat(letters.get(0).getValue().array()).isEqualTo(POISON);
      }
    }
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
