package org.leukostream.cli.pipeline;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.RealCells;
import picocli.CommandLine.Option;

/** Where {@code demo} and {@code validate} take real single-cell images for virtual patients. */
public final class RealCellOptions {
  /** The share of a Matek image's width its cell spans: the default for single-cell sets. */
  public static final String MATEK_CELL_FRACTION = "0.6";

  /** A red cell's diameter in Matek's images, in pixels: the default for single-cell sets. */
  public static final String MATEK_RED_CELL_PX = "90";

  @Option(
      names = "--data",
      description =
          "A folder of real single-cell images, one folder per class (e.g. "
              + "../shared/datasets/matek-bm/train): the virtual patients are made of these cells "
              + "on synthetic field backgrounds instead of synthetic cells. Where the shipped "
              + "models list the folder's images as held out, only those are used.")
  public Path data;

  @Option(
      names = "--alias",
      description = "FOLDER=CLASS for --data over the built-in aliases (e.g. BLAST=blast).")
  public Map<String, String> aliases = new LinkedHashMap<>();

  @Option(
      names = "--all-images",
      description = "Use every image of --data, also those the shipped models trained on.")
  public boolean allImages;

  @Option(
      names = "--cell-fraction",
      defaultValue = MATEK_CELL_FRACTION,
      description = "Share of a --data image's width its cell spans (default 0.6, Matek's).")
  public double cellFraction;

  @Option(
      names = "--red-cell-px",
      defaultValue = MATEK_RED_CELL_PX,
      description =
          "A red cell's diameter in --data's images, in pixels (default 90, Matek's 250 px "
              + "crops; PBC's 360 px crops: about 75); sets the scale cells are placed at.")
  public double redCellPixels;

  @Option(
      names = "--field-magnification",
      defaultValue = "1",
      description =
          "Draw --data's fields M times finer (M times the pixels, red cell 34 x M px, the pixel"
              + " size stated on each field M times smaller), so the cells keep M times more of"
              + " their own pixels; M = --red-cell-px / 34 keeps them all (2.65 for Matek)."
              + " Default 1: the synthetic fields' scale.")
  public double fieldMagnification;

  /** The pools of {@link #data} for the models {@code overrides} configure. */
  public RealCells load(Properties overrides) {
    return RealCells.load(
        data,
        aliases,
        ServiceConfigs.classifierHeldOut(overrides),
        allImages,
        cellFraction,
        redCellPixels,
        SmearGenerator.Options.DEFAULT.magnified(fieldMagnification));
  }
}
