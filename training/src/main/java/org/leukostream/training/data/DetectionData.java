package org.leukostream.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Detection data sets: Pascal VOC (BCCD: {@code Annotations/*.xml}, {@code JPEGImages/}, {@code
 * ImageSets/Main/<set>.txt}) and YOLO (TXL-PBC: {@code images/<split>/*.jpg}, {@code
 * labels/<split>/*.txt} of {@code class cx cy w h}, normalised). Only the boxes of the wanted
 * classes (the white cells) are kept; a field with none is kept too (it teaches the background).
 */
public final class DetectionData {
  /** A box in field pixels. */
  public record Box(double x, double y, double width, double height) {}

  /** One annotated field. */
  public record Field(Path image, int width, int height, List<Box> boxes) {}

  private DetectionData() {}

  /**
   * The fields of image set {@code set} (train, val, test, trainval) with boxes named {@code
   * names}.
   */
  public static List<Field> pascalVoc(Path root, String set, Set<String> names) {
    Path list = root.resolve("ImageSets").resolve("Main").resolve(set + ".txt");
    List<Field> out = new ArrayList<>();
    try {
      var factory = DocumentBuilderFactory.newInstance();
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setExpandEntityReferences(false);
      var builder = factory.newDocumentBuilder();
      for (String id : Files.readAllLines(list, StandardCharsets.UTF_8)) {
        if (id.isBlank()) {
          continue;
        }
        Document xml =
            builder.parse(root.resolve("Annotations").resolve(id.trim() + ".xml").toFile());
        Element size = (Element) xml.getElementsByTagName("size").item(0);
        int width = integer(size, "width");
        int height = integer(size, "height");
        List<Box> boxes = new ArrayList<>();
        NodeList objects = xml.getElementsByTagName("object");
        for (int i = 0; i < objects.getLength(); i++) {
          Element object = (Element) objects.item(i);
          if (!names.contains(text(object, "name"))) {
            continue;
          }
          Element b = (Element) object.getElementsByTagName("bndbox").item(0);
          double x1 = Math.max(0, number(b, "xmin"));
          double y1 = Math.max(0, number(b, "ymin"));
          double x2 = Math.min(width, number(b, "xmax"));
          double y2 = Math.min(height, number(b, "ymax"));
          if (x2 > x1 && y2 > y1) {
            boxes.add(new Box(x1, y1, x2 - x1, y2 - y1));
          }
        }
        Path image = root.resolve("JPEGImages").resolve(id.trim() + ".jpg");
        out.add(new Field(image, width, height, boxes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read Pascal VOC set " + list, e);
    } catch (Exception e) {
      throw new IllegalArgumentException(
          "Bad Pascal VOC annotation under " + root + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** The fields of {@code split} (train, val) with boxes of class ids {@code classes}. */
  public static List<Field> yolo(Path root, String split, Set<Integer> classes) {
    Path images = root.resolve("images").resolve(split);
    Path labels = root.resolve("labels").resolve(split);
    List<Field> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(images)) {
      for (Path image : files.filter(ClassFolders::isImage).sorted().toList()) {
        int[] size = size(image);
        String name = image.getFileName().toString();
        Path label = labels.resolve(name.substring(0, name.lastIndexOf('.')) + ".txt");
        List<Box> boxes = new ArrayList<>();
        if (Files.exists(label)) {
          for (String line : Files.readAllLines(label, StandardCharsets.UTF_8)) {
            String[] v = line.trim().split("\\s+");
            if (v.length < 5 || !classes.contains(Integer.parseInt(v[0]))) {
              continue;
            }
            double w = Double.parseDouble(v[3]) * size[0];
            double h = Double.parseDouble(v[4]) * size[1];
            double x = Double.parseDouble(v[1]) * size[0] - w / 2;
            double y = Double.parseDouble(v[2]) * size[1] - h / 2;
            boxes.add(new Box(Math.max(0, x), Math.max(0, y), w, h));
          }
        }
        out.add(new Field(image, size[0], size[1], boxes));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read YOLO split " + images, e);
    }
    return out;
  }

  /** Width and height from the image header, without decoding the pixels. */
  static int[] size(Path image) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(image.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new IOException("No decoder for " + image);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new int[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    }
  }

  private static String text(Element parent, String tag) {
    return parent.getElementsByTagName(tag).item(0).getTextContent().trim();
  }

  private static int integer(Element parent, String tag) {
    return (int) Math.round(number(parent, tag));
  }

  private static double number(Element parent, String tag) {
    return Double.parseDouble(text(parent, tag).toLowerCase(Locale.ROOT));
  }
}
