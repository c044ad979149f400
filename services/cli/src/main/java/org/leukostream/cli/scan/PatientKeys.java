package org.leukostream.cli.scan;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The scanner side's pseudonymisation: {@code patientKey = HMAC-SHA256(secret, identifier)} as 64
 * lower-case hex digits. The identifier never leaves this class; the secret comes from the
 * environment and stays on the scanner side (it is not in the cluster).
 */
public final class PatientKeys {
  /** The environment variable holding the secret. */
  public static final String SECRET_VARIABLE = "LEUKOSTREAM_PATIENT_KEY_SECRET";

  /** Shortest secret accepted, in bytes (UTF-8): half the HMAC-SHA256 block, 128 bits and up. */
  public static final int MINIMUM_SECRET_BYTES = 16;

  private final SecretKeySpec key;

  public PatientKeys(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    if (bytes.length < MINIMUM_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "The patient-key secret must be at least " + MINIMUM_SECRET_BYTES + " bytes long");
    }
    this.key = new SecretKeySpec(bytes, "HmacSHA256");
  }

  /**
   * The keys of the secret in {@link #SECRET_VARIABLE}.
   *
   * @throws IllegalStateException when it is not set (a scan refuses to run without it)
   */
  public static PatientKeys fromEnvironment(Map<String, String> environment) {
    String secret = environment.get(SECRET_VARIABLE);
    if (secret == null || secret.isBlank()) {
      throw new IllegalStateException(
          "No patient-key secret: set "
              + SECRET_VARIABLE
              + " (at least "
              + MINIMUM_SECRET_BYTES
              + " bytes; the same secret for every scan of a site, so a patient keeps one key)");
    }
    return new PatientKeys(secret);
  }

  /** The pseudonymous key of {@code patientId} (trimmed; never empty). */
  public String of(String patientId) {
    String id = patientId == null ? "" : patientId.strip();
    if (id.isEmpty()) {
      throw new IllegalArgumentException("An empty patient identifier has no key");
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
