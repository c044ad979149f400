package org.leukostream.ehr.delivery;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the FHIR client's bearer token comes from, asked before every request: a fixed or mounted
 * token, or an OAuth 2.0 token endpoint ({@link ClientCredentials}). A token the server refused is
 * reported back, so the next request gets a fresh one.
 */
public interface AccessTokens {
  /** No token: the server wants none. */
  AccessTokens NONE = of(Optional::empty);

  /**
   * The token to send now.
   *
   * @throws TokenUnavailableException when the token endpoint cannot give one now (retried like an
   *     unreachable FHIR server)
   */
  Optional<String> current();

  /** The server refused {@code token} (401 / 403): do not hand it out again. */
  default void refused(String token) {}

  /** A source with nothing to refresh: the supplier is asked each time (a Secret's file). */
  static AccessTokens of(Supplier<Optional<String>> supplier) {
    return supplier::get;
  }

  /** The token endpoint did not give a token (unreachable, refused the client, 5xx). */
  final class TokenUnavailableException extends RuntimeException {
    public TokenUnavailableException(String message) {
      super(message);
    }

    public TokenUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
