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
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
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
  static final KeyPair KEYS = keys();
  static final KeyPair FORGER = keys();

  /** Turns sign-off authentication on with a public key in place of the provider's. */
  public static final class Oidc implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "leukostream.sign.oidc", "true",
          "quarkus.oidc.public-key",
              Base64.getEncoder().encodeToString(KEYS.getPublic().getEncoded()),
          "quarkus.oidc.token.issuer", "https://idp.test/realms/lab",
          "quarkus.http.auth.permission.sign.policy", "reviewer");
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
    sign(caseId, token(FORGER.getPrivate(), "dr-ng"), Map.of()).statusCode(401);
    sign(caseId, token(KEYS.getPrivate(), "dr-ng", "another-service", "reviewer"), Map.of())
        .statusCode(401);
    sign(caseId, token(KEYS.getPrivate(), "tech-viewer", AUDIENCE, "viewer"), Map.of())
        .statusCode(403);
    sign(caseId, token(KEYS.getPrivate(), "dr-ng"), Map.of("reviewerId", "dr-someone-else"))
        .statusCode(403);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                given()
                    .auth()
                    .oauth2(token(KEYS.getPrivate(), "dr-ng"))
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

  /** A reviewer's token for the bridge, valid for an hour, signed with {@code key}. */
  static String token(PrivateKey key, String user) {
    return token(key, user, AUDIENCE, "reviewer");
  }

  /** An RS256 JWT for {@code user} with {@code audience} and role {@code role}. */
  static String token(PrivateKey key, String user, String audience, String role) {
    long now = Instant.now().getEpochSecond();
    String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    String claims =
        base64(
            "{\"iss\":\"https://idp.test/realms/lab\",\"sub\":\"user-1\",\"preferred_username\":\""
                + user
                + "\",\"aud\":\""
                + audience
                + "\",\"groups\":[\""
                + role
                + "\"],\"iat\":"
                + now
                + ",\"exp\":"
                + (now + 3600)
                + "}");
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header
          + "."
          + claims
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair keys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
