package org.leukostream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * Talks to a registry with the Confluent Schema Registry REST API. Several base URLs may be given;
 * each call tries them in order until one answers. Optional basic authentication ({@code
 * user:password}).
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
  /** The media type of the Confluent Schema Registry REST API, requests and replies. */
  public static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> baseUris;
  private final String authorization;
  private final Duration requestTimeout;
  private final HttpClient http;

  /**
   * @param baseUrls registry base URLs, e.g. {@code http://registry:8081}
   * @param basicAuthUserInfo {@code user:password}, or null for none
   * @param requestTimeout limit for connecting and for each request
   */
  public HttpSchemaRegistryClient(
      List<String> baseUrls, String basicAuthUserInfo, Duration requestTimeout) {
    this(baseUrls, basicAuthUserInfo, requestTimeout, null);
  }

  /**
   * @param trust what an https registry's certificate is checked against; null: the JVM's default
   */
  public HttpSchemaRegistryClient(
      List<String> baseUrls,
      String basicAuthUserInfo,
      Duration requestTimeout,
      RegistryTrust trust) {
    if (baseUrls.isEmpty()) {
      throw new IllegalArgumentException("At least one schema registry URL is needed");
    }
    this.baseUris = baseUrls.stream().map(u -> URI.create(u.endsWith("/") ? u : u + "/")).toList();
    this.authorization =
        basicAuthUserInfo == null || basicAuthUserInfo.isBlank()
            ? null
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    this.requestTimeout = requestTimeout;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(requestTimeout);
    if (trust != null) {
      builder.sslContext(trust.sslContext());
    }
    this.http = builder.build();
  }

  @Override
  public int register(String subject, Schema schema) {
    return call("POST", "subjects/" + encode(subject) + "/versions", schemaBody(schema))
        .path("id")
        .asInt();
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    return registered(call("POST", "subjects/" + encode(subject), schemaBody(schema)));
  }

  @Override
  public Schema schemaById(int id) {
    return parse(call("GET", "schemas/ids/" + id, null).path("schema").asText());
  }

  @Override
  public RegisteredSchema latest(String subject) {
    return registered(call("GET", "subjects/" + encode(subject) + "/versions/latest", null));
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      return call(
              "POST",
              "compatibility/subjects/" + encode(subject) + "/versions/latest",
              schemaBody(schema))
          .path("is_compatible")
          .asBoolean();
    } catch (SchemaNotFoundException e) {
      return true; // a subject with no versions accepts any schema
    }
  }

  private static RegisteredSchema registered(JsonNode node) {
    return new RegisteredSchema(
        node.path("subject").asText(),
        node.path("version").asInt(),
        node.path("id").asInt(),
        parse(node.path("schema").asText()));
  }

  private JsonNode call(String method, String path, String body) {
    RegistryUnavailableException unavailable = null;
    for (URI base : baseUris) {
      URI uri = base.resolve(path);
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .timeout(requestTimeout)
              .header("Accept", MEDIA_TYPE)
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        request.header("Content-Type", MEDIA_TYPE);
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        unavailable =
            new RegistryUnavailableException(
                "Schema registry at " + base + " is unreachable: " + describe(e), e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException("Interrupted while calling " + uri, e);
      }
      JsonNode reply = json(response.body());
      String refusal = refusal(response.statusCode(), reply);
      if (refusal != null) {
        unavailable =
            new RegistryUnavailableException(
                "Schema registry at "
                    + base
                    + " answered "
                    + response.statusCode()
                    + " to "
                    + method
                    + " "
                    + path
                    + " ("
                    + refusal
                    + "): "
                    + abbreviate(response.body()),
                response.statusCode());
        continue;
      }
      return readReply(method, uri, response, reply);
    }
    throw unavailable;
  }

  /**
   * Why a reply says nothing about the schema asked for, or null when it does: the registry is down
   * or overloaded (5xx, 429, 408), refuses this client (401, 403, 407: its credentials), or what
   * answered is not a registry (a reply that is not JSON, e.g. a proxy's page). Such a reply is an
   * outage to wait out or a setting to fix, never a reason to dead-letter a record.
   */
  static String refusal(int status, JsonNode reply) {
    if (status >= 500) {
      return "server error";
    }
    switch (status) {
      case 401, 407 -> {
        return "not authenticated: check basic.auth.user.info";
      }
      case 403 -> {
        return "not authorised for this call";
      }
      case 408, 429 -> {
        return "too busy or too slow: try again";
      }
      default -> {
        return reply == null ? "not a schema registry's reply (not JSON)" : null;
      }
    }
  }

  /** The reply as JSON, null when it is not JSON. */
  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  private static String abbreviate(String body) {
    return body.length() <= 300 ? body : body.substring(0, 300) + "...";
  }

  /** A JSON reply: its body when the call succeeded, else the registry's error as an exception. */
  private static JsonNode readReply(
      String method, URI uri, HttpResponse<String> response, JsonNode node) {
    int status = response.statusCode();
    if (status < 300) {
      return node;
    }
    int code = node.path("error_code").asInt(status);
    String message = node.path("message").asText(response.body()) + " (" + method + " " + uri + ")";
    if (status == 409 || code == ErrorCodes.INCOMPATIBLE_SCHEMA) {
      throw new IncompatibleSchemaException(message);
    }
    if (code == ErrorCodes.SUBJECT_NOT_FOUND
        || code == ErrorCodes.VERSION_NOT_FOUND
        || code == ErrorCodes.SCHEMA_NOT_FOUND) {
      throw new SchemaNotFoundException(message, code);
    }
    throw new SchemaRegistryException(message, code);
  }

  private static String schemaBody(Schema schema) {
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString(), "schemaType", "AVRO"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "Schema registry returned a schema that does not parse: " + e.getMessage(),
          ErrorCodes.INVALID_SCHEMA,
          e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
