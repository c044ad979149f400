package org.leukostream.aggregator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.leukostream.aggregator.state.CaseState;
import org.leukostream.aggregator.streams.AggregatorTopology;
import org.leukostream.aggregator.streams.DiagnosisBuilder;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.config.InstanceLinks;

/**
 * Answers "what is the state of case X" for this instance: from its own store when one of its
 * active tasks owns the case's partition, otherwise by forwarding the request to the instance Kafka
 * Streams names as the owner, with the caller's credentials (the owner authorises the caller, not
 * this instance) over the configured scheme (https between instances in production). A forwarded
 * request is never forwarded again: during a rebalance the owner answers 503 instead of bouncing
 * it. Independent of the HTTP framework, so the same logic serves the REST resource and the
 * multi-instance tests.
 */
public final class CaseQueryService {
  /** An HTTP answer: status, JSON body and, when forwarding failed, the owner's address. */
  public record Reply(int status, String json, String owner) {}

  /** The header that marks a request one instance forwarded to another. */
  public static final String FORWARDED_HEADER = "X-Leukostream-Forwarded";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final KafkaStreams streams;
  private final DiagnosisBuilder diagnoses;
  private final String self;
  private final InstanceLinks links;

  /**
   * @param self this instance's {@code application.server} ({@code host:port}), named in answers
   * @param links how this instance reaches the others
   */
  public CaseQueryService(
      KafkaStreams streams, DiagnosisBuilder diagnoses, String self, InstanceLinks links) {
    this.streams = streams;
    this.diagnoses = diagnoses;
    this.self = self;
    this.links = links;
  }

  /**
   * @param authorization the caller's {@code Authorization} header, passed on when forwarding
   * @param forwarded whether another instance forwarded this request
   */
  public Reply get(String caseId, Optional<String> authorization, boolean forwarded) {
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(AggregatorTopology.CASE_STORE, caseId, new StringSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return unavailable("the aggregator is not running yet");
    }
    if (!hostsLocally(metadata.partition())) {
      return forwarded
          ? unavailable("the case's partition is moving between instances")
          : forward(metadata.activeHost(), caseId, authorization);
    }
    CaseState state;
    try {
      state =
          streams
              .store(
                  StoreQueryParameters.fromNameAndType(
                      AggregatorTopology.CASE_STORE,
                      QueryableStoreTypes.<String, CaseState>keyValueStore()))
              .get(caseId);
    } catch (InvalidStateStoreException e) {
      return unavailable("the case store is being restored or rebalanced");
    }
    if (state == null) {
      return new Reply(404, error("Unknown case '" + caseId + "'"), null);
    }
    String reason = state.finalEmitted && !state.isComplete() ? state.missing() : null;
    var diagnosis =
        diagnoses.build(
            state,
            state.finalEmitted ? DiagnosisStatus.FINAL : DiagnosisStatus.PRELIMINARY,
            reason,
            System.currentTimeMillis());
    return new Reply(200, json(CaseView.of(diagnosis, state.finalEmitted, self)), null);
  }

  /** Whether an active task of this instance owns {@code partition} (one sub-topology). */
  private boolean hostsLocally(int partition) {
    return streams.metadataForLocalThreads().stream()
        .flatMap(thread -> thread.activeTasks().stream())
        .anyMatch(task -> task.taskId().partition() == partition);
  }

  private Reply forward(HostInfo owner, String caseId, Optional<String> authorization) {
    String address = owner.host() + ":" + owner.port();
    URI uri =
        URI.create(
            links.scheme()
                + "://"
                + address
                + "/cases/"
                + URLEncoder.encode(caseId, StandardCharsets.UTF_8));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header(FORWARDED_HEADER, self)
            .GET();
    authorization.ifPresent(value -> request.header("Authorization", value));
    try {
      HttpResponse<String> reply =
          links.client().send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Reply(reply.statusCode(), reply.body(), null);
    } catch (IOException e) {
      return new Reply(
          502,
          error("Case '" + caseId + "' is held by " + address + ", which did not answer"),
          address);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted");
    }
  }

  private static Reply unavailable(String why) {
    return new Reply(503, error("Try again: " + why), null);
  }

  private static String error(String message) {
    return json(Map.of("error", message));
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
