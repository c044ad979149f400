package org.leukostream.review.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.avro.CellReview;
import org.leukostream.images.FileClaimChecks;
import org.leukostream.images.ImageRefs;
import org.leukostream.review.views.CaseEntry;
import org.leukostream.review.views.CellEntry;
import org.leukostream.review.views.CropEntry;
import org.leukostream.review.views.ReviewViews;
import org.leukostream.schemas.PatientKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page's API: the worklist, a case with its cells, a cell's crop and probabilities,
 * reclassifying cells ({@code cell.reviews.v1}) and signing off (through the EHR bridge's sign-off
 * endpoint, with the caller's token), and a patient's cases. Reading needs the viewer or reviewer
 * role, changing the reviewer role (with OIDC on); every change passes {@link CsrfGuard}.
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewResource {
  private static final Logger LOG = LoggerFactory.getLogger(ReviewResource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");

  /** An error answer. */
  public record Problem(String error) {}

  /** A reclassification: the cells, and their new class or none (not countable). */
  public record ReclassifyRequest(List<String> cellIds, String toClass, boolean notCountable) {}

  /** What a reclassification wrote. */
  public record ReclassifyReply(List<String> reviewIds, String reviewerId) {}

  /** A sign-off as the page sends it; the reviewer comes from the token. */
  public record SignOffRequest(String correctedDecision, String comment, String amendmentReason) {}

  private final ReviewViews views;
  private final ReviewMeters meters;
  private final ReviewPublisher publisher;
  private final Reviewer reviewer;
  private final String bridgeUrl;
  private final Clock clock = Clock.systemUTC();
  private final ImageRefs images =
      new ImageRefs(List.of(new FileClaimChecks(Optional.empty())), 4L << 20, 4L << 20);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  public ReviewResource(
      ReviewViews views,
      ReviewPublisher publisher,
      Reviewer reviewer,
      ReviewMeters meters,
      @ConfigProperty(name = "leukostream.review.bridge-url") String bridgeUrl) {
    this.meters = meters;
    this.views = views;
    this.publisher = publisher;
    this.reviewer = reviewer;
    this.bridgeUrl = bridgeUrl.replaceAll("/+$", "");
  }

  @GET
  @Path("api/me")
  public Map<String, Object> me() {
    Map<String, Object> me = new LinkedHashMap<>();
    me.put("id", reviewer.id());
    me.put("roles", reviewer.roles());
    me.put("reviewer", reviewer.mayReview());
    return me;
  }

  @GET
  @Path("api/cases")
  public Response worklist(@QueryParam("status") String status) {
    return read(
        () -> Response.ok(views.worklist(Optional.ofNullable(status).filter(s -> !s.isBlank()))));
  }

  @GET
  @Path("api/cases/{caseId}")
  public Response caseDetail(@PathParam("caseId") String caseId) {
    return read(
        () ->
            views
                .caseDetail(caseId)
                .map(Response::ok)
                .orElseGet(() -> notFound("no case " + caseId + " in the review view")));
  }

  @GET
  @Path("api/cases/{caseId}/cells/{cellId}")
  public Response cell(@PathParam("caseId") String caseId, @PathParam("cellId") String cellId) {
    return read(
        () ->
            views
                .cell(caseId, cellId)
                .map(Response::ok)
                .orElseGet(() -> notFound("no cell " + cellId + " in case " + caseId)));
  }

  @GET
  @Path("api/cases/{caseId}/cells/{cellId}/crop")
  @Produces({"image/png", "image/jpeg", MediaType.APPLICATION_JSON})
  public Response crop(@PathParam("caseId") String caseId, @PathParam("cellId") String cellId) {
    return read(
        () -> {
          Optional<CropEntry> crop = views.crop(caseId, cellId);
          if (crop.isEmpty()) {
            return notFound("no crop of cell " + cellId + " in case " + caseId);
          }
          byte[] bytes = crop.get().inline();
          if (bytes == null) {
            try {
              bytes = images.bytes(claimChecked(crop.get()));
            } catch (Exception e) {
              return Response.status(Response.Status.BAD_GATEWAY)
                  .entity(new Problem("crop behind its claim check unreadable: " + e.getMessage()))
                  .type(MediaType.APPLICATION_JSON);
            }
          }
          CacheControl cache = new CacheControl();
          cache.setPrivate(true); // crops are only for the authenticated reviewer
          cache.setMaxAge(3600);
          return Response.ok(bytes, crop.get().mediaType()).cacheControl(cache);
        });
  }

  @POST
  @Path("api/cases/{caseId}/reviews")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response reclassify(@PathParam("caseId") String caseId, ReclassifyRequest request)
      throws Exception {
    String reviewerId = reviewer.requireReviewer();
    if (request == null || request.cellIds() == null || request.cellIds().isEmpty()) {
      return bad("name the cells to reclassify (cellIds)");
    }
    if (request.notCountable() == (request.toClass() != null && !request.toClass().isBlank())) {
      return bad("give either a class (toClass) or notCountable, not both and not neither");
    }
    Optional<CaseEntry> entry;
    List<String> classes;
    try {
      entry = views.caseEntry(caseId);
      classes = views.classes(caseId);
    } catch (InvalidStateStoreException e) {
      return unavailable(e);
    }
    if (entry.isEmpty()) {
      return notFound("no case " + caseId + " in the review view").build();
    }
    if (entry.get().signed()) {
      return Response.status(Response.Status.CONFLICT)
          .entity(
              new Problem(
                  "case "
                      + caseId
                      + " is signed off: reopen it (the bridge's POST /cases/{caseId}/reopen)"
                      + " before changing its cells"))
          .build();
    }
    long now = clock.millis();
    List<CellReview> reviews = new ArrayList<>();
    for (String cellId : request.cellIds()) {
      Optional<CellEntry> cell = views.cell(caseId, cellId);
      if (cell.isEmpty()) {
        return notFound("no cell " + cellId + " in case " + caseId).build();
      }
      String toClass = request.notCountable() ? null : request.toClass();
      if (toClass != null && !classes.contains(toClass)) {
        return bad("class " + toClass + " is not one of the models' classes: " + classes);
      }
      reviews.add(
          CellReview.newBuilder()
              .setReviewId(UUID.randomUUID().toString())
              .setCaseId(caseId)
              .setCellId(cellId)
              .setFromClass(cell.get().currentClass())
              .setToClass(toClass)
              .setReviewerId(reviewerId)
              .setReviewedAt(java.time.Instant.ofEpochMilli(now))
              .build());
    }
    publisher.publish(reviews);
    meters.reclassified(reviews.size());
    LOG.info("Case {}: {} cell(s) reclassified by {}", caseId, reviews.size(), reviewerId);
    return Response.accepted(
            new ReclassifyReply(reviews.stream().map(CellReview::getReviewId).toList(), reviewerId))
        .build();
  }

  @POST
  @Path("api/cases/{caseId}/sign")
  @Consumes(MediaType.APPLICATION_JSON)
  public Response signOff(
      @PathParam("caseId") String caseId,
      @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
      SignOffRequest request)
      throws IOException, InterruptedException {
    String reviewerId = reviewer.requireReviewer();
    if (!ID.matcher(caseId).matches()) {
      return bad("not a case id");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("reviewerId", reviewerId);
    if (request != null) {
      body.put("correctedDecision", request.correctedDecision());
      body.put("comment", request.comment());
      body.put("amendmentReason", request.amendmentReason());
    }
    HttpRequest.Builder forward =
        HttpRequest.newBuilder(
                URI.create(
                    bridgeUrl
                        + "/cases/"
                        + java.net.URLEncoder.encode(
                                caseId, java.nio.charset.StandardCharsets.UTF_8)
                            .replace("+", "%20")
                        + "/sign"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", MediaType.APPLICATION_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (authorization != null) {
      forward.header(HttpHeaders.AUTHORIZATION, authorization); // the bridge checks the same token
    }
    HttpResponse<String> answer;
    try {
      answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      meters.signOff("bridge-unreachable");
      return Response.status(Response.Status.BAD_GATEWAY)
          .entity(new Problem("the EHR bridge at " + bridgeUrl + " did not answer: " + e))
          .build();
    }
    meters.signOff(answer.statusCode() / 100 == 2 ? "signed" : "refused");
    LOG.info(
        "Case {}: sign-off by {} answered {} by the bridge",
        caseId,
        reviewerId,
        answer.statusCode());
    return Response.status(answer.statusCode())
        .entity(answer.body())
        .type(MediaType.APPLICATION_JSON)
        .build();
  }

  @GET
  @Path("patients/{patientKey}")
  public Response patient(@PathParam("patientKey") String patientKey) {
    if (!PatientKey.isValid(patientKey)) {
      return bad("not a pseudonymous patient key (64 lower-case hex digits)");
    }
    return read(() -> Response.ok(views.patient(patientKey)));
  }

  private interface Read {
    Response.ResponseBuilder get();
  }

  private static Response read(Read read) {
    try {
      return read.get().build();
    } catch (InvalidStateStoreException e) {
      return unavailable(e);
    }
  }

  private static Response unavailable(InvalidStateStoreException e) {
    return Response.status(Response.Status.SERVICE_UNAVAILABLE)
        .header("Retry-After", "5")
        .entity(new Problem("the review view is rebuilding: " + e.getMessage()))
        .build();
  }

  private static Response.ResponseBuilder notFound(String why) {
    return Response.status(Response.Status.NOT_FOUND).entity(new Problem(why));
  }

  private static Response bad(String why) {
    return Response.status(Response.Status.BAD_REQUEST).entity(new Problem(why)).build();
  }

  private static org.leukostream.avro.ImageRef claimChecked(CropEntry crop) {
    return org.leukostream.avro.ImageRef.newBuilder()
        .setMediaType(crop.mediaType())
        .setWidthPx(1) // not read: only the bytes are served
        .setHeightPx(1)
        .setSizeBytes(crop.sizeBytes())
        .setSha256(crop.sha256())
        .setContent(new org.leukostream.avro.ClaimCheck(crop.claimCheck()))
        .build();
  }
}
