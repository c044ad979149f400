package org.leukostream.ehr.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
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
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.serde.SerdeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every report on {@code fhir.reports.v1} to the hospital's FHIR server, when one is
 * configured, in order per case: a server that does not answer is retried with exponential backoff;
 * a report the server rejects, or that still has no taker after the last attempt, goes to {@code
 * fhir.reports.dlq} with the server's OperationOutcome or the last error. The offset is committed
 * only after one of those, so a restart resends what was in flight (the conditional updates make
 * that harmless). Records arrive as bytes and are decoded here: a tombstone or a record no schema
 * reads is dead-lettered with its bytes and delivery goes on; an unreachable registry is not the
 * record's fault and stops the channel (health DOWN) without dead-lettering it.
 */
@ApplicationScoped
public class ReportDelivery {
  private static final Logger LOG = LoggerFactory.getLogger(ReportDelivery.class);

  private final BridgeConfig.Server server;
  private final FhirServerClient client;
  private final MutinyEmitter<DeadLetter> deadLetters;
  private final Counter delivered;
  private final Counter rejected;
  private final Counter retries;
  private final Counter undeliverable;
  private final Deserializer<FhirReport> decoder;

  public ReportDelivery(
      BridgeConfig config,
      @Channel("fhir-reports-dlq") MutinyEmitter<DeadLetter> deadLetters,
      MeterRegistry registry,
      Config serviceConfig) {
    this.decoder =
        Topics.FHIR_REPORTS
            .valueSerde(
                SerdeConfig.settings(
                    SerdeConfig.MESSAGING_PREFIX,
                    key -> serviceConfig.getOptionalValue(key, String.class)))
            .deserializer();
    this.server = config.server();
    this.client =
        server
            .baseUrl()
            .map(url -> new FhirServerClient(url, server.bearerToken(), server.requestTimeout()))
            .orElse(null);
    this.deadLetters = deadLetters;
    this.delivered = registry.counter("leukostream.ehr.reports.delivered");
    this.rejected = registry.counter("leukostream.ehr.reports.rejected");
    this.retries = registry.counter("leukostream.ehr.reports.retries");
    this.undeliverable = registry.counter("leukostream.ehr.reports.undeliverable");
    if (client == null) {
      LOG.info(
          "No FHIR server configured: reports are published on {} only",
          Topics.FHIR_REPORTS.name());
    }
  }

  @Incoming("fhir-reports")
  public void deliver(ConsumerRecord<String, byte[]> record) throws InterruptedException {
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
    Duration backoff = server.initialBackoff();
    String lastError = null;
    for (int attempt = 1; attempt <= server.maxAttempts(); attempt++) {
      FhirServerClient.Outcome outcome = client.post(report.getBundle());
      if (outcome instanceof FhirServerClient.Outcome.Accepted accepted) {
        delivered.increment();
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
      if (attempt < server.maxAttempts()) {
        retries.increment();
        LOG.warn(
            "Case {}: attempt {}/{} failed ({}); next in {}",
            report.getCaseId(),
            attempt,
            server.maxAttempts(),
            lastError,
            backoff);
        Thread.sleep(backoff.toMillis());
        backoff = min(backoff.multipliedBy(2), server.maxBackoff());
      }
    }
    undeliverable.increment();
    deadLetter(
        record,
        "FHIR server did not take the report after "
            + server.maxAttempts()
            + " attempts: "
            + lastError);
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

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Why a report went to the dead-letter topic. */
  static final class UndeliverableReportException extends RuntimeException {
    UndeliverableReportException(String message) {
      super(message);
    }
  }
}
