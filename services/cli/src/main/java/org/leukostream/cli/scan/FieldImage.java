package org.leukostream.cli.scan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.leukostream.images.ImageRefs;
import org.leukostream.images.ImageRejectedException;

/**
 * One field image, read and fully decoded once before anything is sent, so a scan either sends a
 * whole case or nothing.
 *
 * @param name where it came from (file name), for messages
 * @param data the encoded bytes, sent as they are
 * @param mediaType from the bytes' signature, not the file name
 */
public record FieldImage(String name, byte[] data, String mediaType, int width, int height) {

  /** Image files of a folder (sorted by name) or the files themselves, in the order given. */
  public static List<Path> expand(List<Path> inputs) {
    List<Path> out = new ArrayList<>();
    for (Path input : inputs) {
      if (Files.isDirectory(input)) {
        try (Stream<Path> files = Files.list(input)) {
          files.filter(FieldImage::looksLikeImage).sorted().forEach(out::add);
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list " + input, e);
        }
      } else {
        out.add(input);
      }
    }
    return out;
  }

  /**
   * Reads and checks every file; one report of all the files that cannot be sent.
   *
   * @throws IllegalArgumentException naming each unreadable, unsupported or corrupt file
   */
  public static List<FieldImage> readAll(List<Path> files, long maxPixels) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("No field images given");
    }
    List<FieldImage> out = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Path file : files) {
      try {
        out.add(read(file, maxPixels));
      } catch (IOException | ImageRejectedException e) {
        refused.add(file + ": " + e.getMessage());
      }
    }
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(
          refused.size()
              + " of "
              + files.size()
              + " field images cannot be sent, nothing was sent:\n  "
              + String.join("\n  ", refused));
    }
    return out;
  }

  static FieldImage read(Path file, long maxPixels) throws IOException, ImageRejectedException {
    byte[] data = Files.readAllBytes(file);
    return of(file.getFileName().toString(), data, maxPixels);
  }

  /** {@code data} checked: a supported signature, decodable, within {@code maxPixels}. */
  public static FieldImage of(String name, byte[] data, long maxPixels)
      throws ImageRejectedException {
    String type = mediaType(data);
    if (type == null) {
      throw new ImageRejectedException("not a JPEG, PNG, BMP or TIFF image (unknown signature)");
    }
    var image = ImageRefs.decode(data, type, maxPixels);
    return new FieldImage(name, data, type, image.getWidth(), image.getHeight());
  }

  /** The media type of {@code data} from its first bytes, or null. */
  static String mediaType(byte[] d) {
    if (d.length >= 3 && (d[0] & 0xff) == 0xff && (d[1] & 0xff) == 0xd8 && (d[2] & 0xff) == 0xff) {
      return "image/jpeg";
    }
    if (d.length >= 8 && (d[0] & 0xff) == 0x89 && d[1] == 'P' && d[2] == 'N' && d[3] == 'G') {
      return "image/png";
    }
    if (d.length >= 2 && d[0] == 'B' && d[1] == 'M') {
      return "image/bmp";
    }
    if (d.length >= 4
        && ((d[0] == 'I' && d[1] == 'I' && d[2] == 42 && d[3] == 0)
            || (d[0] == 'M' && d[1] == 'M' && d[2] == 0 && d[3] == 42))) {
      return "image/tiff";
    }
    return null;
  }

  /** The file extension the media type is stored under in a claim-check store. */
  String extension() {
    return mediaType.substring("image/".length()).replace("jpeg", "jpg");
  }

  private static boolean looksLikeImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file)
        && Stream.of(".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff").anyMatch(name::endsWith);
  }
}
