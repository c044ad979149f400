package org.leukostream.training.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each training task reads from a class-folder data set. {@code blast}: folders {@code all},
 * {@code blast}, {@code BLA} are the positive class, {@code hem}, {@code normal}, {@code LYT},
 * {@code lymphocyte} the negative one, and any folder aliased to {@code blast} or {@code normal};
 * other folders are left out. {@code countable}: {@code NIF} / {@code uncountable} against every
 * other class. {@code wbc}: every class except the uncountable.
 */
public final class Tasks {
  /** Stage 1: countable cells against those a hematologist leaves out. */
  public static final String COUNTABLE = "countable";

  /** Ensemble B: the white-cell class. */
  public static final String WBC = "wbc";

  /** Ensemble A: blast against normal lymphoid cell. */
  public static final String BLAST = "blast";

  public static final List<String> NAMES = List.of(COUNTABLE, WBC, BLAST);

  private static final Map<String, String> BLAST_FOLDERS =
      Map.of(
          "all",
          "blast",
          "blast",
          "blast",
          "bla",
          "blast",
          "hem",
          "normal",
          "normal",
          "normal",
          "lyt",
          "normal",
          "lymphocyte",
          "normal");

  private Tasks() {}

  /**
   * The blast task's label: a folder aliased to {@code blast} or {@code normal} (e.g. {@code
   * --alias PMO=normal}: promyelocytes as hard negatives), else the built-in folder names.
   */
  private static String blastLabel(LabelledImage image, String folder) {
    String aliased = image.label().toLowerCase(Locale.ROOT);
    return aliased.equals("blast") || aliased.equals("normal")
        ? aliased
        : BLAST_FOLDERS.get(folder);
  }

  /** The images of {@code task}, relabelled for it. */
  public static List<LabelledImage> select(String task, List<LabelledImage> images) {
    List<LabelledImage> out = new ArrayList<>();
    for (LabelledImage image : images) {
      String folder = image.folder().toLowerCase(Locale.ROOT);
      String label =
          switch (task) {
            case "blast" -> blastLabel(image, folder);
            case "countable" -> image.label().equals("uncountable") ? "uncountable" : "countable";
            case "wbc" -> image.label().equals("uncountable") ? null : image.label();
            default ->
                throw new IllegalArgumentException(
                    "Unknown task " + task + "; one of " + NAMES + " (detect trains separately)");
          };
      if (label != null) {
        out.add(new LabelledImage(image.file(), label, image.folder(), image.group()));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("No images of task " + task + " in the data set");
    }
    return out;
  }
}
