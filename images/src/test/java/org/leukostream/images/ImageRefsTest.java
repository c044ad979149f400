package org.leukostream.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.leukostream.avro.ImageRef;

class ImageRefsTest {
  static final BufferedImage PICTURE = TestImages.picture(64, 48);

  @TempDir Path dir;

  ImageRefs refs(Optional<Path> root) {
    return new ImageRefs(List.of(new FileClaimChecks(root)), 1 << 20, 10_000);
  }

  @ParameterizedTest
  @CsvSource({"png,image/png", "jpg,image/jpeg", "bmp,image/bmp", "tiff,image/tiff"})
  void decodesEveryAcceptedEncodingToTheSamePicture(String format, String mediaType)
      throws Exception {
    byte[] data = TestImages.encode(PICTURE, format);
    BufferedImage decoded =
        refs(Optional.empty()).decode(TestImages.inline(data, mediaType, 64, 48));
    assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
    assertThat(decoded.getWidth()).isEqualTo(64);
    int tolerance = format.equals("jpg") ? 16 : 0; // JPEG is lossy, the others exact
    for (int[] at : new int[][] {{2, 2}, {32, 24}}) { // background, nucleus
      int expected = PICTURE.getRGB(at[0], at[1]);
      int actual = decoded.getRGB(at[0], at[1]);
      for (int shift : new int[] {0, 8, 16}) {
        assertThat(Math.abs(((expected >> shift) & 255) - ((actual >> shift) & 255)))
            .isLessThanOrEqualTo(tolerance);
      }
    }
  }

  @Test
  void refusesAChangedByteBeforeDecoding() {
    byte[] data = TestImages.encode(PICTURE, "png");
    ImageRef ref = TestImages.inline(data, "image/png", 64, 48);
    data[data.length / 2] ^= 1; // the ref keeps the original checksum, the buffer changes
    ImageRef tampered =
        ImageRef.newBuilder(ref)
            .setContent(TestImages.inline(data, "image/png", 64, 48).getContent())
            .build();
    assertThatThrownBy(() -> refs(Optional.empty()).decode(tampered))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("checksum mismatch");
  }

  @Test
  void refusesTruncatedBytesThatMatchTheirChecksum() {
    byte[] data = TestImages.encode(PICTURE, "jpg");
    byte[] truncated = Arrays.copyOf(data, 40);
    assertThatThrownBy(
            () -> refs(Optional.empty()).decode(TestImages.inline(truncated, "image/jpeg", 64, 48)))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("image/jpeg bytes could not be decoded");
  }

  @Test
  void refusesWhatTheRecordMisdeclares() {
    byte[] data = TestImages.encode(PICTURE, "png");
    ImageRef ref = TestImages.inline(data, "image/png", 64, 48);
    assertThatThrownBy(
            () -> refs(Optional.empty()).decode(ImageRef.newBuilder(ref).setWidthPx(640).build()))
        .hasMessageContaining("decoded image is 64x48 pixels, the record declares 640x48");
    assertThatThrownBy(
            () ->
                refs(Optional.empty())
                    .decode(ImageRef.newBuilder(ref).setSizeBytes(data.length + 1).build()))
        .hasMessageContaining("the record declares " + (data.length + 1));
    assertThatThrownBy(
            () ->
                refs(Optional.empty())
                    .decode(ImageRef.newBuilder(ref).setMediaType("image/gif").build()))
        .hasMessageContaining("unsupported media type image/gif");
    assertThatThrownBy( // PNG bytes sent as JPEG
            () ->
                refs(Optional.empty())
                    .decode(ImageRef.newBuilder(ref).setMediaType("image/jpeg").build()))
        .hasMessageContaining("could not be decoded");
  }

  @Test
  void refusesOversizeImagesByBytesAndByPixels() {
    byte[] data = TestImages.encode(TestImages.picture(200, 100), "png");
    ImageRef ref = TestImages.inline(data, "image/png", 200, 100);
    assertThatThrownBy(() -> new ImageRefs(List.of(), 100, 1_000_000).decode(ref))
        .hasMessageContaining("over the limit of 100 bytes (oversize)");
    assertThatThrownBy(() -> new ImageRefs(List.of(), 1 << 20, 19_999).decode(ref))
        .hasMessageContaining("200x100 pixels is over the limit of 19999 pixels");
  }

  @Test
  void readsFileClaimChecksOnlyUnderTheirRoot() throws Exception {
    byte[] data = TestImages.encode(PICTURE, "png");
    Path inside = Files.createDirectories(dir.resolve("claims")).resolve("f.png");
    Files.write(inside, data);
    Path outside = Files.write(dir.resolve("other.png"), data);
    ImageRefs rooted = refs(Optional.of(dir.resolve("claims")));

    assertThat(rooted.decode(TestImages.claimCheck(data, inside.toUri().toString(), 64, 48)))
        .extracting(BufferedImage::getHeight)
        .isEqualTo(48);
    assertThatThrownBy(
            () -> rooted.decode(TestImages.claimCheck(data, outside.toUri().toString(), 64, 48)))
        .hasMessageContaining("outside the configured root");
    String escaping = dir.resolve("claims").toUri() + "../other.png";
    assertThatThrownBy(() -> rooted.decode(TestImages.claimCheck(data, escaping, 64, 48)))
        .hasMessageContaining("outside the configured root");
    String missing = dir.resolve("claims/none.png").toUri().toString();
    assertThatThrownBy(() -> rooted.decode(TestImages.claimCheck(data, missing, 64, 48)))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("does not exist");
    String folder = dir.resolve("claims").toUri().toString();
    assertThatThrownBy(() -> rooted.decode(TestImages.claimCheck(data, folder, 64, 48)))
        .isInstanceOf(ImageRejectedException.class)
        .hasMessageContaining("is not a file");
    assertThatThrownBy(
            () -> rooted.decode(TestImages.claimCheck(data, "https://example.org/f.png", 64, 48)))
        .hasMessageContaining("no claim-check store serves https://example.org/f.png");
  }

  @Test
  void withoutARootNoFileIsReadNorCanALinkLeadOutOfTheRoot() throws Exception {
    byte[] data = TestImages.encode(PICTURE, "png");
    Path claims = Files.createDirectories(dir.resolve("claims"));
    Path file = Files.write(claims.resolve("f.png"), data);
    assertThatThrownBy(
            () ->
                refs(Optional.empty())
                    .decode(TestImages.claimCheck(data, file.toUri().toString(), 64, 48)))
        .hasMessageContaining("file:// claim checks are off");
    assertThatThrownBy(
            () ->
                refs(Optional.empty())
                    .decode(TestImages.claimCheck(data, "file:///etc/passwd", 64, 48)))
        .hasMessageContaining("file:// claim checks are off");

    Path secret = Files.write(dir.resolve("secret.png"), data);
    Path link = Files.createSymbolicLink(claims.resolve("link.png"), secret);
    assertThatThrownBy(
            () ->
                refs(Optional.of(claims))
                    .decode(TestImages.claimCheck(data, link.toUri().toString(), 64, 48)))
        .hasMessageContaining("outside the configured root");
  }

  @Test
  void inlinePngRefsRoundTrip() throws Exception {
    ImageRef ref = ImageRefs.inlinePng(PICTURE);
    assertThat(ref.getMediaType()).isEqualTo("image/png");
    assertThat(refs(Optional.empty()).decode(ref).getRGB(10, 10)).isEqualTo(PICTURE.getRGB(10, 10));
  }
}
