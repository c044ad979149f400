package org.leukostream.aggregator.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.aggregator.config.AggregatorConfig;
import org.leukostream.aggregator.streams.DiagnosisBuilder;

/**
 * {@code GET /cases/{caseId}}: the live differential count and current decision of a case, from the
 * instance whose store holds it; a request that reaches another instance is forwarded to that one.
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
            applicationServer);
  }

  @GET
  @Path("/{caseId}")
  public Response get(@PathParam("caseId") String caseId) {
    CaseQueryService.Reply reply = queries.get(caseId);
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
