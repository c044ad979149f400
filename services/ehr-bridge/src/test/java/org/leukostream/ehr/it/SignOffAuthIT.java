package org.leukostream.ehr.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.Decision;
import org.leukostream.avro.SpecimenType;
import org.leukostream.ehr.fhir.Reports;
import org.leukostream.embedded.DevelopmentIssuer;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.testkit.EmbeddedStackTestResource;

/**
 * Sign-off with authentication on, as in production: OIDC bearer tokens, verified here against a
 * configured public key (no identity provider is reachable in tests). The reviewer is the token's
 * user; no token, a forged one, a token for another service (audience), a token without the
 * reviewer role, or a body naming someone else is refused.
 */
@QuarkusTest
@TestProfile(SignOffAuthIT.Oidc.class)
@QuarkusTestResource(value = EmbeddedStackTestResource.class, restrictToAnnotatedClass = true)
class SignOffAuthIT {
  static final DevelopmentIssuer ISSUER = new DevelopmentIssuer();
  static final DevelopmentIssuer FORGER = new DevelopmentIssuer();

  /** Turns sign-off authentication on with a public key in place of the provider's. */
  public static final class Oidc implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(ISSUER.trustedBy());
      config.put("leukostream.sign.oidc", "true");
      config.put("quarkus.http.auth.permission.sign.policy", "reviewer");
      return config;
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void theReviewerIsTheTokensUserAndNoTokenIsNoSignOff() {
    String caseId = "auth-" + UUID.randomUUID();
    Map<String, Object> client = TopicReader.clientConfig(bootstrap, registryUrl);
    try (var producer = TopicWriter.producer(client, Topics.DIAGNOSES)) {
      producer.send(
          new ProducerRecord<>(
              Topics.DIAGNOSES.name(),
              caseId,
              Reports.diagnosis(caseId, Decision.ALL, SpecimenType.BONE_MARROW)));
    }

    given()
        .contentType(ContentType.JSON)
        .body(Map.of("reviewerId", "dr-ng"))
        .post("/cases/{id}/sign", caseId)
        .then()
        .statusCode(401);
    sign(caseId, token(FORGER, "dr-ng"), Map.of()).statusCode(401);
    sign(caseId, ISSUER.token("dr-ng", "another-service", "reviewer"), Map.of()).statusCode(401);
    sign(caseId, ISSUER.token("tech-viewer", AUDIENCE, "viewer"), Map.of()).statusCode(403);
    sign(caseId, token(ISSUER, "dr-ng"), Map.of("reviewerId", "dr-someone-else")).statusCode(403);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(token(ISSUER, "dr-ng"))
                    .contentType(ContentType.JSON)
                    .body(Map.of("comment", "agree"))
                    .post("/cases/{id}/sign", caseId)
                    .then()
                    .statusCode(202)
                    .body("reviewerId", equalTo("dr-ng")));
    List<CaseEvent> signed =
        TopicReader.values(client, Topics.CASE_EVENTS).stream()
            .filter(e -> e.getCaseId().equals(caseId) && e.getType() == CaseEventType.SIGNED)
            .toList();
    assertThat(signed)
        .singleElement()
        .satisfies(e -> assertThat(e.getReviewerId()).isEqualTo("dr-ng"));
  }

  private static io.restassured.response.ValidatableResponse sign(
      String caseId, String token, Map<String, String> body) {
    return given()
        .auth()
        .oauth2(token)
        .contentType(ContentType.JSON)
        .body(body)
        .post("/cases/{id}/sign", caseId)
        .then();
  }

  /** The audience the bridge's sign-off demands by default. */
  static final String AUDIENCE = "leukostream-ehr-bridge";

  /** A reviewer's token for the bridge, valid for an hour, from {@code issuer}. */
  static String token(DevelopmentIssuer issuer, String user) {
    return issuer.token(user, AUDIENCE, "reviewer");
  }
}
