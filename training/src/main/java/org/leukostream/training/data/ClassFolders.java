package org.leukostream.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A one-folder-per-class data set (PBC, Matek bone marrow, C-NMC's {@code all}/{@code hem}, a lab's
 * own): every image under {@code root/<folder>/} (nested folders included, e.g. C-NMC's folds) is
 * labelled with the folder's class after aliases. PBC's and Matek's folder names are built in;
 * configuration adds or overrides aliases; a folder without an alias keeps its own name (lower
 * case). Files are listed in sorted order, so a seeded split repeats.
 */
public final class ClassFolders {
  /** Folder names of the bundled data sets and C-NMC, to the classes the models use. */
  public static final Map<String, String> BUILT_IN_ALIASES =
      Map.ofEntries(
          // Matek et al. 2021 (bone marrow)
          Map.entry("bla", "blast"),
          Map.entry("lyt", "lymphocyte"),
          Map.entry("eos", "eosinophil"),
          Map.entry("mon", "monocyte"),
          Map.entry("ngs", "segmented_neutrophil"),
          Map.entry("pmo", "promyelocyte"),
          Map.entry("nif", "uncountable"),
          // Acevedo et al. 2020 (PBC, peripheral blood)
          Map.entry("ig", "immature_granulocyte"),
          // C-NMC 2019 (ISBI): leukemic B-lymphoblasts vs normal B-lymphoid precursors
          Map.entry("all", "blast"),
          Map.entry("hem", "normal"));

  static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "tif", "tiff");

  /** C-NMC names images {@code UID_<subject>_<image>_<cell>_<class>.bmp}. */
  private static final Pattern SUBJECT =
      Pattern.compile("^UID_(H?\\d+)_", Pattern.CASE_INSENSITIVE);

  private ClassFolders() {}

  /**
   * The labelled images under {@code root}, whose sub-folders are classes.
   *
   * @param aliases folder name (any case) to class, over the built-in ones
   * @throws IllegalArgumentException when {@code root} holds no class folder with images
   */
  public static List<LabelledImage> read(Path root, Map<String, String> aliases) {
    Map<String, String> names = new HashMap<>(BUILT_IN_ALIASES);
    aliases.forEach((k, v) -> names.put(k.toLowerCase(Locale.ROOT), v));
    List<LabelledImage> out = new ArrayList<>();
    try (Stream<Path> folders = Files.list(root)) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        String name = folder.getFileName().toString();
        String label =
            names.getOrDefault(name.toLowerCase(Locale.ROOT), name.toLowerCase(Locale.ROOT));
        // A class folder may be a link (a set assembled from others' folders); loops are refused.
        try (Stream<Path> files = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
          for (Path file : files.filter(ClassFolders::isImage).sorted().toList()) {
            out.add(new LabelledImage(file, label, name, group(file)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read data set " + root, e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "No images in class folders under " + root + " (expected " + root + "/<class>/*.jpg)");
    }
    return out;
  }

  /**
   * The labelled images of several class-folder data sets together (e.g. PBC and Matek for the
   * unified white-cell taxonomy), in the order of {@code roots}.
   */
  public static List<LabelledImage> read(List<Path> roots, Map<String, String> aliases) {
    List<LabelledImage> out = new ArrayList<>();
    for (Path root : roots) {
      out.addAll(read(root, aliases));
    }
    return out;
  }

  /**
   * The deepest folder holding every one of {@code roots}: split files name images relative to it,
   * so one split can cover several data sets.
   */
  public static Path commonRoot(List<Path> roots) {
    Path common = null;
    for (Path root : roots) {
      Path absolute = root.toAbsolutePath().normalize();
      if (common == null) {
        common = absolute;
      } else {
        while (!absolute.startsWith(common)) {
          common = common.getParent();
        }
      }
    }
    if (common == null) {
      throw new IllegalArgumentException("No data root given");
    }
    return common;
  }

  /** The subject of a C-NMC file name, or the file itself. */
  static String group(Path file) {
    Matcher m = SUBJECT.matcher(file.getFileName().toString());
    return m.find() ? "subject:" + m.group(1).toUpperCase(Locale.ROOT) : "file:" + file;
  }

  static boolean isImage(Path file) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return Files.isRegularFile(file)
        && dot > 0
        && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
