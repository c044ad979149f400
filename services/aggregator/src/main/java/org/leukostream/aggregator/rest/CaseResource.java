package org.leukostream.aggregator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.aggregator.streams.DiagnosisBuilder;

/**
 * {@code GET /cases/{caseId}}: the live differential count and current decision of a case, from the
 * instance whose store holds it; a request that reaches another instance is forwarded to that one
 * with the caller's credentials. With OIDC on, only a token for this service with a reading role
 * ({@code viewer} or {@code reviewer} by default) gets an answer (application.properties).
 */
@Path("/cases")
@Produces(MediaType.APPLICATION_JSON)
public class CaseResource {
  private final CaseQueryService queries;

  public CaseResource(
      KafkaStreams streams,
      AggregatorConfig config,
      @ConfigProperty(name = "quarkus.kafka-streams.application-server") String applicationServer) {
    this.queries =
        new CaseQueryService(
            streams,
            new DiagnosisBuilder(config.settings().rule(), config.settings().taxonomy()),
            applicationServer,
            config.forwarding().links());
  }

  @GET
  @Path("/{caseId}")
  public Response get(
      @PathParam("caseId") String caseId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @HeaderParam(CaseQueryService.FORWARDED_HEADER) String forwardedBy) {
    CaseQueryService.Reply reply =
        queries.get(caseId, Optional.ofNullable(authorization), forwardedBy != null);
    Response.ResponseBuilder response =
        Response.status(reply.status()).entity(reply.json()).type(MediaType.APPLICATION_JSON);
    if (reply.status() == 503) {
      response.header("Retry-After", "1");
    }
    if (reply.owner() != null) {
      response.header("X-Leukostream-Owner", reply.owner());
    }
    return response.build();
  }
}
