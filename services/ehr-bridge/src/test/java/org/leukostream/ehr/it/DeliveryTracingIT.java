package org.leukostream.ehr.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.Decision;
import org.leukostream.avro.SpecimenType;
import org.leukostream.ehr.fhir.Reports;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.leukostream.testkit.SecuredStackTestResource;

/**
 * The bridge with its OpenTelemetry SDK on (as the chart's {@code tracing.enabled} runs it), spans
 * kept in memory: the delivery of a FINAL's report is a child of the span whose context the
 * diagnosis carries (the aggregator's FINAL), in the same trace. Without a FHIR server here (a
 * second in-JVM HAPI server beside EhrBridgeIT's breaks on Quarkus's class loaders): the span is
 * the delivery step's, whatever the server answers, which EhrBridgeIT covers.
 */
@QuarkusTest
@TestProfile(DeliveryTracingIT.Traced.class)
@QuarkusTestResource(value = SecuredStackTestResource.class, restrictToAnnotatedClass = true)
class DeliveryTracingIT {
  /** The SDK on, each span exported as it ends, to the in-memory exporter below only. */
  public static final class Traced implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.otel.sdk.disabled", "false",
          "quarkus.otel.simple", "true",
          "quarkus.otel.traces.sampler", "always_on");
    }
  }

  /** Picked up by Quarkus's exporter lookup (SpanExporter beans). */
  @Singleton
  static final class Exporter {
    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }
  }

  @Inject InMemorySpanExporter spans;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void theDeliveryOfAFinalIsAChildOfTheSpanItsDiagnosisCarries() {
    String caseId = "ehr-traced-" + UUID.randomUUID();
    SpanContext fin =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());
    try (var producer =
        TopicWriter.producer(
            SecuredStackTestResource.clientConfig(bootstrap, registryUrl), Topics.DIAGNOSES)) {
      producer.send(
          new ProducerRecord<>(
              Topics.DIAGNOSES.name(),
              null,
              caseId,
              Reports.diagnosis(caseId, Decision.ALL, SpecimenType.BONE_MARROW),
              TraceHeaders.of(Span.wrap(fin))));
    }

    SpanData delivery =
        await()
            .atMost(Duration.ofSeconds(90))
            .until(
                () ->
                    spans.getFinishedSpanItems().stream()
                        .filter(s -> s.getName().equals("ehr-bridge delivery"))
                        .filter(s -> s.getTraceId().equals(fin.getTraceId()))
                        .findFirst()
                        .orElse(null),
                s -> s != null);
    assertThat(delivery.getParentSpanId()).isEqualTo(fin.getSpanId());
    assertThat(delivery.getAttributes().asMap().toString()).contains(caseId);
  }
}
