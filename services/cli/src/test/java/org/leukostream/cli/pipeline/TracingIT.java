package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.tracing.CliTracing;
import org.leukostream.cli.tracing.Timeline;
import org.leukostream.embedded.EmbeddedStack;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.tracing.TraceHeaders;

/**
 * One scanned case on the embedded broker is one connected trace through every stage, recorded by
 * an in-memory exporter: the scan's case span is the root, its fields' spans its children, the
 * detector's field spans children of those, each crop a child of its field; the classifier's batch
 * spans link every crop they labelled; the aggregator's FINAL is a child of the case and links its
 * last label; and the records on every topic carry the context of the span that wrote them.
 */
class TracingIT {
  static final AttributeKey<String> CASE_ID = AttributeKey.stringKey("leukostream.case_id");

  @Test
  void aScannedCaseIsOneConnectedTraceAndTheRecordHeadersCarryIt() throws Exception {
    AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();
    VirtualPatients.Patient patient =
        VirtualPatients.drawCohort("trace", 1, 31, settings.rule()).get(0);
    Path claims = Files.createTempDirectory("leukostream-trace-claims-");
    try (CliTracing tracing = CliTracing.of(Optional.empty(), true);
        EmbeddedStack stack = EmbeddedStack.start();
        Pipeline pipeline =
            Pipeline.start(
                stack.clientConfig(),
                new Properties(),
                Optional.of(claims),
                settings,
                tracing.tracer());
        CaseSender sender =
            CaseSender.withClaimDirectory(stack.clientConfig(), claims)
                .tracedBy(tracing.tracer())) {
      sender.send(patient.toCase(VirtualPatients.keys(), "trace"), n -> {});
      Set<String> ids = Set.of(patient.caseId());
      Finals.await(
          stack.clientConfig(), ids, Duration.ofMinutes(5), pipeline::checkHealthy, d -> {});
      Finals.reports(
          stack.clientConfig(), ids, Duration.ofMinutes(2), pipeline::checkHealthy, r -> {});

      List<SpanData> spans = tracing.spans();
      SpanData scan =
          named(spans, "scan case").stream()
              .filter(s -> patient.caseId().equals(s.getAttributes().get(CASE_ID)))
              .findFirst()
              .orElseThrow();
      String trace = scan.getTraceId();
      assertThat(scan.getParentSpanContext().isValid()).as("the scan is the root").isFalse();

      List<SpanData> scanFields = named(spans, "scan field");
      assertThat(scanFields).hasSize(patient.fields().size()).allMatch(s -> childOf(s, scan));
      List<SpanData> fields = named(spans, "detector field");
      assertThat(fields)
          .hasSize(patient.fields().size())
          .allMatch(s -> scanFields.stream().anyMatch(parent -> childOf(s, parent)));
      List<SpanData> crops = named(spans, "detector crop");
      assertThat(crops)
          .isNotEmpty()
          .allMatch(s -> fields.stream().anyMatch(parent -> childOf(s, parent)));

      List<SpanData> batches = named(spans, "classifier batch");
      Set<String> linkedCrops =
          batches.stream()
              .flatMap(b -> b.getLinks().stream())
              .map(l -> l.getSpanContext().getSpanId())
              .collect(Collectors.toSet());
      assertThat(linkedCrops)
          .as("every crop is linked by the batch that labelled it")
          .containsAll(crops.stream().map(SpanData::getSpanId).toList());
      assertThat(batches).allMatch(b -> b.getTraceId().equals(trace));

      SpanData fin = named(spans, "aggregator final").get(0);
      assertThat(childOf(fin, scan)).as("the FINAL is a child of the case's scan").isTrue();
      assertThat(fin.getLinks())
          .extracting(LinkData::getSpanContext)
          .extracting(SpanContext::getSpanId)
          .singleElement()
          .isIn(batches.stream().map(SpanData::getSpanId).toList());

      // The records carry the context of the span that wrote them.
      Map<String, Object> client = stack.clientConfig();
      assertThat(contexts(client, Topics.SLIDE_FIELDS, patient.caseId()))
          .containsExactlyInAnyOrderElementsOf(ids(scanFields));
      assertThat(contexts(client, Topics.FIELD_RESULTS, patient.caseId()))
          .containsExactlyInAnyOrderElementsOf(ids(fields));
      assertThat(contexts(client, Topics.CELL_CROPS, patient.caseId()))
          .containsExactlyInAnyOrderElementsOf(ids(crops));
      assertThat(contexts(client, Topics.CELL_LABELS, patient.caseId()))
          .isNotEmpty()
          .allMatch(id -> ids(batches).contains(id));
      assertThat(contexts(client, Topics.CASE_EVENTS, patient.caseId()))
          .containsOnly(scan.getSpanId());
      // The FINAL diagnosis carries the aggregator's FINAL span, and the bridge's FHIR report
      // carries it on: the delivery's parent in the bridge service.
      assertThat(lastContext(client, Topics.DIAGNOSES, patient.caseId()))
          .isEqualTo(fin.getSpanId());
      assertThat(lastContext(client, Topics.FHIR_REPORTS, patient.caseId()))
          .isEqualTo(fin.getSpanId());
      assertThat(Timeline.of(trace, spans))
          .extracting(SpanData::getName)
          .contains("scan case", "detector field", "classifier batch", "aggregator final");
    } finally {
      Pipeline.deleteRecursively(claims);
    }
  }

  private static List<SpanData> named(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).toList();
  }

  private static boolean childOf(SpanData child, SpanData parent) {
    return child.getTraceId().equals(parent.getTraceId())
        && child.getParentSpanId().equals(parent.getSpanId());
  }

  private static List<String> ids(List<SpanData> spans) {
    return spans.stream().map(SpanData::getSpanId).toList();
  }

  /** The span id each of the case's records on {@code topic} carries in its headers. */
  private static List<String> contexts(Map<String, Object> client, Topic<?> topic, String caseId) {
    return TopicReader.readBytes(client, topic).stream()
        .filter(r -> r.key() != null && r.key().startsWith(caseId))
        .map(ConsumerRecord::headers)
        .map(TraceHeaders::spanContext)
        .map(c -> c.isValid() ? c.getSpanId() : "none")
        .toList();
  }

  private static String lastContext(Map<String, Object> client, Topic<?> topic, String caseId) {
    List<String> all = contexts(client, topic, caseId);
    return all.get(all.size() - 1);
  }
}
