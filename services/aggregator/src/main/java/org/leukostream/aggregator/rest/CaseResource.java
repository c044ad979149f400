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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
@Tag(name = "cases", description = "The live count and decision of each case")
@SecurityScheme(
    securitySchemeName = "bearer",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    bearerFormat = "JWT",
    description =
        "An OIDC access token for this service (audience leukostream-aggregator) with a reading role"
            + " (viewer or reviewer); required where the deployment turns reading authentication on.")
public class CaseResource {
  static final String CASE_EXAMPLE =
      """
      {"caseId": "case-0042", "status": "FINAL", "decision": "NOT_ALL", "incompleteReason": null,
       "cellsCounted": 212, "lymphoblasts": 9, "blastPercent": 4.25,
       "blastPercentLower95": 2.25, "blastPercentUpper95": 7.87, "borderline": false,
       "adjustedBlastPercent": 0.0, "adjustedBlastPercentLower95": 0.0,
       "adjustedBlastPercentUpper95": 3.1, "decidedOnAdjusted": true,
       "ensembleABlastPercent": 4.25, "ensembleBBlastPercent": 6.6,
       "classCounts": {"lymphocyte": 61, "neutrophil": 98, "monocyte": 24, "blast": 29},
       "cellsDetected": 230, "cellsLabelled": 224, "cellsUncountable": 12, "fieldsExpected": 20,
       "fieldsSeen": 20, "fieldsRejected": 0, "rule": "zhou-2021 (GREATER_THAN 20.0%)",
       "servedBy": "aggregator-0.aggregator:8083"}""";
  static final String ERROR_EXAMPLE = "{\"error\": \"Unknown case 'case-0042'\"}";

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
  @Operation(
      summary = "The live differential count and decision of a case",
      description =
          "Counts per class, the raw and (where the models carry validation rates) adjusted blast"
              + " percentage with their 95% intervals, the decision under the configured rule and"
              + " whether it is BORDERLINE. OPEN while cells still arrive, FINAL once decided. Any"
              + " instance answers: one that does not hold the case forwards the request to the"
              + " one that does, with the caller's credentials.")
  @SecurityRequirement(name = "bearer")
  @APIResponse(
      responseCode = "200",
      description = "The case as the aggregator counts it now",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              schema = @Schema(implementation = CaseView.class),
              examples = @ExampleObject(name = "final", value = CASE_EXAMPLE)))
  @APIResponse(
      responseCode = "404",
      description = "No case with this id has reached the aggregator",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = @ExampleObject(name = "unknown", value = ERROR_EXAMPLE)))
  @APIResponse(
      responseCode = "401",
      description = "Authentication is on and the request has no valid token for this service")
  @APIResponse(responseCode = "403", description = "The token carries no reading role")
  @APIResponse(
      responseCode = "502",
      description = "The instance that holds the case did not answer the forwarded request")
  @APIResponse(
      responseCode = "503",
      description =
          "The aggregator is starting, restoring or rebalancing its store: retry after the"
              + " Retry-After seconds")
  public Response get(
      @Parameter(description = "The case id the scanner gave the case", example = "case-0042")
          @PathParam("caseId")
          String caseId,
      @Parameter(hidden = true) @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      @Parameter(hidden = true) @HeaderParam(CaseQueryService.FORWARDED_HEADER)
          String forwardedBy) {
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
