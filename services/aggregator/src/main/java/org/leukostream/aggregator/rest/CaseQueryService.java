package org.leukostream.aggregator.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
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

/**
 * Answers "what is the state of case X" for this instance: from its own store when one of its
 * active tasks owns the case's partition, otherwise by forwarding the request to the instance Kafka
 * Streams names as the owner. Independent of the HTTP framework, so the same logic serves the REST
 * resource and the multi-instance tests.
 */
public final class CaseQueryService {
  /** An HTTP answer: status, JSON body and, when forwarding failed, the owner's address. */
  public record Reply(int status, String json, String owner) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final KafkaStreams streams;
  private final DiagnosisBuilder diagnoses;
  private final String self;

  /**
   * @param self this instance's {@code application.server} ({@code host:port}), named in answers
   */
  public CaseQueryService(KafkaStreams streams, DiagnosisBuilder diagnoses, String self) {
    this.streams = streams;
    this.diagnoses = diagnoses;
    this.self = self;
  }

  public Reply get(String caseId) {
    KeyQueryMetadata metadata =
        streams.queryMetadataForKey(AggregatorTopology.CASE_STORE, caseId, new StringSerializer());
    if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
      return unavailable("the aggregator is not running yet");
    }
    if (!hostsLocally(metadata.partition())) {
      return forward(metadata.activeHost(), caseId);
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

  private Reply forward(HostInfo owner, String caseId) {
    String address = owner.host() + ":" + owner.port();
    URI uri =
        URI.create(
            "http://" + address + "/cases/" + URLEncoder.encode(caseId, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> reply =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
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
