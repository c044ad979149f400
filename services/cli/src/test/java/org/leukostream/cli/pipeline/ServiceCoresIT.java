package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.synthetic.FaultyFields;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * The demo runs the detector service's own core ({@link FieldProcessor}) with the service's own
 * settings, so it meets bad input and outages as the service does: with the schema registry
 * unreachable the worker stops without dead-lettering a good field and without committing it; once
 * the registry is back, the same field is detected, every kind of bad field ({@link FaultyFields})
 * is rejected with the reason the service gives and dead-lettered, and a record no schema reads is
 * dead-lettered with its bytes - nothing lost, nothing dead-lettered that was good.
 * DetectorServiceIT sends the same faults through the Quarkus service and asserts the same outcome.
 */
class ServiceCoresIT {
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
                caseId,
                SyntheticCase.patientKey("cores-good"),
                SpecimenType.BONE_MARROW,
                "it",
                patient.fields()),
            n -> {});
      }
      Path claims = Files.createTempDirectory("claims-");
      List<FaultyFields.Fault> faults =
          FaultyFields.of(
              "cores-bad",
              new SmearGenerator(5)
                  .field(
                      List.of(CellType.LYMPHOCYTE, CellType.LYMPHOBLAST),
                      SmearGenerator.Options.DEFAULT),
              claims);
      try (var producer = TopicWriter.producer(stack.clientConfig(), Topics.SLIDE_FIELDS)) {
        for (FaultyFields.Fault fault : faults) {
          producer.send(
              new ProducerRecord<>(Topics.SLIDE_FIELDS.name(), "cores-bad", fault.field()));
        }
      }
      Map<String, Object> raw = new HashMap<>(stack.clientConfig());
      try (KafkaProducer<String, byte[]> producer =
          new KafkaProducer<>(raw, new StringSerializer(), new ByteArraySerializer())) {
        producer
            .send(
                new ProducerRecord<>(
                    Topics.SLIDE_FIELDS.name(), "cores-poison", FaultyFields.GARBAGE))
            .get();
      }

      Properties settings = new Properties();
      settings.setProperty("leukostream.detector.claim-check.file-root", claims.toString());
      ServiceConfigs<DetectorConfig> config = ServiceConfigs.detector(settings);
      try (LoadedDetector detector = LoadedDetector.load(config.settings())) {
        Map<String, Object> registryDown = new HashMap<>(stack.clientConfig());
        registryDown.put(SerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:9");
        AtomicLong fields = new AtomicLong();
        try (ProducerSink out = sink(registryDown);
            StageWorker down = worker(registryDown, config, detector, out, fields)) {
          down.start();
          await().atMost(Duration.ofMinutes(1)).until(() -> down.failure() != null);
          assertThat(causes(down.failure()))
              .anyMatch(RegistryUnavailableException.class::isInstance);
        }
        assertThat(stack.readAll(Topics.SLIDE_FIELDS_DLQ)).isEmpty();
        assertThat(stack.readAll(Topics.FIELD_RESULTS)).isEmpty();

        try (ProducerSink out = sink(stack.clientConfig());
            StageWorker up = worker(stack.clientConfig(), config, detector, out, fields)) {
          up.start();
          await()
              .atMost(Duration.ofMinutes(1))
              .until(
                  () ->
                      stack.readAll(Topics.FIELD_RESULTS).size() == 1 + faults.size()
                          && stack.readAll(Topics.SLIDE_FIELDS_DLQ).size() == 1 + faults.size());
          assertThat(up.failure()).isNull();
        }
        List<FieldResult> all =
            stack.readAll(Topics.FIELD_RESULTS).stream().map(r -> r.value()).toList();
        assertThat(all).hasSize(1 + faults.size());
        // The same faults, the same outcome as the detector service's (DetectorServiceIT).
        for (FaultyFields.Fault fault : faults) {
          FieldResult rejected =
              all.stream()
                  .filter(r -> r.getCaseId().equals("cores-bad"))
                  .filter(r -> r.getFieldIndex() == fault.field().getFieldIndex())
                  .findFirst()
                  .orElseThrow();
          assertThat(rejected.getStatus()).isEqualTo(FieldStatus.REJECTED);
          assertThat(rejected.getRejectionReason()).contains(fault.reason());
        }
        List<FieldResult> results = all.stream().filter(r -> r.getCaseId().equals(caseId)).toList();
        assertThat(results).hasSize(1);
        assertThat(results.get(0).getCaseId()).isEqualTo(caseId);
        assertThat(results.get(0).getStatus()).isEqualTo(FieldStatus.PROCESSED);
        assertThat(stack.readAll(Topics.CELL_CROPS)).hasSize(results.get(0).getCellIds().size());
        List<DeadLetter> letters =
            stack.readAll(Topics.SLIDE_FIELDS_DLQ).stream().map(r -> r.value()).toList();
        assertThat(letters).hasSize(1 + faults.size());
        assertThat(letters).allMatch(l -> l.getService().equals(FieldProcessor.SERVICE));
        assertThat(letters).allMatch(l -> l.getOriginalTopic().equals(Topics.SLIDE_FIELDS.name()));
        assertThat(letters.stream().filter(l -> "cores-bad".equals(l.getCaseId())))
            .hasSize(faults.size());
        DeadLetter garbage =
            letters.stream()
                .filter(l -> "cores-poison".equals(l.getCaseId()))
                .findFirst()
                .orElseThrow();
        assertThat(garbage.getValue().array()).isEqualTo(FaultyFields.GARBAGE);
      }
    }
  }

  /** Where the detector's worker writes: crops, field results, dead letters. */
  private static ProducerSink sink(Map<String, Object> clientConfig) {
    return new ProducerSink(
        clientConfig, List.of(Topics.CELL_CROPS, Topics.FIELD_RESULTS, Topics.SLIDE_FIELDS_DLQ));
  }

  /** The demo's detector worker, as Pipeline starts it. */
  private static StageWorker worker(
      Map<String, Object> clientConfig,
      ServiceConfigs<DetectorConfig> config,
      LoadedDetector detector,
      ProducerSink out,
      AtomicLong fields) {
    return Pipeline.detectorWorker(
        clientConfig,
        config,
        detector.fields(),
        out,
        () -> false,
        new AtomicLong(),
        fields,
        io.opentelemetry.api.OpenTelemetry.noop().getTracer("test"));
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new java.util.ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
