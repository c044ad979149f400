package org.leukostream.review.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CellReview;
import org.leukostream.review.rest.CsrfGuard;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;
import org.leukostream.testkit.EmbeddedStackTestResource;
import org.leukostream.testkit.MetricsScrape;
import org.leukostream.testkit.SloMetrics;

/**
 * The review service on the embedded broker: a case written as the pipeline writes it appears on
 * the worklist with its cells and crops; a reclassification passes the CSRF guard, lands on
 * cell.reviews.v1 with the reviewer and shows in the view; bad requests are refused with reasons.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedStackTestResource.class, restrictToAnnotatedClass = true)
class ReviewServiceIT {
  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "schema.registry.url")
  String registryUrl;

  @Test
  void aCaseIsReviewedThroughThePagesApi() throws Exception {
    Map<String, Object> client = TopicReader.clientConfig(bootstrap, registryUrl);
    SyntheticCase c = SyntheticCase.of("review-it-" + UUID.randomUUID(), 2, 30, 8);
    ReviewCases.publish(client, c, 30, 8);

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () ->
                given()
                    .get("/api/cases/{id}", c.caseId())
                    .then()
                    .statusCode(200)
                    .body("entry.status", equalTo("FINAL"))
                    .body("cells.size()", equalTo(30))
                    .body("cells.findAll { it.hasCrop }.size()", equalTo(30)));
    given().get("/api/cases").then().statusCode(200).body("caseId", hasItem(c.caseId()));
    String blast =
        given()
            .get("/api/cases/{id}", c.caseId())
            .then()
            .extract()
            .path("cells.find { it.currentClass == 'lymphoblast' }.cellId");

    byte[] png =
        given()
            .get("/api/cases/{id}/cells/{cell}/crop", c.caseId(), blast)
            .then()
            .statusCode(200)
            .contentType("image/png")
            .extract()
            .asByteArray();
    assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isEqualTo(32);
    given()
        .get("/api/cases/{id}/cells/{cell}", c.caseId(), blast)
        .then()
        .statusCode(200)
        .body("modelClass", equalTo("lymphoblast"));

    String body = "{\"cellIds\":[\"" + blast + "\"],\"toClass\":\"lymphocyte\"}";
    given()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/cases/{id}/reviews", c.caseId())
        .then()
        .statusCode(403)
        .body("error", containsString(CsrfGuard.HEADER));
    given()
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .header("Origin", "https://evil.example")
        .body(body)
        .post("/api/cases/{id}/reviews", c.caseId())
        .then()
        .statusCode(403)
        .body("error", containsString("evil.example"));
    given()
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body("{\"cellIds\":[\"" + blast + "\"],\"toClass\":\"unicorn\"}")
        .post("/api/cases/{id}/reviews", c.caseId())
        .then()
        .statusCode(400)
        .body("error", containsString("not one of the models' classes"));
    given()
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body("{\"cellIds\":[\"nope\"],\"toClass\":\"lymphocyte\"}")
        .post("/api/cases/{id}/reviews", c.caseId())
        .then()
        .statusCode(404);
    given()
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body(body)
        .post("/api/cases/{id}/reviews", c.caseId())
        .then()
        .statusCode(202)
        .body("reviewerId", equalTo("dev-reviewer"));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                given()
                    .get("/api/cases/{id}/cells/{cell}", c.caseId(), blast)
                    .then()
                    .body("reviewed", equalTo(true))
                    .body("reviewedClass", equalTo("lymphocyte")));
    List<CellReview> written =
        TopicReader.<CellReview>values(client, Topics.CELL_REVIEWS).stream()
            .filter(r -> r.getCaseId().equals(c.caseId()))
            .toList();
    assertThat(written).hasSize(1);
    assertThat(written.get(0).getCellId()).isEqualTo(blast);
    assertThat(written.get(0).getFromClass()).isEqualTo("lymphoblast");
    assertThat(written.get(0).getToClass()).isEqualTo("lymphocyte");
    assertThat(written.get(0).getReviewerId()).isEqualTo("dev-reviewer");

    given()
        .get("/patients/{key}", SyntheticCase.patientKey(c.caseId()))
        .then()
        .statusCode(200)
        .body("caseId", hasItem(c.caseId()));
    given().get("/patients/{key}", "MRN-12345").then().statusCode(400);
    // No bridge runs here: the sign-off says so instead of pretending.
    given()
        .contentType(ContentType.JSON)
        .header(CsrfGuard.HEADER, "1")
        .body("{}")
        .post("/api/cases/{id}/sign", c.caseId())
        .then()
        .statusCode(502)
        .body("error", containsString("did not answer"));
    String exposition = given().get("/q/metrics").asString();
    Files.writeString(Path.of("target/metrics-review.prom"), exposition);
    MetricsScrape scrape = MetricsScrape.parse(exposition);
    assertThat(
            SloMetrics.missing("review", scrape, Set.of(SloMetrics.ALWAYS, SloMetrics.AFTER_CASE)))
        .isEmpty();
    assertThat(scrape.sum("leukostream_review_cells_reclassified_total")).contains(1.0);
    assertThat(
            scrape.sum(
                "leukostream_review_signoffs_total", Map.of("outcome", "bridge-unreachable")))
        .contains(1.0);
    assertThat(scrape.sum("leukostream_review_view_cases"))
        .hasValueSatisfying(n -> assertThat(n).isGreaterThanOrEqualTo(1.0));
    given().get("/").then().statusCode(200).body(containsString("review.js"));
    given().get("/review.js").then().statusCode(200);
    given().get("/q/health/ready").then().statusCode(200);
  }
}
