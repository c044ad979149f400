package org.leukostream.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.leukostream.synthetic.smear.CellImage;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;

/**
 * The real single-cell images virtual patients are made of: a class-folder data set (Matek's bone
 * marrow, PBC, C-NMC or a lab's own), read into three pools - blasts, the other countable cells,
 * and cells a hematologist leaves out of the count. When the classifier's configured models ship
 * held-out lists naming images of the folder, only images held out by a stage that decides their
 * role are used: blasts by the blast stage, lymphocytes by the blast or the white-cell stage,
 * uncountable cells by the countable stage, the rest by the white-cell stage; the other stages may
 * have trained on some of them, and {@link #heldOutByEveryStage} says how many were held out by
 * all. The lists come from the caller (the classifier's configured stages), by stage name of {@link
 * Tasks}.
 *
 * @param blasts cells the rule counts as lymphoblasts
 * @param others the other countable cells
 * @param uncountable cells left out of the count (Matek's NIF)
 * @param scale field pixels per image pixel
 * @param field the fields the cells are drawn on (size, red-cell diameter: their pixel size)
 * @param heldOutByEveryStage images in the pools no configured model trained on
 * @param classes images per class in the pools
 * @param restricted whether held-out lists chose the images
 */
public record RealCells(
    List<CellImage> blasts,
    List<CellImage> others,
    List<CellImage> uncountable,
    double scale,
    SmearGenerator.Options field,
    int heldOutByEveryStage,
    Map<String, Integer> classes,
    boolean restricted) {

  /** What the images' classes are to the rule, by the class names of {@link ClassFolders}. */
  public static final Map<String, CellType> TYPES =
      Map.ofEntries(
          Map.entry("blast", CellType.LYMPHOBLAST),
          Map.entry("lymphoblast", CellType.LYMPHOBLAST),
          Map.entry("uncountable", CellType.SMUDGE),
          Map.entry("smudge", CellType.SMUDGE),
          Map.entry("lymphocyte", CellType.LYMPHOCYTE),
          // C-NMC's normal B-lymphoid precursors: countable, not blasts.
          Map.entry("normal", CellType.LYMPHOCYTE),
          Map.entry("neutrophil", CellType.NEUTROPHIL),
          Map.entry("segmented_neutrophil", CellType.NEUTROPHIL),
          Map.entry("monocyte", CellType.MONOCYTE),
          Map.entry("eosinophil", CellType.EOSINOPHIL),
          Map.entry("basophil", CellType.BASOPHIL),
          Map.entry("erythroblast", CellType.ERYTHROBLAST),
          Map.entry("promyelocyte", CellType.IMMATURE_GRANULOCYTE),
          Map.entry("immature_granulocyte", CellType.IMMATURE_GRANULOCYTE));

  /** Not white cells: never placed as one. */
  public static final Set<String> SKIPPED = Set.of("platelet");

  /**
   * Reads the images of {@code folder}.
   *
   * @param aliases folder names to classes over the built-in ones
   * @param stages the held-out lists of the classifier's stages' models, by stage ({@link
   *     Tasks#NAMES}); empty: every image is used
   * @param allImages use every image, also those the models trained on
   * @param cellFraction the share of an image's width its cell spans
   * @param redCellPixels a red cell's diameter in the images
   * @param field the fields drawn: a red cell's diameter there sets the cells' scale
   * @throws IllegalArgumentException for a class the rule cannot place, or no usable image
   */
  public static RealCells load(
      Path folder,
      Map<String, String> aliases,
      Map<String, HeldOut> stages,
      boolean allImages,
      double cellFraction,
      double redCellPixels,
      SmearGenerator.Options field) {
    List<LabelledImage> images = new ArrayList<>();
    Set<String> unknown = new LinkedHashSet<>();
    for (LabelledImage image : ClassFolders.read(folder, aliases)) {
      if (SKIPPED.contains(image.label())) {
        continue;
      }
      if (!TYPES.containsKey(image.label())) {
        unknown.add(image.folder() + " (" + image.label() + ")");
      }
      images.add(image);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot tell what these classes are to the rule: "
              + unknown
              + "; name one of "
              + new TreeMap<>(TYPES).keySet()
              + " with --alias FOLDER=CLASS");
    }
    List<LabelledImage> chosen = images;
    boolean restricted = false;
    if (!allImages) {
      Map<String, Set<LabelledImage>> heldOut = new LinkedHashMap<>();
      stages.forEach((stage, list) -> heldOut.put(stage, new HashSet<>(list.keep(images))));
      List<LabelledImage> deciding =
          images.stream()
              .filter(
                  image ->
                      stagesOf(image.label()).stream()
                          .anyMatch(s -> heldOut.getOrDefault(s, Set.of()).contains(image)))
              .toList();
      // A folder no list names (a lab's own data) is used whole.
      if (!deciding.isEmpty()) {
        chosen = deciding;
        restricted = true;
      }
    }
    List<LabelledImage> byAll = chosen;
    for (HeldOut list : stages.values()) {
      byAll = list.keep(byAll);
    }
    List<CellImage> blasts = new ArrayList<>();
    List<CellImage> others = new ArrayList<>();
    List<CellImage> uncountable = new ArrayList<>();
    Map<String, Integer> classes = new TreeMap<>();
    for (LabelledImage image : chosen) {
      CellImage cell = new CellImage(read(image.file()), TYPES.get(image.label()), cellFraction);
      (cell.type() == CellType.LYMPHOBLAST
              ? blasts
              : cell.type().countable() ? others : uncountable)
          .add(cell);
      classes.merge(image.label(), 1, Integer::sum);
    }
    if (others.isEmpty()) {
      throw new IllegalArgumentException("No countable non-blast cell images under " + folder);
    }
    return new RealCells(
        blasts,
        others,
        uncountable,
        field.redCellDiameter() / redCellPixels,
        field,
        stages.size() == 3 ? byAll.size() : 0,
        classes,
        restricted);
  }

  /**
   * The white-cell images of a folder in two parts: those no shipped classifier stage holds out,
   * free for training other parts (the detector's real-cell fields), and those some stage holds
   * out, which {@code validate} may draw its patients from and nothing else may train on.
   */
  public record Partition(List<CellImage> free, List<CellImage> heldOut) {}

  /**
   * Splits the images of {@code folder} (classes the rule cannot place are kept as white cells;
   * platelets are left out) by the classifier stages' held-out lists.
   *
   * @param stages the held-out lists of the classifier's stages' models, by stage
   * @param cellFraction the share of an image's width its cell spans
   */
  public static Partition partition(
      Path folder, Map<String, String> aliases, Map<String, HeldOut> stages, double cellFraction) {
    List<LabelledImage> images =
        ClassFolders.read(folder, aliases).stream()
            .filter(image -> !SKIPPED.contains(image.label()))
            .toList();
    Set<LabelledImage> held = new HashSet<>();
    for (HeldOut list : stages.values()) {
      held.addAll(list.keep(images));
    }
    List<CellImage> free = new ArrayList<>();
    List<CellImage> heldOut = new ArrayList<>();
    for (LabelledImage image : images) {
      CellImage cell =
          new CellImage(
              read(image.file()),
              TYPES.getOrDefault(image.label(), CellType.LYMPHOCYTE),
              cellFraction);
      (held.contains(image) ? heldOut : free).add(cell);
    }
    return new Partition(free, heldOut);
  }

  /** The stages whose decision an image of {@code label} tests. */
  public static List<String> stagesOf(String label) {
    CellType type = TYPES.get(label);
    if (type == CellType.LYMPHOBLAST) {
      return List.of(Tasks.BLAST);
    }
    if (type == CellType.LYMPHOCYTE) {
      return List.of(Tasks.BLAST, Tasks.WBC);
    }
    return List.of(type.countable() ? Tasks.WBC : Tasks.COUNTABLE);
  }

  /** Images in the pools. */
  public int size() {
    return blasts.size() + others.size() + uncountable.size();
  }

  /** A pool's image for a cell the generator drew as {@code type}. */
  public Optional<List<CellImage>> poolFor(CellType type) {
    if (type == CellType.LYMPHOBLAST) {
      return blasts.isEmpty() ? Optional.empty() : Optional.of(blasts);
    }
    if (!type.countable()) {
      return Optional.of(uncountable.isEmpty() ? others : uncountable);
    }
    return Optional.of(others);
  }

  private static BufferedImage read(Path file) {
    try {
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        throw new IllegalArgumentException("Not an image: " + file);
      }
      return image;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%d images (%d blasts, %d other countable, %d uncountable; %s)%s",
        size(),
        blasts.size(),
        others.size(),
        uncountable.size(),
        classes,
        restricted
            ? ", held out by the stage deciding each, " + heldOutByEveryStage + " by every stage"
            : "");
  }
}
