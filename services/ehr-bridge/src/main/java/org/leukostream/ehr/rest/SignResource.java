package org.leukostream.ehr.rest;

import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Optional;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.leukostream.avro.CaseEvent;
import org.leukostream.ehr.config.BridgeConfig;
import org.leukostream.schemas.signoff.SignOffSeal;

/**
 * {@code POST /cases/{caseId}/sign}: a reviewer verifies a case's FINAL diagnosis, optionally
 * correcting the decision. Authentication follows configuration: an OIDC bearer token in production
 * (the reviewer is the token's subject), none in the embedded default (the reviewer is named in the
 * body). The SIGNED event carries the bridge's seal ({@link SignOffSeal}): the only sign-off the
 * report topology accepts.
 */
@Path("/cases/{caseId}")
@Tag(name = "sign-off", description = "A reviewer verifies, corrects or reopens a decided case")
@SecurityScheme(
    securitySchemeName = "bearer",
    type = SecuritySchemeType.HTTP,
    scheme = "bearer",
    bearerFormat = "JWT",
    description =
        "An OIDC access token for this service (audience leukostream-ehr-bridge) with the reviewer"
            + " role; required where the deployment turns sign-off authentication on.")
public class SignResource {
  private static final String NOT_DECIDED =
      "{\"error\": \"case case-0042 has no FINAL diagnosis to sign\"}";

  private final SignService service;
  private final SecurityIdentity identity;

  @Inject
  public SignResource(
      KafkaStreams streams,
      SecurityIdentity identity,
      SignOffSeal seal,
      BridgeConfig config,
      @Channel("case-events") MutinyEmitter<CaseEvent> caseEvents) {
    this.identity = identity;
    this.service =
        new SignService(
            streams,
            event ->
                caseEvents.sendMessageAndAwait(
                    Message.of(event)
                        .addMetadata(
                            OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(event.getCaseId())
                                .withHeaders(
                                    new RecordHeaders()
                                        .add(
                                            SignOffSeal.HEADER,
                                            seal.seal(event).getBytes(StandardCharsets.UTF_8)))
                                .build())),
            Clock.systemUTC(),
            config.forwarding().links());
  }

  @POST
  @Path("/sign")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Sign off a decided case, optionally correcting its decision",
      description =
          "Publishes a sealed SIGNED event on case.events.v1; the bridge then reports the"
              + " DiagnosticReport as FINAL with the reviewer as performer (or AMENDED on a second"
              + " sign-off, which needs amendmentReason). Accepted asynchronously: the report"
              + " follows on the bridge's next delivery. Any replica answers: one that does not"
              + " hold the case forwards the request to the one that does.")
  @SecurityRequirement(name = "bearer")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = {
                @ExampleObject(
                    name = "verify",
                    summary = "Verify the machine's decision",
                    value = "{\"reviewerId\": \"dr-haem-07\", \"comment\": \"morphology agrees\"}"),
                @ExampleObject(
                    name = "amend",
                    summary = "Correct a signed case",
                    value =
                        "{\"reviewerId\": \"dr-haem-07\", \"correctedDecision\": \"ALL\","
                            + " \"amendmentReason\": \"CLASSIFICATION_CORRECTED\"}")
              }))
  @APIResponse(
      responseCode = "202",
      description = "The SIGNED event is stored; the report follows",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples =
                  @ExampleObject(
                      name = "signed",
                      value =
                          "{\"caseId\": \"case-0042\", \"reviewerId\": \"dr-haem-07\","
                              + " \"decision\": \"NOT_ALL\", \"status\": \"SIGNED\"}")))
  @APIResponse(
      responseCode = "400",
      description =
          "A missing reviewerId, an unknown decision or amendment reason, a remark that looks"
              + " like a patient identifier, or an amendment of an unsigned case")
  @APIResponse(
      responseCode = "401",
      description = "Authentication is on and the request has no valid token for this service")
  @APIResponse(
      responseCode = "403",
      description = "The token lacks the reviewer role, or reviewerId is not the token's subject")
  @APIResponse(
      responseCode = "404",
      description = "The case has no FINAL diagnosis",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples = @ExampleObject(name = "undecided", value = NOT_DECIDED)))
  @APIResponse(
      responseCode = "409",
      description = "The case is signed already: a further sign-off needs amendmentReason")
  @APIResponse(
      responseCode = "503",
      description = "The bridge is starting or its store is being rebuilt: try again")
  public Response sign(
      @Parameter(description = "The case id the scanner gave the case", example = "case-0042")
          @PathParam("caseId")
          String caseId,
      SignService.SignRequest request,
      @Parameter(hidden = true) @HeaderParam("Authorization") String authorization) {
    Optional<String> signedIn =
        identity.isAnonymous() ? Optional.empty() : Optional.of(identity.getPrincipal().getName());
    SignService.Reply reply =
        service.sign(
            caseId,
            request == null ? new SignService.SignRequest(null, null, null, null) : request,
            signedIn,
            Optional.ofNullable(authorization));
    return Response.status(reply.status()).entity(reply.json()).build();
  }

  /**
   * {@code POST /cases/{caseId}/reopen} with {@code {"reason": "..."}}: takes a decided case back
   * to counting, so that its dead-lettered late records can be replayed into a new revision ({@code
   * leukostream dlq replay --topic aggregator.dlq --case ...}). The same authentication as
   * sign-off.
   */
  @POST
  @Path("/reopen")
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Take a decided case back to counting",
      description =
          "Publishes a sealed REOPENED event: the aggregator counts the case again, so that"
              + " records dead-lettered after its FINAL can be replayed (leukostream dlq replay)"
              + " into a new revision, reported unsigned until a reviewer signs it again.")
  @SecurityRequirement(name = "bearer")
  @RequestBody(
      required = true,
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples =
                  @ExampleObject(
                      name = "late field",
                      value = "{\"reason\": \"late field from the scanner's retry\"}")))
  @APIResponse(
      responseCode = "202",
      description = "The REOPENED event is stored",
      content =
          @Content(
              mediaType = MediaType.APPLICATION_JSON,
              examples =
                  @ExampleObject(
                      name = "reopened",
                      value =
                          "{\"caseId\": \"case-0042\", \"status\": \"REOPENED\","
                              + " \"revisionBefore\": 3}")))
  @APIResponse(
      responseCode = "400",
      description = "No reason, or a reason that looks like a patient identifier")
  @APIResponse(
      responseCode = "401",
      description = "Authentication is on and the request has no valid token for this service")
  @APIResponse(responseCode = "403", description = "The token lacks the reviewer role")
  @APIResponse(responseCode = "404", description = "The case has no FINAL diagnosis")
  @APIResponse(
      responseCode = "503",
      description = "The bridge is starting or its store is being rebuilt: try again")
  public Response reopen(
      @Parameter(description = "The case id the scanner gave the case", example = "case-0042")
          @PathParam("caseId")
          String caseId,
      SignService.ReopenRequest request,
      @Parameter(hidden = true) @HeaderParam("Authorization") String authorization) {
    Optional<String> signedIn =
        identity.isAnonymous() ? Optional.empty() : Optional.of(identity.getPrincipal().getName());
    SignService.Reply reply =
        service.reopen(caseId, request, signedIn, Optional.ofNullable(authorization));
    return Response.status(reply.status()).entity(reply.json()).build();
  }
}
