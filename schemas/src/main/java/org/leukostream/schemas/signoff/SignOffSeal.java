package org.leukostream.schemas.signoff;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;

/**
 * The bridge's seal on the case events its reviewer endpoints write (SIGNED, REOPENED):
 * HMAC-SHA256, under a key only the bridge (and the aggregator, which checks reopenings) holds, of
 * the case, event type, reviewer, corrected decision, comment and time, in the record header
 * {@value #HEADER}. The report topology accepts a sign-off, and the aggregator a reopening, only
 * with a valid seal, so one written straight to {@code case.events.v1} (by a scanner, which may
 * write OPENED and CLOSED there, or any compromised client) changes nothing.
 */
public final class SignOffSeal {
  /** The setting of the key: a secret of at least 32 characters, the same on every replica. */
  public static final String KEY_SETTING = "leukostream.sign.seal-key";

  /** The record header that carries the seal. */
  public static final String HEADER = "leukostream-signoff-seal";

  private static final String ALGORITHM = "HmacSHA256";
  private final SecretKeySpec key;

  /**
   * @param key at least 32 characters, the same on every bridge replica
   */
  public SignOffSeal(String key) {
    if (key == null || key.length() < 32) {
      throw new IllegalArgumentException(
          "The sign-off seal key needs at least 32 characters (" + KEY_SETTING + ")");
    }
    this.key = new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** A key of this process only: for runs whose sign-offs no other process checks (the demo). */
  public static SignOffSeal random() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new SignOffSeal(Base64.getEncoder().encodeToString(bytes));
  }

  /** The seal of {@code event}, Base64. */
  public String seal(CaseEvent event) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return Base64.getEncoder()
          .encodeToString(mac.doFinal(content(event).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }

  /** Whether {@code headers} carry this bridge's seal of {@code event}. */
  public boolean verify(CaseEvent event, Headers headers) {
    Header header = headers == null ? null : headers.lastHeader(HEADER);
    if (header == null || header.value() == null) {
      return false;
    }
    return MessageDigest.isEqual(seal(event).getBytes(StandardCharsets.UTF_8), header.value());
  }

  private static String content(CaseEvent event) {
    String content =
        String.join(
            "\n",
            event.getCaseId(),
            Objects.toString(event.getReviewerId(), ""),
            Objects.toString(event.getCorrectedDecision(), ""),
            Objects.toString(event.getComment(), ""),
            String.valueOf(event.getOccurredAt().toEpochMilli()));
    // appended only when set, so that seals made before amendments existed stay valid
    if (event.getAmendmentReason() != null) {
      content += "\namended: " + event.getAmendmentReason();
    }
    // the type, for every type but SIGNED (older seals were of SIGNED only): a sealed sign-off
    // cannot be turned into a reopening
    if (event.getType() != CaseEventType.SIGNED) {
      content += "\ntype: " + event.getType();
    }
    return content;
  }
}
