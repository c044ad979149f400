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
public class SignResource {
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
  public Response sign(
      @PathParam("caseId") String caseId,
      SignService.SignRequest request,
      @HeaderParam("Authorization") String authorization) {
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
  public Response reopen(
      @PathParam("caseId") String caseId,
      SignService.ReopenRequest request,
      @HeaderParam("Authorization") String authorization) {
    Optional<String> signedIn =
        identity.isAnonymous() ? Optional.empty() : Optional.of(identity.getPrincipal().getName());
    SignService.Reply reply =
        service.reopen(caseId, request, signedIn, Optional.ofNullable(authorization));
    return Response.status(reply.status()).entity(reply.json()).build();
  }
}
