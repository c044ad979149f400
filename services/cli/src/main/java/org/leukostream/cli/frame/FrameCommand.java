package org.leukostream.cli.frame;

import ai.djl.translate.TranslateException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.leukostream.cli.pipeline.RealCellOptions;
import org.leukostream.cli.pipeline.ServiceConfigs;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.detector.core.LoadedDetector;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.store.StoredModel;
import org.leukostream.synthetic.smear.CellImage;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearField;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.SyntheticCells;
import org.leukostream.training.detect.CellFraming;
import org.leukostream.training.train.Progress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream frame}: a copy of a single-cell data set whose images are cut the way the
 * detector service cuts cells out of fields ({@link CellFraming}), for training and evaluating
 * classifiers on what they see in service.
 */
@Command(
    name = "frame",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a copy of a single-cell data set (class folders) with every image cut the way the"
          + " detector service cuts a cell out of a field: the detector finds the cell, the crop is"
          + " the service's square (margin, size). Same folders and file names; OUT/framing.tsv"
          + " says per image whether the detector found the cell or the expected square was cut.",
      "Train and evaluate with --data OUT/... as with the original set."
    })
public final class FrameCommand implements Callable<Integer> {
  private static final String P = "leukostream.detector.";

  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, description = "The data set's folder.")
  Path data;

  @Option(names = "--out", required = true, description = "Folder the framed copy is written to.")
  Path out;

  @Option(
      names = "--placement",
      defaultValue = "field",
      description =
          "field (default): each image is placed alone on a synthetic field as `demo --data` and"
              + " `validate` place their cells (same scale, fading, red cells), and the detector"
              + " looks for it there; image: the detector looks at the image itself.")
  Placement placement;

  /** Where the detector looks for an image's cell. */
  enum Placement {
    field,
    image
  }

  @Option(
      names = "--red-cell-px",
      defaultValue = RealCellOptions.MATEK_RED_CELL_PX,
      description =
          "A red cell's diameter in the images, in pixels (default 90, Matek's 250 px crops; PBC's"
              + " 360 px crops: about 75): sets their pixel size (7.5 um over it).")
  double redCellPixels;

  @Option(
      names = "--field-magnification",
      defaultValue = "2.65",
      description =
          "With --placement field: fields drawn M times finer than the synthetic ones (red cell 34"
              + " x M px), as `validate --field-magnification`; default 2.65, Matek's own"
              + " resolution.")
  double fieldMagnification;

  @Option(
      names = "--cell-fraction",
      defaultValue = RealCellOptions.MATEK_CELL_FRACTION,
      description =
          "Share of an image's width its cell spans (default 0.6, Matek's; PBC 0.4): where the"
              + " cell is, and what is cut where the detector does not find it.")
  double cellFraction;

  @Option(
      names = "--fields",
      defaultValue = "0",
      description =
          "Also write the first N fields (or images) the detector looked at, the cell's known box"
              + " in green and the detection nearest to it in red, under OUT/fields.")
  int fields;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the fields (default 1).")
  long seed;

  @Option(
      names = "--detector",
      description = "A detector model directory instead of the service's configured one.")
  String detectorModel;

  @Option(
      names = "--margin",
      description = "Context around the box instead of the service's (crop.margin, 0.15).")
  Double margin;

  @Option(
      names = "--score-threshold",
      description = "Detector score threshold instead of the service's (score-threshold, 0.2).")
  Double scoreThreshold;

  @Option(names = "--size", description = "Crop side instead of the service's (crop.size, 128).")
  Integer size;

  @Override
  public Integer call() throws IOException, TranslateException {
    if (!Files.isDirectory(data)) {
      throw new ParameterException(spec.commandLine(), "No folder " + data);
    }
    if (!(redCellPixels > 0 && cellFraction > 0 && cellFraction <= 1)) {
      throw new ParameterException(
          spec.commandLine(), "--red-cell-px must be > 0 and --cell-fraction in (0, 1]");
    }
    SmearGenerator.Options field;
    try {
      field = SmearGenerator.Options.DEFAULT.magnified(fieldMagnification);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    SmearGenerator generator = new SmearGenerator(seed);
    if (out.toAbsolutePath().normalize().startsWith(data.toAbsolutePath().normalize())) {
      throw new ParameterException(spec.commandLine(), "--out must lie outside --data");
    }
    Properties overrides = new Properties();
    if (detectorModel != null) {
      overrides.setProperty(P + "model", detectorModel);
    }
    if (margin != null) {
      overrides.setProperty(P + "crop.margin", margin.toString());
    }
    if (scoreThreshold != null) {
      overrides.setProperty(P + "score-threshold", scoreThreshold.toString());
    }
    if (size != null) {
      overrides.setProperty(P + "crop.size", size.toString());
    }
    DetectorConfig settings = ServiceConfigs.detector(overrides).settings();
    List<Path> images = images(data);
    if (images.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "No images under " + data);
    }
    PrintWriter err = spec.commandLine().getErr();
    Map<String, int[]> perFolder = new TreeMap<>();
    Files.createDirectories(out);
    try (StoredModel model = LoadedDetector.model(settings);
        WbcDetector detector = LoadedDetector.detector(model, settings);
        Writer tsv = Files.newBufferedWriter(out.resolve("framing.tsv"))) {
      CellFraming framing = new CellFraming(detector, LoadedDetector.cropExtractor(settings));
      tsv.write(
          "# file\tdetected\tx\ty\twidth\theight\tscore\tdetections\tbest IoU\tknown x\t"
              + "known y\tknown width\tknown height\n");
      long start = System.nanoTime();
      for (int i = 0; i < images.size(); i++) {
        Path relative = data.relativize(images.get(i));
        BufferedImage image = ImageIO.read(images.get(i).toFile());
        if (image == null) {
          err.printf("%nskipped %s: not an image%n", relative);
          continue;
        }
        BufferedImage where = image;
        CellFraming.Framed framed;
        if (placement == Placement.field) {
          SmearField placed =
              generator.field(
                  List.of(new CellImage(image, CellType.LYMPHOCYTE, cellFraction)),
                  field.redCellDiameter() / redCellPixels,
                  field);
          Rectangle at = placed.cells().get(0).box();
          where = placed.image();
          framed =
              framing.frame(
                  where,
                  new CellDetection(at.x, at.y, at.width, at.height, 1, "placed"),
                  OptionalDouble.of(field.micrometresPerPixel()));
        } else {
          framed =
              framing.frame(
                  image,
                  CellFraming.centred(image.getWidth(), image.getHeight(), cellFraction),
                  OptionalDouble.of(SmearGenerator.Options.RED_CELL_MICROMETRES / redCellPixels));
        }
        if (i < fields) {
          drawBoxes(where, framed);
          write(
              where, out.resolve("fields").resolve(relative.toString().replace('/', '_') + ".png"));
        }
        Path target = write(framed.crop(), out.resolve(relative));
        CellDetection n = framed.nearest();
        CellDetection known = framed.known();
        tsv.write(
            String.format(
                Locale.ROOT,
                "%s\t%s\t%.1f\t%.1f\t%.1f\t%.1f\t%.3f\t%d\t%.3f\t%.1f\t%.1f\t%.1f\t%.1f%n",
                out.relativize(target),
                framed.detected(),
                n.x(),
                n.y(),
                n.width(),
                n.height(),
                framed.detections() > 0 ? n.score() : Double.NaN,
                framed.detections(),
                framed.overlap(),
                known.x(),
                known.y(),
                known.width(),
                known.height()));
        int[] counts =
            perFolder.computeIfAbsent(
                relative.getParent() == null ? "." : relative.getParent().toString(),
                k -> new int[2]);
        counts[0]++;
        counts[1] += framed.detected() ? 1 : 0;
        double seconds = (System.nanoTime() - start) / 1e9;
        if ((i + 1) % 50 == 0 || i + 1 == images.size()) {
          Progress.line(
              err,
              String.format(
                  "framed %d/%d  %.0f s, about %.0f s left",
                  i + 1, images.size(), seconds, seconds / (i + 1) * (images.size() - i - 1)),
              i + 1 == images.size());
        }
      }
    }
    Progress.end(err);
    PrintWriter o = spec.commandLine().getOut();
    int total = 0;
    int detected = 0;
    for (Map.Entry<String, int[]> e : perFolder.entrySet()) {
      o.printf(
          Locale.ROOT,
          "%-24s %5d images, cell found by the detector in %5d (%.1f%%)%n",
          e.getKey(),
          e.getValue()[0],
          e.getValue()[1],
          100.0 * e.getValue()[1] / e.getValue()[0]);
      total += e.getValue()[0];
      detected += e.getValue()[1];
    }
    o.printf(
        Locale.ROOT,
        "%d images framed into %s; the detector found the cell in %d (%.1f%%), the expected"
            + " square was cut in the others%n",
        total,
        out,
        detected,
        100.0 * detected / Math.max(1, total));
    return 0;
  }

  /** Draws the known box (green) and the nearest detection (red) on {@code image}. */
  private static void drawBoxes(BufferedImage image, CellFraming.Framed framed) {
    Graphics2D g = image.createGraphics();
    g.setStroke(new BasicStroke(3));
    for (CellDetection box : List.of(framed.known(), framed.nearest())) {
      g.setColor(box == framed.known() ? Color.GREEN : Color.RED);
      g.drawRect((int) box.x(), (int) box.y(), (int) box.width(), (int) box.height());
    }
    g.dispose();
  }

  /** Image files under {@code root}, sorted. */
  private static List<Path> images(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> f.getFileName().toString().matches("(?i).*\\.(jpe?g|png|bmp|tiff?)$"))
          .sorted()
          .toList();
    }
  }

  /**
   * Writes {@code image} at {@code target}: JPEG (quality 0.95) under a JPEG name, so held-out
   * lists and splits that name the original files name the framed ones; PNG otherwise.
   */
  private static Path write(BufferedImage image, Path target) {
    try {
      Files.createDirectories(target.getParent());
      String name = target.getFileName().toString();
      if (!name.toLowerCase(Locale.ROOT).matches(".*\\.jpe?g$")) {
        Path png =
            name.toLowerCase(Locale.ROOT).endsWith(".png") ? target : Path.of(target + ".png");
        ImageIO.write(image, "png", png.toFile());
        return png;
      }
      SyntheticCells.writeJpeg(image, target);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + target, e);
    }
  }
}
