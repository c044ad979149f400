package org.leukostream.ehr.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.FhirReport;
import org.leukostream.ehr.config.BridgeConfig;
import org.leukostream.ehr.streams.ReportTopology;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetterMeters;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.messaging.Backoff;
import org.leukostream.schemas.messaging.TransientFailureException;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.schemas.tracing.TraceHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every report on {@code fhir.reports.v1} to the hospital's FHIR server, when one is
 * configured, in order per case: a server that does not answer, or refuses the token (401 / 403:
 * the token file is read again before each attempt), is retried with exponential backoff, and after
 * the last attempt the channel stops (health DOWN) with the report uncommitted rather than
 * dead-letter it: an outage is not the report's fault. A report the server rejects for its content
 * goes to {@code fhir.reports.dlq} with the server's OperationOutcome. The offset is committed only
 * after one of those, so a restart resends what was in flight (the conditional updates make that
 * harmless). Records arrive as bytes and are decoded here: a tombstone or a record no schema reads
 * is dead-lettered with its bytes and delivery goes on; an unreachable registry is not the record's
 * fault and stops the channel (health DOWN) without dead-lettering it.
 */
@ApplicationScoped
public class ReportDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(ReportDelivery.class);

  private final Backoff backoff;
  private final FhirServerClient client;
  private final MutinyEmitter<DeadLetter> deadLetters;
  private final Counter delivered;
  private final Counter rejected;
  private final Counter retries;
  private final Counter undeliverable;
  private final MeterRegistry registry;
  private final Tracer tracer;
  private final Deserializer<FhirReport> decoder;

  public ReportDelivery(
      BridgeConfig config,
      @Channel("fhir-reports-dlq") MutinyEmitter<DeadLetter> deadLetters,
      MeterRegistry registry,
      Config serviceConfig,
      Tracer tracer) {
    this.tracer = tracer;
    this.decoder =
        Topics.FHIR_REPORTS
            .valueSerde(
                SerdeConfig.settings(
                    SerdeConfig.MESSAGING_PREFIX,
                    key -> serviceConfig.getOptionalValue(key, String.class)))
            .deserializer();
    BridgeConfig.Server server = config.server();
    this.backoff = server.backoff();
    this.client =
        server
            .baseUrl()
            .map(url -> new FhirServerClient(url, server.accessTokens(), server.requestTimeout()))
            .orElse(null);
    this.deadLetters = deadLetters;
    this.delivered = registry.counter("leukostream.ehr.reports.delivered");
    this.rejected = registry.counter("leukostream.ehr.reports.rejected");
    this.retries = registry.counter("leukostream.ehr.reports.retries");
    this.undeliverable = registry.counter("leukostream.ehr.reports.undeliverable");
    this.registry = registry;
    DeadLetterMeters.bindTo(registry);
    if (client == null) {
      LOG.info(
          "No FHIR server configured: reports are published on {} only",
          Topics.FHIR_REPORTS.name());
    }
  }

  @Incoming("fhir-reports")
  public void deliver(ConsumerRecord<String, byte[]> record) throws InterruptedException {
    // A child of the context the report carries: for a FINAL, the aggregator's FINAL span.
    Span span =
        tracer
            .spanBuilder("ehr-bridge delivery")
            .setParent(TraceHeaders.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute("leukostream.case_id", String.valueOf(record.key()))
            .startSpan();
    try {
      deliver(record, span);
    } catch (RuntimeException | InterruptedException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR);
      throw e;
    } finally {
      span.end();
    }
  }

  private void deliver(ConsumerRecord<String, byte[]> record, Span span)
      throws InterruptedException {
    if (client == null) {
      return;
    }
    if (record.value() == null) {
      deadLetter(record, "a tombstone on " + record.topic() + ": no report to deliver");
      return;
    }
    FhirReport report;
    try {
      report = decoder.deserialize(record.topic(), record.headers(), record.value());
    } catch (RegistryUnavailableException e) {
      throw e; // the registry, not the record: redelivered once it answers
    } catch (RuntimeException e) {
      deadLetter(record, "not a readable report: " + e.getMessage());
      return;
    }
    String lastError = null;
    for (int attempt = 1; attempt <= backoff.attempts(); attempt++) {
      long started = System.nanoTime();
      FhirServerClient.Outcome outcome = client.post(report.getBundle());
      Timer.builder("leukostream.ehr.fhir.post")
          .description("One POST of a report Bundle to the FHIR server, by outcome")
          .tag(
              "outcome",
              outcome instanceof FhirServerClient.Outcome.Accepted
                  ? "accepted"
                  : outcome instanceof FhirServerClient.Outcome.Rejected
                      ? "rejected"
                      : "unavailable")
          .publishPercentileHistogram()
          .register(registry)
          .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (outcome instanceof FhirServerClient.Outcome.Accepted accepted) {
        delivered.increment();
        span.setAttribute("leukostream.report_status", report.getReportStatus().name());
        span.setAttribute("http.response.status_code", accepted.status());
        LOG.info(
            "Case {}: report revision {} ({}) taken by {} (HTTP {})",
            report.getCaseId(),
            report.getRevision(),
            report.getReportStatus(),
            client.base(),
            accepted.status());
        return;
      }
      if (outcome instanceof FhirServerClient.Outcome.Rejected refused) {
        rejected.increment();
        deadLetter(
            record,
            "FHIR server rejected the report with HTTP "
                + refused.status()
                + ": "
                + refused.body());
        return;
      }
      lastError = ((FhirServerClient.Outcome.Unavailable) outcome).reason();
      if (attempt < backoff.attempts()) {
        retries.increment();
        LOG.warn(
            "Case {}: attempt {}/{} failed ({}); next in {}",
            report.getCaseId(),
            attempt,
            backoff.attempts(),
            lastError,
            backoff.delay(attempt));
        backoff.pause(attempt);
      }
    }
    undeliverable.increment();
    throw new TransientFailureException(
        "case "
            + report.getCaseId()
            + ": FHIR server did not take the report after "
            + backoff.attempts()
            + " attempts ("
            + lastError
            + "); delivery stops with the report uncommitted, to be sent after the restart",
        null);
  }

  /** The record whole, its bytes as read, with the reason. */
  private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
    LOG.error("Case {}: {}", record.key(), reason);
    DeadLetter letter =
        DeadLetters.of(
            ReportTopology.SERVICE,
            record,
            record.value(),
            record.key(),
            new UndeliverableReportException(reason),
            Instant.now());
    deadLetters.sendMessageAndAwait(
        Message.of(letter)
            .addMetadata(
                OutgoingKafkaRecordMetadata.<String>builder().withKey(record.key()).build()));
  }

  /** Why a report went to the dead-letter topic. */
  static final class UndeliverableReportException extends RuntimeException {
    UndeliverableReportException(String message) {
      super(message);
    }
  }
}
