package org.leukostream.synthetic;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.synthetic.smear.SmearField;

/**
 * {@code slide.fields.v1} records of real encoded images, as a scanner sends them: inline, or with
 * a claim check pointing at where the caller stored the same bytes.
 */
public final class SyntheticFields {
  /** A pseudonymous key (64 hex digits), as the scanner side derives it; no real identifier. */
  public static final String PATIENT_KEY = "0".repeat(63) + "1";

  private SyntheticFields() {}

  /** {@code field} PNG-encoded and carried inline. */
  public static SlideField inline(String caseId, int fieldIndex, SmearField field) {
    return inline(caseId, fieldIndex, field.encode("png"), "image/png", field);
  }

  /** {@code data} (an encoding of {@code field}) carried inline as {@code mediaType}. */
  public static SlideField inline(
      String caseId, int fieldIndex, byte[] data, String mediaType, SmearField field) {
    return record(
        caseId,
        fieldIndex,
        ref(data, mediaType, field).setContent(new InlineImage(ByteBuffer.wrap(data))).build());
  }

  /** {@code data} behind the claim check {@code uri}. */
  public static SlideField claimCheck(
      String caseId, int fieldIndex, byte[] data, String mediaType, SmearField field, String uri) {
    return record(
        caseId, fieldIndex, ref(data, mediaType, field).setContent(new ClaimCheck(uri)).build());
  }

  /** A field record around {@code image}, bone marrow, captured now. */
  public static SlideField record(String caseId, int fieldIndex, ImageRef image) {
    return record(caseId, fieldIndex, image, SpecimenType.BONE_MARROW);
  }

  /**
   * A field record around {@code image}, captured now. (Built from scratch: Avro's copying builders
   * resolve classes through another class loader inside Quarkus tests.)
   */
  public static SlideField record(
      String caseId, int fieldIndex, ImageRef image, SpecimenType specimenType) {
    return SlideField.newBuilder()
        .setCaseId(caseId)
        .setPatientKey(PATIENT_KEY)
        .setFieldIndex(fieldIndex)
        .setSpecimenType(specimenType)
        .setCapturedAt(Instant.now())
        .setScannerId("synthetic")
        .setImage(image)
        .build();
  }

  /** The ref of {@code data}, an encoding of {@code field}, without its content. */
  public static ImageRef.Builder ref(byte[] data, String mediaType, SmearField field) {
    return ImageRef.newBuilder()
        .setMediaType(mediaType)
        .setWidthPx(field.image().getWidth())
        .setHeightPx(field.image().getHeight())
        .setSizeBytes(data.length)
        .setSha256(sha256(data));
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
