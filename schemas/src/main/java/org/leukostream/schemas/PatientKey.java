package org.leukostream.schemas;

import java.util.regex.Pattern;

/**
 * The one patient reference the contracts carry: {@code HMAC-SHA256(secret, patient identifier)} as
 * 64 lower-case hex digits. Anything else may be an identifier in clear (a record number, a name)
 * and is refused where a case enters the system's state, without repeating it in the error.
 */
public final class PatientKey {
  private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{64}");

  private PatientKey() {}

  /** Whether {@code key} has the pseudonym's form. */
  public static boolean isValid(String key) {
    return key != null && FORMAT.matcher(key).matches();
  }

  /**
   * Returns {@code key}, or refuses it.
   *
   * @throws IllegalArgumentException naming its length only, never its characters
   */
  public static String require(String key) {
    if (!isValid(key)) {
      throw new IllegalArgumentException(
          "patientKey is not a pseudonym (64 lower-case hex digits of HMAC-SHA256), it has "
              + (key == null ? "no value" : key.length() + " characters")
              + "; an identifier in clear is refused and not repeated here");
    }
    return key;
  }
}
