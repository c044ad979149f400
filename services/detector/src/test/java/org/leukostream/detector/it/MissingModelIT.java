package org.leukostream.detector.it;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.leukostream.testkit.EmbeddedStackTestResource;

/** A detector whose model directory does not exist: never ready, not live, and says why. */
@QuarkusTest
@TestProfile(MissingModelIT.NoModel.class)
@QuarkusTestResource(value = EmbeddedStackTestResource.class, restrictToAnnotatedClass = true)
class MissingModelIT {
  public static final class NoModel implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("leukostream.detector.model", "/nonexistent/detector-model");
    }
  }

  @Test
  void healthIsDownWithTheReason() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                given()
                    .get("/q/health/live")
                    .then()
                    .statusCode(503)
                    .body(containsString("/nonexistent/detector-model")));
    given()
        .get("/q/health/ready")
        .then()
        .statusCode(503)
        .body(containsString("detector-model"))
        .body(containsString("/nonexistent/detector-model"));
  }
}
