package org.leukostream.synthetic;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;
import org.leukostream.synthetic.smear.SmearField;

/**
 * Field records the detector must reject, one of each kind of bad input, with the words its
 * rejection reason carries: a corrupt image, a checksum that does not match, an oversize image, a
 * claim check to a file that does not exist, one to a folder, an unknown specimen, and a claim
 * check to a file outside the claim-check root ({@code /etc/passwd}). A store that cannot be
 * reached is not among them: that is not the field's fault (the detector retries, then stops
 * consuming). The same set runs through the detector service and through the demo's worker, so both
 * are held to the same outcome. {@link #GARBAGE} is a record no schema reads.
 */
public final class FaultyFields {
  /** Not Avro of any schema (no magic byte): dead-lettered with its bytes. */
  public static final byte[] GARBAGE = "not avro".getBytes(StandardCharsets.UTF_8);

  /**
   * @param field the record
   * @param reason words the field's REJECTED result and dead letter give as the reason
   */
  public record Fault(SlideField field, String reason) {}

  private FaultyFields() {}

  /**
   * The faults of case {@code caseId}, field indices 0 to 6, made from a good field.
   *
   * @param claims the detector's claim-check root (the missing file is named in it, not written)
   */
  public static List<Fault> of(String caseId, SmearField smear, Path claims) {
    byte[] png = smear.encode("png");
    return List.of(
        new Fault(
            SyntheticFields.inline(
                caseId, 0, Arrays.copyOf(png, png.length / 3), "image/png", smear),
            "image/png bytes could not be decoded"),
        new Fault(
            SyntheticFields.record(
                caseId,
                1,
                SyntheticFields.ref(png, "image/png", smear)
                    .setSha256("ab".repeat(32))
                    .setContent(new InlineImage(ByteBuffer.wrap(png)))
                    .build()),
            "checksum mismatch"),
        new Fault(
            SyntheticFields.record(
                caseId,
                2,
                SyntheticFields.ref(png, "image/png", smear)
                    .setSizeBytes(64L << 20)
                    .setContent(new InlineImage(ByteBuffer.wrap(png)))
                    .build()),
            "oversize"),
        new Fault(
            SyntheticFields.claimCheck(
                caseId,
                3,
                png,
                "image/png",
                smear,
                claims.resolve("none-" + caseId + ".png").toUri().toString()),
            "does not exist"),
        new Fault(
            SyntheticFields.claimCheck(
                caseId, 4, png, "image/png", smear, claims.toUri().toString()),
            "is not a file"),
        new Fault(
            SyntheticFields.record(
                caseId,
                5,
                SyntheticFields.ref(png, "image/png", smear)
                    .setContent(new InlineImage(ByteBuffer.wrap(png)))
                    .build(),
                SpecimenType.UNKNOWN),
            "specimen type UNKNOWN"),
        new Fault(
            SyntheticFields.claimCheck(caseId, 6, png, "image/png", smear, "file:///etc/passwd"),
            "outside the configured root"));
  }
}
