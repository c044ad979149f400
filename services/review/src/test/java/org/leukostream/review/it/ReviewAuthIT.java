package org.leukostream.review.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.leukostream.embedded.DevelopmentIssuer;
import org.leukostream.review.rest.CsrfGuard;
import org.leukostream.testkit.EmbeddedStackTestResource;

/**
 * With OIDC on, as the chart deploys it: no token, a forged one or one for another service gets
 * 401; a viewer reads but may not reclassify or sign (403); a reviewer passes to the request's own
 * checks; the page's files hold no data and stay public.
 */
@QuarkusTest
@TestProfile(ReviewAuthIT.Oidc.class)
@QuarkusTestResource(value = EmbeddedStackTestResource.class, restrictToAnnotatedClass = true)
class ReviewAuthIT {
  static final DevelopmentIssuer ISSUER = new DevelopmentIssuer();
  static final DevelopmentIssuer FORGER = new DevelopmentIssuer();
  static final String AUDIENCE = "leukostream-review";

  public static final class Oidc implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      Map<String, String> config = new HashMap<>(ISSUER.trustedBy());
      config.put("leukostream.review.oidc", "true");
      config.put("quarkus.http.auth.permission.read.policy", "viewer");
      return config;
    }
  }

  @Test
  void viewersReadReviewersChangeOthersGetNothing() {
    given().get("/api/cases").then().statusCode(401);
    given()
        .auth()
        .oauth2(FORGER.token("tech", AUDIENCE, "viewer"))
        .get("/api/cases")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(ISSUER.token("tech", "leukostream-ehr-bridge", "viewer"))
        .get("/api/cases")
        .then()
        .statusCode(401);
    given()
        .auth()
        .oauth2(ISSUER.token("porter", AUDIENCE, "scanner"))
        .get("/api/cases")
        .then()
        .statusCode(403);

    String viewer = ISSUER.token("tech-1", AUDIENCE, "viewer");
    // 503 while the view is still being built (Kafka Streams starting), then 200.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> given().auth().oauth2(viewer).get("/api/cases").then().statusCode(200));
    given()
        .auth()
        .oauth2(viewer)
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("id", equalTo("tech-1"))
        .body("reviewer", equalTo(false));
    String reclassify = "{\"cellIds\":[\"c-1\"],\"toClass\":\"lymphocyte\"}";
    given()
        .auth()
        .oauth2(viewer)
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body(reclassify)
        .post("/api/cases/{id}/reviews", "no-such-case")
        .then()
        .statusCode(403);
    given()
        .auth()
        .oauth2(viewer)
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body("{}")
        .post("/api/cases/{id}/sign", "no-such-case")
        .then()
        .statusCode(403);

    String reviewer = ISSUER.token("dr-haem-07", AUDIENCE, "reviewer");
    given()
        .auth()
        .oauth2(reviewer)
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("reviewer", equalTo(true));
    // Past authorisation: the case is unknown to the view.
    given()
        .auth()
        .oauth2(reviewer)
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body(reclassify)
        .post("/api/cases/{id}/reviews", "no-such-case")
        .then()
        .statusCode(404);
    given().auth().oauth2(reviewer).get("/patients/{k}", "a".repeat(64)).then().statusCode(200);
    given().get("/patients/{k}", "a".repeat(64)).then().statusCode(401);
    given().get("/api/cases/x/cells/y/crop").then().statusCode(401);

    given().get("/").then().statusCode(200);
    given().get("/review.js").then().statusCode(200);
    given().get("/q/health/live").then().statusCode(200);
  }
}
