package org.leukostream.ehr.delivery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Posts a transaction Bundle to a FHIR server's base URL (FHIR R4 RESTful API, "transaction"
 * interaction) and tells apart the three answers that matter: taken, rejected (the server's
 * OperationOutcome, a 4xx for the content: sending it again will not help) and unavailable (no
 * answer, 5xx, 408, 429, or 401 / 403: the token, not the report, was refused; worth retrying). The
 * bearer token is asked for before every request, so a rotated token (a Secret's file) is used
 * without a restart, and one the server refuses is handed back to its source ({@link AccessTokens})
 * so that the next attempt gets a fresh one; a token endpoint that cannot give one is "unavailable"
 * too.
 */
public final class FhirServerClient {
  static final String FHIR_JSON = "application/fhir+json";

  /** What the server did with a Bundle. */
  public sealed interface Outcome {
    /** Taken (2xx). */
    record Accepted(int status) implements Outcome {}

    /** Refused for its content; {@code body} is the server's OperationOutcome, if it sent one. */
    record Rejected(int status, String body) implements Outcome {}

    /** No usable answer; retry later. */
    record Unavailable(String reason) implements Outcome {}
  }

  private final URI base;
  private final AccessTokens tokens;
  private final Duration timeout;
  private final HttpClient http;

  /**
   * @param tokens the token to send, asked for before every request
   */
  public FhirServerClient(URI base, AccessTokens tokens, Duration timeout) {
    this.base = base;
    this.tokens = tokens;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public URI base() {
    return base;
  }

  /** Posts {@code bundleJson} (a transaction Bundle) to the base URL. */
  public Outcome post(String bundleJson) throws InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base)
            .timeout(timeout)
            .header("Content-Type", FHIR_JSON + "; charset=UTF-8")
            .header("Accept", FHIR_JSON)
            .POST(HttpRequest.BodyPublishers.ofString(bundleJson));
    Optional<String> token;
    try {
      token = tokens.current();
    } catch (AccessTokens.TokenUnavailableException e) {
      return new Outcome.Unavailable("no token for " + base + ": " + e.getMessage());
    }
    token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int status = response.statusCode();
      if (status >= 200 && status < 300) {
        return new Outcome.Accepted(status);
      }
      if (status == 408 || status == 429 || status >= 500) {
        return new Outcome.Unavailable("HTTP " + status + " from " + base);
      }
      if (status == 401 || status == 403) {
        token.ifPresent(tokens::refused);
        return new Outcome.Unavailable(
            "HTTP " + status + " from " + base + ": the bearer token was refused (expired?)");
      }
      return new Outcome.Rejected(status, response.body());
    } catch (HttpTimeoutException e) {
      return new Outcome.Unavailable("no answer from " + base + " within " + timeout);
    } catch (IOException e) {
      return new Outcome.Unavailable(base + " unreachable: " + e);
    }
  }
}
