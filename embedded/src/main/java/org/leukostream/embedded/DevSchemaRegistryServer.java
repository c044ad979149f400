package org.leukostream.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.leukostream.schemas.registry.CompatibilityLevel;
import org.leukostream.schemas.registry.ErrorCodes;
import org.leukostream.schemas.registry.HttpSchemaRegistryClient;
import org.leukostream.schemas.registry.InMemorySchemaRegistry;
import org.leukostream.schemas.registry.RegisteredSchema;
import org.leukostream.schemas.registry.SchemaRegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development stand-in for a Confluent-compatible schema registry: the REST subset the serdes and
 * tools use, over {@link InMemorySchemaRegistry}, on a loopback port. Nothing is persisted; HTTP
 * basic authentication only when a test asks for it ({@link #requireBasicAuth}); clusters point at
 * a real registry instead.
 */
public final class DevSchemaRegistryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DevSchemaRegistryServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final HttpServer server;
  private final ExecutorService executor;
  private volatile String authorization;
  private volatile boolean unavailable;

  private DevSchemaRegistryServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a registry on a free loopback port. */
  public static DevSchemaRegistryServer start() {
    return start(0);
  }

  /** Starts a registry on {@code port} (0: a free one). */
  public static DevSchemaRegistryServer start(int port) {
    return start(port, null);
  }

  /**
   * Starts a registry that speaks only HTTPS with {@code tls}'s identity, as a production registry
   * behind a private CA does.
   */
  public static DevSchemaRegistryServer startTls(LocalTls tls) {
    return start(0, tls);
  }

  private static DevSchemaRegistryServer start(int port, LocalTls tls) {
    try {
      InetSocketAddress address =
          new InetSocketAddress(InetAddress.getLoopbackAddress(), FreePorts.pick(port));
      HttpServer http;
      if (tls == null) {
        http = HttpServer.create(address, 0);
      } else {
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        http = https;
      }
      ExecutorService executor =
          Executors.newFixedThreadPool(
              4,
              r -> {
                Thread t = new Thread(r, "dev-schema-registry");
                t.setDaemon(true);
                return t;
              });
      http.setExecutor(executor);
      DevSchemaRegistryServer dev = new DevSchemaRegistryServer(http, executor);
      http.createContext("/", dev::handle);
      http.start();
      LOG.info("Development schema registry listening on {}", dev.url());
      return dev;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start the development schema registry", e);
    }
  }

  public String url() {
    return (server instanceof HttpsServer ? "https" : "http")
        + "://localhost:"
        + server.getAddress().getPort();
  }

  /**
   * From now on every request must carry HTTP basic credentials {@code userInfo} ({@code
   * user:password}), as a secured registry demands; others get 401.
   */
  public DevSchemaRegistryServer requireBasicAuth(String userInfo) {
    this.authorization =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(userInfo.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return this;
  }

  /**
   * Answers every request with 503, as a registry in maintenance does, for {@code outage}; then
   * serves again with everything it held. Blocks for the outage.
   */
  public void unavailableFor(java.time.Duration outage) throws InterruptedException {
    unavailable = true;
    try {
      Thread.sleep(outage.toMillis());
    } finally {
      unavailable = false;
    }
  }

  /** The registry behind the server, for tests that look inside. */
  public InMemorySchemaRegistry registry() {
    return registry;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    int status = 200;
    Object reply;
    String required = authorization;
    try {
      if (unavailable) {
        status = 503;
        reply = error(50300, "Service Unavailable (maintenance)");
      } else if (required != null
          && !required.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
        status = 401;
        reply = error(ErrorCodes.UNAUTHORIZED, "Unauthorized");
      } else {
        reply = route(exchange.getRequestMethod(), segments(exchange), exchange);
      }
    } catch (SchemaRegistryException e) {
      status = ErrorCodes.httpStatus(e.errorCode());
      reply = error(e.errorCode(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Registry request {} failed", exchange.getRequestURI(), e);
      status = 500;
      reply = error(ErrorCodes.INTERNAL_ERROR, e.toString());
    }
    byte[] body = JSON.writeValueAsBytes(reply);
    exchange.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.MEDIA_TYPE);
    exchange.sendResponseHeaders(status, body.length);
    try (var out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private Object route(String method, List<String> path, HttpExchange exchange) throws IOException {
    String route = method + " " + shape(path);
    return switch (route) {
      case "GET /" ->
          Map.of("note", "leukostream development schema registry (not for production)");
      case "GET /subjects" -> registry.subjects();
      case "GET /subjects/*/versions" -> registry.versions(path.get(1));
      case "GET /subjects/*/versions/*" -> describe(version(path.get(1), path.get(3)));
      case "POST /subjects/*/versions" ->
          Map.of("id", registry.register(path.get(1), schemaOf(exchange)));
      case "POST /subjects/*" -> describe(registry.lookup(path.get(1), schemaOf(exchange)));
      case "GET /schemas/ids/*" ->
          Map.of("schema", registry.schemaById(id(path.get(2))).toString());
      case "POST /compatibility/subjects/*/versions/*" ->
          Map.of("is_compatible", compatible(path.get(2), path.get(4), schemaOf(exchange)));
      case "GET /config" -> Map.of("compatibilityLevel", registry.globalCompatibility().name());
      case "PUT /config" -> {
        CompatibilityLevel level = levelOf(exchange);
        registry.setGlobalCompatibility(level);
        yield Map.of("compatibility", level.name());
      }
      case "GET /config/*" ->
          Map.of("compatibilityLevel", registry.compatibility(path.get(1)).name());
      case "PUT /config/*" -> {
        CompatibilityLevel level = levelOf(exchange);
        registry.setCompatibility(path.get(1), level);
        yield Map.of("compatibility", level.name());
      }
      default ->
          throw new SchemaRegistryException(
              "HTTP 404 Not Found: " + method + " " + exchange.getRequestURI(),
              ErrorCodes.ROUTE_NOT_FOUND);
    };
  }

  private RegisteredSchema version(String subject, String version) {
    return "latest".equals(version)
        ? registry.latest(subject)
        : registry.version(subject, versionNumber(version));
  }

  private boolean compatible(String subject, String version, Schema candidate) {
    if ("latest".equals(version)) {
      registry.latest(subject); // 40401 for an unknown subject, as the real registry answers
      return registry.isCompatible(subject, candidate);
    }
    Schema against = registry.version(subject, versionNumber(version)).schema();
    CompatibilityLevel level = registry.compatibility(subject);
    return level.violations(candidate, List.of(against)).isEmpty();
  }

  private static Map<String, Object> describe(RegisteredSchema r) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("subject", r.subject());
    out.put("version", r.version());
    out.put("id", r.id());
    out.put("schema", r.schema().toString());
    return out;
  }

  private static Schema schemaOf(HttpExchange exchange) throws IOException {
    JsonNode body = body(exchange);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SchemaRegistryException(
          "Schema type " + type + " is not supported; only AVRO", ErrorCodes.INVALID_SCHEMA);
    }
    if (!body.path("schema").isTextual()) {
      throw new SchemaRegistryException(
          "Request body needs a 'schema' string", ErrorCodes.INVALID_SCHEMA);
    }
    try {
      return new Schema.Parser().parse(body.path("schema").asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "Invalid schema: " + e.getMessage(), ErrorCodes.INVALID_SCHEMA, e);
    }
  }

  private static CompatibilityLevel levelOf(HttpExchange exchange) throws IOException {
    return CompatibilityLevel.parse(body(exchange).path("compatibility").asText(""));
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    try (var in = exchange.getRequestBody()) {
      return JSON.readTree(in.readAllBytes());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new SchemaRegistryException(
          "Request body is not JSON: " + e.getOriginalMessage(), ErrorCodes.INVALID_SCHEMA, e);
    }
  }

  private static int versionNumber(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new SchemaRegistryException(
          "The specified version '" + text + "' is not a valid version id",
          ErrorCodes.INVALID_VERSION,
          e);
    }
  }

  private static int id(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new SchemaRegistryException(
          "Schema " + text + " not found", ErrorCodes.SCHEMA_NOT_FOUND, e);
    }
  }

  private static Map<String, Object> error(int code, String message) {
    return Map.of("error_code", code, "message", message);
  }

  private static List<String> segments(HttpExchange exchange) {
    String raw = exchange.getRequestURI().getRawPath();
    List<String> out = new ArrayList<>();
    for (String s : Arrays.asList(raw.split("/"))) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** The route pattern of a path: fixed words kept, parameters as '*'. */
  private static String shape(List<String> path) {
    if (path.isEmpty()) {
      return "/";
    }
    List<String> shape = new ArrayList<>();
    for (int i = 0; i < path.size(); i++) {
      boolean parameter =
          switch (path.get(0)) {
            case "subjects", "config" -> i == 1 || i == 3;
            case "schemas" -> i == 2;
            case "compatibility" -> i == 2 || i == 4;
            default -> false;
          };
      shape.add(parameter ? "*" : path.get(i));
    }
    return "/" + String.join("/", shape);
  }
}
