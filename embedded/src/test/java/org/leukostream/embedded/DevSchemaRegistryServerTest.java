package org.leukostream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.leukostream.schemas.registry.ErrorCodes;
import org.leukostream.schemas.registry.HttpSchemaRegistryClient;
import org.leukostream.schemas.registry.IncompatibleSchemaException;
import org.leukostream.schemas.registry.RegisteredSchema;
import org.leukostream.schemas.registry.RegistryUnavailableException;
import org.leukostream.schemas.registry.SchemaNotFoundException;
import org.leukostream.schemas.registry.SchemaRegistryClient;
import org.leukostream.schemas.serde.SerdeConfig;

/** The REST client against the development registry: the same calls a real registry answers. */
class DevSchemaRegistryServerTest {
  static final Schema V1 = SchemaBuilder.record("R").fields().requiredString("a").endRecord();
  static final Schema V2 =
      SchemaBuilder.record("R").fields().requiredString("a").optionalInt("b").endRecord();
  static final Schema BREAKING =
      SchemaBuilder.record("R").fields().requiredString("a").requiredInt("c").endRecord();

  private DevSchemaRegistryServer server;
  private HttpSchemaRegistryClient client;

  @BeforeEach
  void start() {
    server = DevSchemaRegistryServer.start();
    client =
        new HttpSchemaRegistryClient(List.of(server.url()), "user:secret", Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aSecuredRegistryRefusesMissingOrWrongCredentialsAsUnavailableNotAsASchemaError() {
    server.requireBasicAuth("user:secret");
    int id = client.register("orders-value", V1);
    assertThat(client.schemaById(id)).isEqualTo(V1);

    for (String credentials : new String[] {null, "user:wrong"}) {
      var refused =
          new HttpSchemaRegistryClient(List.of(server.url()), credentials, Duration.ofSeconds(5));
      assertThatThrownBy(() -> refused.schemaById(id))
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("401")
          .hasMessageContaining("basic.auth.user.info");
    }
  }

  @Test
  void anHttpsRegistryBehindAPrivateCaIsReachedThroughTheConfiguredTrustStoreOnly() {
    LocalTls tls = LocalTls.create();
    try (DevSchemaRegistryServer https = DevSchemaRegistryServer.startTls(tls)) {
      assertThat(https.url()).startsWith("https://localhost:");
      Map<String, Object> serde = new HashMap<>();
      serde.put(SerdeConfig.SCHEMA_REGISTRY_URL, https.url());
      serde.put(SerdeConfig.TRUSTSTORE_LOCATION, tls.keyStore().toString());
      serde.put(SerdeConfig.TRUSTSTORE_PASSWORD, tls.password());
      SchemaRegistryClient trusting = SerdeConfig.from(serde).client();
      int id = trusting.register("orders-value", V1);
      assertThat(trusting.schemaById(id)).isEqualTo(V1);

      var jvmDefaults =
          new HttpSchemaRegistryClient(List.of(https.url()), null, Duration.ofSeconds(5));
      assertThatThrownBy(() -> jvmDefaults.schemaById(id))
          .as("not a schema error: the record is not at fault")
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("unreachable");
    }
  }

  @Test
  void registerLookupLatestAndFetchById() {
    int id1 = client.register("orders-value", V1);
    int id2 = client.register("orders-value", V2);

    assertThat(client.register("orders-value", V1)).isEqualTo(id1);
    assertThat(client.schemaById(id2)).isEqualTo(V2);
    assertThat(client.latest("orders-value"))
        .isEqualTo(new RegisteredSchema("orders-value", 2, id2, V2));
    assertThat(client.lookup("orders-value", V1))
        .isEqualTo(new RegisteredSchema("orders-value", 1, id1, V1));
  }

  @Test
  void compatibilityIsCheckedAndEnforced() {
    client.register("s-value", V1);

    assertThat(client.isCompatible("s-value", V2)).isTrue();
    assertThat(client.isCompatible("s-value", BREAKING)).isFalse();
    assertThat(client.isCompatible("new-subject", BREAKING)).isTrue();
    assertThatThrownBy(() -> client.register("s-value", BREAKING))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.INCOMPATIBLE_SCHEMA))
        .hasMessageContaining("incompatible");
  }

  @Test
  void unknownIdSubjectAndVersionAreNotFound() {
    assertThatThrownBy(() -> client.schemaById(4711))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> client.latest("missing-value"))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(ErrorCodes.SUBJECT_NOT_FOUND));
    client.register("s-value", V1);
    assertThatThrownBy(() -> client.lookup("s-value", V2))
        .isInstanceOf(SchemaNotFoundException.class);
  }

  @Test
  void restShapesMatchTheConfluentApi() throws Exception {
    int id = client.register("shape-value", V1);

    assertThat(get("/schemas/ids/" + id).path("schema").asText()).isEqualTo(V1.toString());
    assertThat(get("/subjects").toString()).isEqualTo("[\"shape-value\"]");
    assertThat(get("/subjects/shape-value/versions").toString()).isEqualTo("[1]");
    JsonNode latest = get("/subjects/shape-value/versions/latest");
    assertThat(latest.path("id").asInt()).isEqualTo(id);
    assertThat(latest.path("version").asInt()).isEqualTo(1);
    assertThat(get("/config").path("compatibilityLevel").asText()).isEqualTo("BACKWARD");

    HttpResponse<String> notFound = send("GET", "/subjects/none/versions/1", null);
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(new ObjectMapper().readTree(notFound.body()).path("error_code").asInt())
        .isEqualTo(ErrorCodes.SUBJECT_NOT_FOUND);
    HttpResponse<String> invalid =
        send("POST", "/subjects/x-value/versions", "{\"schema\": \"{not avro\"}");
    assertThat(invalid.statusCode()).isEqualTo(422);
    HttpResponse<String> badLevel =
        send("PUT", "/config/x-value", "{\"compatibility\": \"SIDEWAYS\"}");
    assertThat(badLevel.statusCode()).isEqualTo(422);
  }

  @Test
  void subjectLevelCanBeRelaxed() throws Exception {
    client.register("relaxed-value", V1);
    HttpResponse<String> put =
        send("PUT", "/config/relaxed-value", "{\"compatibility\": \"NONE\"}");

    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(client.register("relaxed-value", BREAKING)).isPositive();
  }

  @Test
  void secondUrlAnswersWhenTheFirstIsDown() {
    DevSchemaRegistryServer dead = DevSchemaRegistryServer.start();
    String deadUrl = dead.url();
    dead.close();
    var failover =
        new HttpSchemaRegistryClient(List.of(deadUrl, server.url()), null, Duration.ofSeconds(5));

    assertThat(failover.register("f-value", V1)).isPositive();
  }

  @Test
  void unknownRouteIsA404WithAnErrorBody() throws Exception {
    HttpResponse<String> response = send("DELETE", "/subjects/x", null);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(new ObjectMapper().readTree(response.body()).path("message").asText())
        .contains("DELETE /subjects/x");
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send("GET", path, null);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  private HttpResponse<String> send(String method, String path, String body)
      throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", HttpSchemaRegistryClient.MEDIA_TYPE)
                .method(
                    method,
                    body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
