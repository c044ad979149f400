package org.leukostream.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import org.junit.jupiter.api.Test;

class OpenApiCoverageTest {
  @Path("/things")
  public static class Things {
    @GET
    @Path("/{id}")
    public String get(@PathParam("id") String id) {
      return id;
    }

    @POST
    @Path("/{id}/touch/")
    public String touch(@PathParam("id") String id, String body) {
      return body;
    }
  }

  private static final String OPERATION =
      """
      {"summary": "s", "description": "d", "responses": {"200": {"description": "ok"}}%s}""";
  private static final String EXAMPLE =
      """
      , "requestBody": {"content": {"application/json": {"example": {"a": 1}}}}""";

  private static String document(String get, String post) {
    return """
        {"openapi": "3.1.0", "info": {"title": "t", "description": "about"},
         "paths": {"/things/{id}": {"get": %s}, "/things/{id}/touch": {"post": %s}}}"""
        .formatted(get, post);
  }

  @Test
  void endpointsAreReadFromTheAnnotations() {
    assertThat(OpenApiCoverage.endpoints(Things.class))
        .containsExactlyInAnyOrder(
            new OpenApiCoverage.Endpoint("get", "/things/{id}", false),
            new OpenApiCoverage.Endpoint("post", "/things/{id}/touch", true));
  }

  @Test
  void aFullyDocumentedApiHasNoProblems() {
    String full = document(OPERATION.formatted(""), OPERATION.formatted(EXAMPLE));
    assertThat(OpenApiCoverage.problems(full, Things.class)).isEmpty();
  }

  @Test
  void missingEndpointsDescriptionsAndExamplesAreEachReported() {
    String missingPost =
        """
        {"openapi": "3.1.0", "info": {"description": "about"},
         "paths": {"/things/{id}": {"get": {"summary": "s", "responses": {"200": {}}}}}}""";
    assertThat(OpenApiCoverage.problems(missingPost, Things.class))
        .containsExactlyInAnyOrder(
            "GET /things/{id} has no description",
            "GET /things/{id} response 200 has no description",
            "POST /things/{id}/touch is not in the document (paths: [/things/{id}])");

    String noExample = document(OPERATION.formatted(""), OPERATION.formatted(""));
    assertThat(OpenApiCoverage.problems(noExample, Things.class))
        .containsExactly("POST /things/{id}/touch has no request body example");
    assertThat(OpenApiCoverage.problems("{not json", Things.class)).hasSize(1);
  }
}
