package org.leukostream.ehr.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens from a real HTTP token endpoint that checks what an EHR's authorisation server checks: the
 * signed client assertion (RS384 with the registered key, iss = sub = client, aud = the endpoint, a
 * jti never seen before) or the client secret; and a FHIR endpoint that refuses a token it was told
 * is revoked.
 */
class ClientCredentialsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String CLIENT = "leukostream-bridge";

  @TempDir Path dir;
  private HttpServer server;
  private URI tokenUrl;
  private KeyPair registered;
  private final List<String> issued = new ArrayList<>();
  private final Set<String> seenJti = new HashSet<>();
  private final Set<String> revoked = new HashSet<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
  private long expiresIn = 300;

  @BeforeEach
  void start() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    registered = generator.generateKeyPair();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/token", this::token);
    server.createContext(
        "/fhir",
        exchange -> {
          String auth = exchange.getRequestHeaders().getFirst("Authorization");
          String token = auth == null ? "" : auth.substring("Bearer ".length());
          reply(exchange, issued.contains(token) && !revoked.contains(token) ? 200 : 401, "{}");
        });
    server.start();
    tokenUrl = URI.create("http://localhost:" + server.getAddress().getPort() + "/token");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void aSignedAssertionGetsATokenKeptUntilShortlyBeforeItExpires() throws Exception {
    ClientCredentials tokens = new ClientCredentials(keySettings(pem(registered)), clock);

    String first = tokens.current().orElseThrow();
    assertThat(tokens.current()).contains(first);
    clock.advance(Duration.ofSeconds(expiresIn - 31));
    assertThat(tokens.current()).as("still valid for 31 s").contains(first);
    clock.advance(Duration.ofSeconds(2));
    String second = tokens.current().orElseThrow();

    assertThat(second).isNotEqualTo(first);
    assertThat(issued).containsExactly(first, second);
  }

  @Test
  void aRefusedTokenIsReplacedAtTheNextRequest() throws Exception {
    ClientCredentials tokens = new ClientCredentials(keySettings(pem(registered)), clock);
    FhirServerClient fhir =
        new FhirServerClient(
            URI.create("http://localhost:" + server.getAddress().getPort() + "/fhir"),
            tokens,
            Duration.ofSeconds(5));

    assertThat(fhir.post("{}")).isInstanceOf(FhirServerClient.Outcome.Accepted.class);
    revoked.add(issued.get(0)); // revoked at the server before it expired
    assertThat(fhir.post("{}")).isInstanceOf(FhirServerClient.Outcome.Unavailable.class);
    assertThat(fhir.post("{}")).isInstanceOf(FhirServerClient.Outcome.Accepted.class);
    assertThat(issued).hasSize(2);
  }

  @Test
  void anAssertionSignedWithAnotherKeyOrAWrongSecretGetsNoTokenAndTheDeliveryWaits()
      throws Exception {
    KeyPair other = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    ClientCredentials forged = new ClientCredentials(keySettings(pem(other)), clock);
    assertThatThrownBy(forged::current)
        .isInstanceOf(AccessTokens.TokenUnavailableException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("invalid_client");

    Path wrong = Files.writeString(dir.resolve("secret"), "not-the-secret\n");
    FhirServerClient fhir =
        new FhirServerClient(
            URI.create("http://localhost:" + server.getAddress().getPort() + "/fhir"),
            new ClientCredentials(secretSettings(wrong), clock),
            Duration.ofSeconds(5));
    assertThat(fhir.post("{}"))
        .as("an outage of the token endpoint is not the report's fault")
        .isInstanceOf(FhirServerClient.Outcome.Unavailable.class);
    assertThat(issued).isEmpty();
  }

  @Test
  void aClientSecretRotatedInItsFileIsUsedAtTheNextFetch() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret"), "s3cret-1\n");
    ClientCredentials tokens = new ClientCredentials(secretSettings(secret), clock);
    assertThat(tokens.current()).isPresent();

    Files.writeString(secret, "s3cret-2\n");
    clock.advance(Duration.ofHours(1));
    assertThatThrownBy(tokens::current).hasMessageContaining("HTTP 401");
    acceptedSecret = "s3cret-2";
    assertThat(tokens.current()).isPresent();
    assertThat(issued).hasSize(2);
  }

  @Test
  void exactlyOneWayOfAuthenticatingIsRequired() {
    assertThatThrownBy(
            () ->
                new ClientCredentials.Settings(
                    tokenUrl,
                    CLIENT,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Optional.empty(),
                    Duration.ofSeconds(5)))
        .hasMessageContaining("exactly one");
  }

  private String acceptedSecret = "s3cret-1";

  private ClientCredentials.Settings keySettings(Path key) {
    return new ClientCredentials.Settings(
        tokenUrl,
        CLIENT,
        Optional.of("system/DiagnosticReport.write"),
        Optional.empty(),
        Optional.of(key),
        Optional.of("key-1"),
        Duration.ofSeconds(5));
  }

  private ClientCredentials.Settings secretSettings(Path secret) {
    return new ClientCredentials.Settings(
        tokenUrl,
        CLIENT,
        Optional.empty(),
        Optional.of(secret),
        Optional.empty(),
        Optional.empty(),
        Duration.ofSeconds(5));
  }

  private Path pem(KeyPair keys) throws IOException {
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    return Files.writeString(Files.createTempFile(dir, "key", ".pem"), pem);
  }

  /** The authorisation server's side of the client-credentials grant. */
  private void token(HttpExchange exchange) throws IOException {
    Map<String, String> form = new HashMap<>();
    for (String pair :
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
      String[] kv = pair.split("=", 2);
      form.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    boolean ok = "client_credentials".equals(form.get("grant_type"));
    if (form.containsKey("client_assertion")) {
      ok &= ClientCredentials.ASSERTION_TYPE.equals(form.get("client_assertion_type"));
      ok &= validAssertion(form.get("client_assertion"));
    } else {
      String basic =
          Base64.getEncoder()
              .encodeToString((CLIENT + ":" + acceptedSecret).getBytes(StandardCharsets.UTF_8));
      ok &= ("Basic " + basic).equals(exchange.getRequestHeaders().getFirst("Authorization"));
    }
    if (!ok) {
      reply(exchange, 401, "{\"error\":\"invalid_client\"}");
      return;
    }
    String token = "token-" + (issued.size() + 1);
    issued.add(token);
    reply(
        exchange,
        200,
        "{\"access_token\":\""
            + token
            + "\",\"token_type\":\"bearer\",\"expires_in\":"
            + expiresIn
            + "}");
  }

  private boolean validAssertion(String jwt) {
    try {
      String[] parts = jwt.split("\\.");
      Signature rsa = Signature.getInstance("SHA384withRSA");
      rsa.initVerify(registered.getPublic());
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!rsa.verify(Base64.getUrlDecoder().decode(parts[2]))) {
        return false;
      }
      JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      long now = clock.instant().getEpochSecond();
      return header.path("alg").asText().equals("RS384")
          && header.path("kid").asText().equals("key-1")
          && claims.path("iss").asText().equals(CLIENT)
          && claims.path("sub").asText().equals(CLIENT)
          && claims.path("aud").asText().equals(tokenUrl.toString())
          && claims.path("exp").asLong() > now
          && claims.path("exp").asLong() <= now + 300
          && seenJti.add(claims.path("jti").asText());
    } catch (Exception e) {
      return false;
    }
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
