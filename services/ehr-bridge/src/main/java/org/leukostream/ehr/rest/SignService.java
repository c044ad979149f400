package org.leukostream.ehr.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.leukostream.avro.AmendmentReason;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.config.InstanceLinks;
import org.leukostream.ehr.streams.ReportTopology;

/**
 * A reviewer's sign-off: checked against the case's FINAL diagnosis (on the instance whose task
 * owns the case, forwarding there if it is another), then recorded as a SIGNED event on {@code
 * case.events.v1}. The report is republished as final by the topology when that event arrives, so
 * the event log stays the one source of truth. Independent of the HTTP framework.
 */
public final class SignService {
  /** An HTTP answer: status and JSON body. */
  public record Reply(int status, String json) {}

  /** The request body. */
  public record SignRequest(
      @Schema(
              description =
                  "Who signs: required when sign-off authentication is off; with it on, the"
                      + " token's subject (and any value given must equal it)",
              examples = "dr-haem-07")
          String reviewerId,
      @Schema(
              description = "The reviewer's decision where it differs from the machine's",
              enumeration = {"ALL", "NOT_ALL", "INSUFFICIENT_CELLS", "INCOMPLETE"})
          String correctedDecision,
      @Schema(
              description =
                  "A remark for the report; free text is screened and refused where it looks like"
                      + " a patient identifier")
          String comment,
      @Schema(
              description = "Required on a second sign-off of a case (an amendment): why",
              enumeration = {
                "COUNT_CORRECTED",
                "CLASSIFICATION_CORRECTED",
                "CLINICAL_INFORMATION",
                "ENTRY_ERROR",
                "OTHER"
              })
          String amendmentReason) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<AmendmentReason> AMENDMENT_REASONS =
      Arrays.stream(AmendmentReason.values()).filter(r -> r != AmendmentReason.UNKNOWN).toList();

  private final KafkaStreams streams;
  private final Consumer<CaseEvent> publisher;
  private final Clock clock;
  private final InstanceLinks links;

  /**
   * @param publisher writes a case event to {@code case.events.v1} and returns once it is stored
   * @param links how this instance reaches the others (https between replicas in production)
   */
  public SignService(
      KafkaStreams streams, Consumer<CaseEvent> publisher, Clock clock, InstanceLinks links) {
    this.streams = streams;
    this.publisher = publisher;
    this.clock = clock;
    this.links = links;
  }

  /**
   * @param signedIn the authenticated user, empty when sign-off authentication is disabled
   * @param authorization the request's Authorization header, passed on when forwarding
   */
  public Reply sign(
      String caseId,
      SignRequest request,
      Optional<String> signedIn,
      Optional<String> authorization) {
    String reviewer;
    if (signedIn.isPresent()) {
      if (request.reviewerId() != null && !request.reviewerId().equals(signedIn.get())) {
        return error(403, "reviewerId must be the signed-in user, " + signedIn.get());
      }
      reviewer = signedIn.get();
    } else if (request.reviewerId() == null || request.reviewerId().isBlank()) {
      return error(400, "reviewerId is required");
    } else {
      reviewer = request.reviewerId().trim();
    }
    Decision corrected = null;
    if (request.correctedDecision() != null && !request.correctedDecision().isBlank()) {
      try {
        corrected = Decision.valueOf(request.correctedDecision().trim());
      } catch (IllegalArgumentException e) {
        return error(
            400,
            "correctedDecision must be one of ALL, NOT_ALL, INSUFFICIENT_CELLS, INCOMPLETE, not "
                + request.correctedDecision());
      }
    }
    Optional<String> refused = ReviewerRemarks.refusal(request.comment());
    if (refused.isPresent()) {
      return error(400, refused.get());
    }
    AmendmentReason amendment = null;
    if (request.amendmentReason() != null && !request.amendmentReason().isBlank()) {
      try {
        amendment = AmendmentReason.valueOf(request.amendmentReason().trim());
      } catch (IllegalArgumentException e) {
        amendment = AmendmentReason.UNKNOWN;
      }
      if (amendment == AmendmentReason.UNKNOWN) {
        return error(400, "amendmentReason must be one of " + AMENDMENT_REASONS);
      }
    }
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(ReportTopology.DIAGNOSIS_STORE, caseId, new StringSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return error(503, "the EHR bridge is not running yet");
    }
    if (!hostsLocally(metadata.partition())) {
      return forward(metadata.activeHost(), caseId, "sign", request, authorization);
    }
    Diagnosis diagnosis;
    CaseEvent signedBefore;
    try {
      diagnosis =
          this.<Diagnosis>store(ReportTopology.DIAGNOSIS_STORE, metadata.partition()).get(caseId);
      signedBefore =
          this.<CaseEvent>store(ReportTopology.SIGNOFF_STORE, metadata.partition()).get(caseId);
    } catch (InvalidStateStoreException e) {
      return error(503, "the case's store is being rebuilt, try again: " + e.getMessage());
    }
    if (diagnosis == null) {
      return error(404, "case " + caseId + " has no FINAL diagnosis to sign");
    }
    if (signedBefore != null && amendment == null) {
      return error(
          409,
          "case "
              + caseId
              + " was signed off by "
              + signedBefore.getReviewerId()
              + " at "
              + signedBefore.getOccurredAt()
              + "; a further sign-off amends the report and needs amendmentReason, one of "
              + AMENDMENT_REASONS);
    }
    if (signedBefore == null && amendment != null) {
      return error(
          400, "case " + caseId + " has not been signed off yet: there is nothing to amend");
    }
    publisher.accept(
        CaseEvent.newBuilder()
            .setCaseId(caseId)
            .setPatientKey(diagnosis.getPatientKey() == null ? "" : diagnosis.getPatientKey())
            .setType(CaseEventType.SIGNED)
            .setSpecimenType(diagnosis.getSpecimenType())
            .setOccurredAt(clock.instant())
            .setReviewerId(reviewer)
            .setCorrectedDecision(corrected)
            .setComment(request.comment())
            .setAmendmentReason(amendment)
            .build());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("caseId", caseId);
    body.put("reviewerId", reviewer);
    body.put("decision", (corrected != null ? corrected : diagnosis.getDecision()).name());
    body.put("status", amendment == null ? "SIGNED" : "AMENDED");
    return json(202, body);
  }

  /** The request body of a reopening. */
  public record ReopenRequest(
      @Schema(
              description = "Why the decided case is counted again (screened like a remark)",
              required = true,
              examples = "late field from the scanner's retry")
          String reason) {}

  /**
   * Takes a decided case back to counting (a REOPENED event): records the aggregator dead-lettered
   * after its FINAL (a late field) can then be replayed into a new revision, which is reported
   * unsigned until a reviewer signs it again. Only a case with a FINAL diagnosis, and only with a
   * reason (screened like a reviewer's remark).
   */
  public Reply reopen(
      String caseId,
      ReopenRequest request,
      Optional<String> signedIn,
      Optional<String> authorization) {
    String reason = request == null ? null : request.reason();
    if (reason == null || reason.isBlank()) {
      return error(400, "reason is required: why is the decided case counted again?");
    }
    Optional<String> refused = ReviewerRemarks.refusal(reason);
    if (refused.isPresent()) {
      return error(400, refused.get());
    }
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(ReportTopology.DIAGNOSIS_STORE, caseId, new StringSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return error(503, "the EHR bridge is not running yet");
    }
    if (!hostsLocally(metadata.partition())) {
      return forward(metadata.activeHost(), caseId, "reopen", request, authorization);
    }
    Diagnosis diagnosis;
    try {
      diagnosis =
          this.<Diagnosis>store(ReportTopology.DIAGNOSIS_STORE, metadata.partition()).get(caseId);
    } catch (InvalidStateStoreException e) {
      return error(503, "the case's store is being rebuilt, try again: " + e.getMessage());
    }
    if (diagnosis == null) {
      return error(404, "case " + caseId + " has no FINAL diagnosis to reopen");
    }
    publisher.accept(
        CaseEvent.newBuilder()
            .setCaseId(caseId)
            .setPatientKey(diagnosis.getPatientKey() == null ? "" : diagnosis.getPatientKey())
            .setType(CaseEventType.REOPENED)
            .setSpecimenType(diagnosis.getSpecimenType())
            .setOccurredAt(clock.instant())
            .setReviewerId(signedIn.orElse(null))
            .setComment(reason.trim())
            .build());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("caseId", caseId);
    body.put("status", "REOPENED");
    body.put("revisionBefore", diagnosis.getSequence());
    return json(202, body);
  }

  private <V> ReadOnlyKeyValueStore<String, V> store(String name, int partition) {
    return streams.store(
        StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore())
            .withPartition(partition));
  }

  private boolean hostsLocally(int partition) {
    return streams.metadataForLocalThreads().stream()
        .flatMap(thread -> thread.activeTasks().stream())
        .anyMatch(task -> task.taskId().partition() == partition);
  }

  private Reply forward(
      HostInfo owner,
      String caseId,
      String action,
      Object request,
      Optional<String> authorization) {
    URI uri =
        URI.create(
            links.scheme()
                + "://"
                + owner.host()
                + ":"
                + owner.port()
                + "/cases/"
                + URLEncoder.encode(caseId, StandardCharsets.UTF_8).replace("+", "%20")
                + "/"
                + action);
    try {
      HttpRequest.Builder forward =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(30))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)));
      authorization.ifPresent(value -> forward.header("Authorization", value));
      HttpResponse<String> response =
          links.client().send(forward.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(response.statusCode(), response.body());
    } catch (IOException e) {
      return error(
          502, "case " + caseId + " is owned by " + owner + ", which did not answer: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return error(503, "interrupted");
    }
  }

  private static Reply error(int status, String message) {
    return json(status, Map.of("error", message));
  }

  private static Reply json(int status, Map<String, ?> body) {
    try {
      return new Reply(status, JSON.writeValueAsString(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
