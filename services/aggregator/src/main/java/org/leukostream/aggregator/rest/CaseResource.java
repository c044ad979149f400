package org.leukostream.aggregator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.aggregator.state.CaseState;
import org.leukostream.aggregator.streams.AggregatorTopology;
import org.leukostream.aggregator.streams.DiagnosisBuilder;
import org.leukostream.avro.DiagnosisStatus;

/**
 * {@code GET /cases/{caseId}}: the live differential count and current decision of a case, from the
 * instance whose store holds it. A request that reaches another instance is forwarded to that one.
 */
@Path("/cases")
@Produces(MediaType.APPLICATION_JSON)
public class CaseResource {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final KafkaStreams streams;
  private final DiagnosisBuilder diagnoses;
  private final HostInfo self;

  public CaseResource(
      KafkaStreams streams,
      AggregatorConfig config,
      @ConfigProperty(name = "quarkus.kafka-streams.application-server") String applicationServer) {
    this.streams = streams;
    this.diagnoses = new DiagnosisBuilder(config.settings().rule(), config.settings().taxonomy());
    this.self = HostInfo.buildFromEndpoint(applicationServer);
  }

  @GET
  @Path("/{caseId}")
  public Response get(@PathParam("caseId") String caseId) {
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
      return Response.status(Response.Status.NOT_FOUND)
          .entity(new ErrorView("Unknown case '" + caseId + "'"))
          .build();
    }
    String reason = state.finalEmitted && !state.isComplete() ? state.missing() : null;
    var diagnosis =
        diagnoses.build(
            state,
            state.finalEmitted ? DiagnosisStatus.FINAL : DiagnosisStatus.PRELIMINARY,
            reason,
            System.currentTimeMillis());
    return Response.ok(CaseView.of(diagnosis, state.finalEmitted, self.toString())).build();
  }

  /**
   * Whether an active task of this instance owns {@code partition} (the topology has one
   * sub-topology).
   */
  private boolean hostsLocally(int partition) {
    return streams.metadataForLocalThreads().stream()
        .flatMap(thread -> thread.activeTasks().stream())
        .anyMatch(task -> task.taskId().partition() == partition);
  }

  private Response forward(HostInfo owner, String caseId) {
    URI uri =
        URI.create(
            "http://"
                + owner.host()
                + ":"
                + owner.port()
                + "/cases/"
                + URLEncoder.encode(caseId, StandardCharsets.UTF_8));
    try {
      HttpResponse<String> reply =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      return Response.status(reply.statusCode()).entity(reply.body()).build();
    } catch (IOException e) {
      return Response.status(Response.Status.BAD_GATEWAY)
          .entity(
              new ErrorView("Case '" + caseId + "' is held by " + owner + ", which did not answer"))
          .header("X-Leukostream-Owner", owner.toString())
          .build();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return unavailable("interrupted");
    }
  }

  private static Response unavailable(String why) {
    return Response.status(Response.Status.SERVICE_UNAVAILABLE)
        .entity(new ErrorView("Try again: " + why))
        .header("Retry-After", "1")
        .build();
  }

  /** The body of an error reply. */
  public record ErrorView(String error) {}
}
