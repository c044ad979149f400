package org.leukostream.ehr.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bearer tokens from an OAuth 2.0 token endpoint by the client-credentials grant, as EHR vendors'
 * FHIR servers hand them to back-end services: with a client secret (HTTP Basic), or, in the SMART
 * Backend Services way, with a JWT assertion signed by the client's private key (RS384, {@code
 * private_key_jwt}). A token is kept until shortly before it expires, or until the FHIR server
 * refuses it; the secret and key files are read again at every fetch, so rotated Secrets need no
 * restart.
 */
public final class ClientCredentials implements AccessTokens {
  static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  /** A token is renewed this long before its expiry. */
  private static final Duration EARLY = Duration.ofSeconds(30);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Settings settings;
  private final HttpClient http;
  private final Clock clock;
  private String token;
  private Instant renewAt = Instant.MIN;

  /**
   * How the client authenticates at the token endpoint.
   *
   * @param tokenUrl the token endpoint
   * @param clientId the client's id
   * @param scope space-separated scopes to ask for, or empty
   * @param clientSecretFile a file holding the client secret (Basic authentication), or
   * @param privateKeyFile a PKCS#8 PEM RSA key that signs a JWT assertion (RS384)
   * @param keyId the {@code kid} of that key in the client's published JWKS, or empty
   */
  public record Settings(
      URI tokenUrl,
      String clientId,
      Optional<String> scope,
      Optional<Path> clientSecretFile,
      Optional<Path> privateKeyFile,
      Optional<String> keyId,
      Duration timeout) {
    public Settings {
      if (clientSecretFile.isPresent() == privateKeyFile.isPresent()) {
        throw new IllegalArgumentException(
            "OAuth client credentials need exactly one of client-secret-file and private-key-file");
      }
    }
  }

  public ClientCredentials(Settings settings) {
    this(settings, Clock.systemUTC());
  }

  ClientCredentials(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
    this.http = HttpClient.newBuilder().connectTimeout(settings.timeout()).build();
  }

  @Override
  public synchronized Optional<String> current() {
    if (token == null || !clock.instant().isBefore(renewAt)) {
      fetch();
    }
    return Optional.of(token);
  }

  @Override
  public synchronized void refused(String refused) {
    if (refused.equals(token)) {
      token = null;
    }
  }

  private void fetch() {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("grant_type", "client_credentials");
    settings.scope().ifPresent(scope -> form.put("scope", scope));
    HttpRequest.Builder request =
        HttpRequest.newBuilder(settings.tokenUrl())
            .timeout(settings.timeout())
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json");
    if (settings.privateKeyFile().isPresent()) {
      form.put("client_assertion_type", ASSERTION_TYPE);
      form.put("client_assertion", assertion(privateKey(settings.privateKeyFile().get())));
    } else {
      String secret = read(settings.clientSecretFile().get()).strip();
      String basic =
          URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8)
              + ":"
              + URLEncoder.encode(secret, StandardCharsets.UTF_8);
      request.header(
          "Authorization",
          "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    String body =
        form.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response;
    try {
      response =
          http.send(
              request.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TokenUnavailableException(
          "token endpoint " + settings.tokenUrl() + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenUnavailableException("interrupted while asking for a token", e);
    }
    if (response.statusCode() != 200) {
      throw new TokenUnavailableException(
          "token endpoint "
              + settings.tokenUrl()
              + " answered HTTP "
              + response.statusCode()
              + errorOf(response.body()));
    }
    try {
      JsonNode answer = JSON.readTree(response.body());
      String accessToken = answer.path("access_token").asText("");
      if (accessToken.isEmpty()) {
        throw new TokenUnavailableException(
            "token endpoint " + settings.tokenUrl() + " answered without an access_token");
      }
      long seconds = answer.path("expires_in").asLong(300);
      Instant now = clock.instant();
      Instant expires = now.plusSeconds(seconds);
      this.token = accessToken;
      this.renewAt = expires.minus(EARLY).isAfter(now) ? expires.minus(EARLY) : now;
    } catch (IOException e) {
      throw new TokenUnavailableException(
          "token endpoint " + settings.tokenUrl() + " answered no JSON", e);
    }
  }

  /** The SMART Backend Services client assertion: iss = sub = client id, aud = token URL. */
  private String assertion(PrivateKey key) {
    long now = clock.instant().getEpochSecond();
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS384");
    header.put("typ", "JWT");
    settings.keyId().ifPresent(kid -> header.put("kid", kid));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", settings.clientId());
    claims.put("sub", settings.clientId());
    claims.put("aud", settings.tokenUrl().toString());
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("iat", now);
    claims.put("exp", now + 240);
    try {
      String signingInput =
          base64(JSON.writeValueAsBytes(header)) + "." + base64(JSON.writeValueAsBytes(claims));
      Signature rsa = Signature.getInstance("SHA384withRSA");
      rsa.initSign(key);
      rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64(rsa.sign());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("Cannot sign the client assertion", e);
    }
  }

  private static PrivateKey privateKey(Path pem) {
    String text = read(pem);
    if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
      throw new IllegalArgumentException(
          pem + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    String base64 = text.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException(pem + " holds no usable RSA private key", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new TokenUnavailableException("OAuth credentials file " + file + " unreadable", e);
    }
  }

  private static String errorOf(String body) {
    try {
      JsonNode error = JSON.readTree(body);
      return error.has("error") ? " (" + error.path("error").asText() + ")" : "";
    } catch (IOException e) {
      return "";
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
