package org.leukostream.models.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each training task reads from a class-folder data set. {@code blast}: folders {@code all},
 * {@code blast}, {@code BLA} are the positive class, {@code hem}, {@code normal}, {@code LYT},
 * {@code lymphocyte} the negative one, other folders are left out. {@code countable}: {@code NIF} /
 * {@code uncountable} against every other class. {@code wbc}: every class except the uncountable.
 */
public final class Tasks {
  public static final List<String> NAMES = List.of("countable", "wbc", "blast");

  private static final Map<String, String> BLAST =
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

  /** The images of {@code task}, relabelled for it. */
  public static List<LabelledImage> select(String task, List<LabelledImage> images) {
    List<LabelledImage> out = new ArrayList<>();
    for (LabelledImage image : images) {
      String folder = image.folder().toLowerCase(Locale.ROOT);
      String label =
          switch (task) {
            case "blast" -> BLAST.get(folder);
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
