package org.leukostream.images;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;

/**
 * Reads the image an {@link ImageRef} carries, inline or behind a claim check, and checks it before
 * it is used: declared size within the limit and equal to the bytes received, SHA-256 equal, a
 * supported media type, dimensions within the pixel limit (read from the header, before decoding)
 * and equal to the declared ones. Every failure of the image is an {@link ImageRejectedException}
 * that says which check failed; a store that cannot serve a claim check now is an {@link
 * ImageStoreUnavailableException}. Thread-safe.
 */
public final class ImageRefs {
  /** The encodings a scanner may send (JPEG, PNG, BMP, TIFF: the JDK's own decoders). */
  public static final Set<String> MEDIA_TYPES =
      Set.of("image/jpeg", "image/png", "image/bmp", "image/tiff");

  private final List<ClaimCheckReader> readers;
  private final long maxBytes;
  private final long maxPixels;

  /**
   * @param readers the claim-check schemes served ({@code file}, {@code s3})
   * @param maxBytes largest encoded image accepted
   * @param maxPixels largest decoded image accepted, width x height
   */
  public ImageRefs(List<ClaimCheckReader> readers, long maxBytes, long maxPixels) {
    this.readers = List.copyOf(readers);
    this.maxBytes = maxBytes;
    this.maxPixels = maxPixels;
  }

  /** The checked, encoded bytes of {@code ref}. */
  public byte[] bytes(ImageRef ref) throws ImageRejectedException, ImageStoreUnavailableException {
    if (!MEDIA_TYPES.contains(ref.getMediaType())) {
      throw new ImageRejectedException(
          "unsupported media type " + ref.getMediaType() + "; accepted: " + MEDIA_TYPES);
    }
    if (ref.getSizeBytes() > maxBytes) {
      throw new ImageRejectedException(
          "image of "
              + ref.getSizeBytes()
              + " bytes is over the limit of "
              + maxBytes
              + " bytes (oversize)");
    }
    byte[] data;
    if (ref.getContent() instanceof InlineImage inline) {
      data = toArray(inline.getData());
    } else {
      data = fetch(URI.create(((ClaimCheck) ref.getContent()).getUri()));
    }
    if (data.length != ref.getSizeBytes()) {
      throw new ImageRejectedException(
          "image holds " + data.length + " bytes, the record declares " + ref.getSizeBytes());
    }
    String sha = sha256(data);
    if (!sha.equalsIgnoreCase(ref.getSha256())) {
      throw new ImageRejectedException(
          "checksum mismatch: SHA-256 of the bytes is " + sha + ", declared " + ref.getSha256());
    }
    return data;
  }

  /** The checked image of {@code ref}, decoded to 8-bit RGB. */
  public BufferedImage decode(ImageRef ref)
      throws ImageRejectedException, ImageStoreUnavailableException {
    byte[] data = bytes(ref);
    BufferedImage image = decode(data, ref.getMediaType(), maxPixels);
    if (image.getWidth() != ref.getWidthPx() || image.getHeight() != ref.getHeightPx()) {
      throw new ImageRejectedException(
          "decoded image is "
              + image.getWidth()
              + "x"
              + image.getHeight()
              + " pixels, the record declares "
              + ref.getWidthPx()
              + "x"
              + ref.getHeightPx());
    }
    return image;
  }

  /**
   * Decodes {@code data} as {@code mediaType}, refusing images over {@code maxPixels} before their
   * pixels are read.
   */
  public static BufferedImage decode(byte[] data, String mediaType, long maxPixels)
      throws ImageRejectedException {
    Iterator<ImageReader> found = ImageIO.getImageReadersByMIMEType(mediaType);
    if (!found.hasNext()) {
      throw new ImageRejectedException("no decoder for " + mediaType);
    }
    ImageReader reader = found.next();
    // In memory, never ImageIO's file cache: no temporary files, and no stream that the JDK's
    // shutdown hook closes under a decode in progress (which would look like a corrupt image).
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data))) {
      reader.setInput(in, true, true);
      long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
      if (pixels > maxPixels) {
        throw new ImageRejectedException(
            "image of "
                + reader.getWidth(0)
                + "x"
                + reader.getHeight(0)
                + " pixels is over the limit of "
                + maxPixels
                + " pixels");
      }
      BufferedImage decoded = reader.read(0);
      return toRgb(decoded);
    } catch (IOException | RuntimeException e) {
      throw new ImageRejectedException(
          mediaType + " bytes could not be decoded: " + e.getMessage(), e);
    } finally {
      reader.dispose();
    }
  }

  /** {@code image} as a PNG carried inline, with its size and checksum. */
  public static ImageRef inlinePng(BufferedImage image) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(image.getWidth() * image.getHeight());
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(image);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] data = out.toByteArray();
    return ImageRef.newBuilder()
        .setMediaType("image/png")
        .setWidthPx(image.getWidth())
        .setHeightPx(image.getHeight())
        .setSizeBytes(data.length)
        .setSha256(sha256(data))
        .setContent(new InlineImage(ByteBuffer.wrap(data)))
        .build();
  }

  /** SHA-256 of {@code data} as 64 lower-case hex digits. */
  public static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] fetch(URI uri) throws ImageRejectedException, ImageStoreUnavailableException {
    for (ClaimCheckReader reader : readers) {
      if (reader.serves(uri)) {
        return reader.read(uri, maxBytes);
      }
    }
    throw new ImageRejectedException("no claim-check store serves " + uri);
  }

  private static byte[] toArray(ByteBuffer buffer) {
    ByteBuffer copy = buffer.duplicate();
    byte[] out = new byte[copy.remaining()];
    copy.get(out);
    return out;
  }

  private static BufferedImage toRgb(BufferedImage image) {
    if (image.getType() == BufferedImage.TYPE_INT_RGB) {
      return image;
    }
    BufferedImage rgb =
        new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = rgb.createGraphics();
    try {
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return rgb;
  }
}
