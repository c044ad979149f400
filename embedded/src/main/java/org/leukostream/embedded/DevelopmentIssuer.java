package org.leukostream.embedded;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * An OIDC token issuer for development and tests, where no identity provider is reachable: an RSA
 * key pair made in this process, whose public half a service is configured with ({@code
 * quarkus.oidc.public-key}) in place of the provider's keys, and RS256 JWTs with the claims
 * Keycloak puts in an access token (user, audience, roles as {@code groups}). The demo's review
 * page takes its tokens; in tests, a second issuer is a forger: its tokens look right and are
 * signed with the wrong key. Never a production issuer: the key lives as long as the process.
 */
public final class DevelopmentIssuer {
  /** The issuer the tokens name ({@code quarkus.oidc.token.issuer}). */
  public static final String ISSUER = "https://idp.test/realms/lab";

  private final KeyPair keys;

  public DevelopmentIssuer() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.keys = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The service's OIDC settings that make it trust this issuer: the public key and the issuer (plus
   * the caller's own, e.g. the policy that demands a role).
   */
  public Map<String, String> trustedBy() {
    return Map.of(
        "quarkus.oidc.public-key",
        Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
        "quarkus.oidc.token.issuer",
        ISSUER);
  }

  /** A token for {@code user} with {@code audience} and role {@code role}, valid for an hour. */
  public String token(String user, String audience, String role) {
    long now = Instant.now().getEpochSecond();
    String header = base64("{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
    String claims =
        base64(
            "{\"iss\":\""
                + ISSUER
                + "\",\"sub\":\"user-1\",\"preferred_username\":\""
                + user
                + "\",\"aud\":\""
                + audience
                + "\",\"groups\":[\""
                + role
                + "\"],\"iat\":"
                + now
                + ",\"exp\":"
                + (now + 3600)
                + "}");
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(keys.getPrivate());
      rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header
          + "."
          + claims
          + "."
          + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }
}
