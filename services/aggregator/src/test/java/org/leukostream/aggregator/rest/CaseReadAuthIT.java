package org.leukostream.aggregator.rest;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.embedded.DevelopmentIssuer;
import org.leukostream.schemas.TopicReader;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.testkit.EmbeddedStackTestResource;

/**
 * Reading a case with authentication on, as the chart deploys it: only a token issued for the
 * aggregator (audience) to someone with a reading role gets the case; no token, a forged one, one
 * for another service or one without a reading role gets nothing.
 */
@QuarkusTest
@TestProfile(CaseReadAuthIT.Oidc.class)
@QuarkusTestResource(value = EmbeddedStackTestResource.class, restrictToAnnotatedClass = true)
class CaseReadAuthIT {
  static final DevelopmentIssuer ISSUER = new DevelopmentIssuer();
  static final DevelopmentIssuer FORGER = new DevelopmentIssuer();
  static final String AUDIENCE = "leukostream-aggregator";

  /** Reading authentication on, with the test issuer's key in place of the provider's. */
  public static final class Oidc implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(ISSUER.trustedBy());
      config.put("leukostream.read.oidc", "true");
      config.put("quarkus.http.auth.permission.read.policy", "viewer");
      return config;
    }
  }

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void onlyAReadingRoleOfThisServiceReadsACase() {
    SyntheticCase c = SyntheticCase.of("read-auth-" + UUID.randomUUID(), 2, 200, 30);
    SyntheticCase.publish(TopicReader.clientConfig(bootstrap, registryUrl), List.of(c));

    for (String role : List.of("viewer", "reviewer")) {
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () ->
                  given()
                      .auth()
                      .oauth2(ISSUER.token("tech-" + role, AUDIENCE, role))
                      .get("/cases/{id}", c.caseId())
                      .then()
                      .statusCode(200)
                      .body("caseId", equalTo(c.caseId()))
                      .body("cellsCounted", equalTo(200)));
    }
    given().get("/cases/{id}", c.caseId()).then().statusCode(401);
    given()
        .auth()
        .oauth2(FORGER.token("tech", AUDIENCE, "viewer"))
        .get("/cases/{id}", c.caseId())
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(ISSUER.token("tech", "leukostream-ehr-bridge", "viewer"))
        .get("/cases/{id}", c.caseId())
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(ISSUER.token("porter", AUDIENCE, "scanner"))
        .get("/cases/{id}", c.caseId())
        .then()
        .statusCode(403);
    // Health and metrics stay open to the cluster's probes and scrapers.
    given().get("/q/health/live").then().statusCode(200);
  }
}
