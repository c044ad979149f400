package org.leukostream.training.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A seeded, stratified split of a data set into train / validation / test, grouped by subject: all
 * images of one subject (C-NMC) land in one part, so no subject is in two. Groups are dealt per
 * class (a group counts for the class most of its images have) to the part furthest below its
 * share. Written to a TSV file and read back, so metrics are reproducible; a file that does not fit
 * the data any more is an error, never silently remade.
 */
public final class Split {
  public static final String TRAIN = "train";
  public static final String VAL = "val";
  public static final String TEST = "test";
  private static final List<String> PARTS = List.of(TRAIN, VAL, TEST);

  /** Jiang et al. 2021: 8:1:1. */
  public static final double[] JIANG = {0.8, 0.1, 0.1};

  /** Zhou et al. 2021: 70/10/20. */
  public static final double[] ZHOU = {0.7, 0.1, 0.2};

  private final Map<Path, String> parts;

  private Split(Map<Path, String> parts) {
    this.parts = parts;
  }

  /**
   * The images of {@code part} ({@link #TRAIN}, {@link #VAL}, {@link #TEST}), in data-set order.
   */
  public List<LabelledImage> part(List<LabelledImage> images, String part) {
    return images.stream().filter(i -> part.equals(parts.get(i.file()))).toList();
  }

  public String partOf(Path file) {
    return parts.get(file);
  }

  /** Deals {@code images} into parts of the given shares (train, val, test), seeded. */
  public static Split create(List<LabelledImage> images, double[] shares, long seed) {
    if (shares.length != 3 || Math.abs(shares[0] + shares[1] + shares[2] - 1) > 1e-9) {
      throw new IllegalArgumentException("Shares must be three fractions summing to 1");
    }
    Map<String, List<LabelledImage>> groups = new TreeMap<>();
    for (LabelledImage image : images) {
      groups.computeIfAbsent(image.group(), g -> new ArrayList<>()).add(image);
    }
    Map<String, List<List<LabelledImage>>> byClass = new TreeMap<>();
    for (List<LabelledImage> group : groups.values()) {
      byClass.computeIfAbsent(majority(group), c -> new ArrayList<>()).add(group);
    }
    Random random = new Random(seed);
    Map<Path, String> parts = new LinkedHashMap<>();
    for (List<List<LabelledImage>> classGroups : byClass.values()) {
      Collections.shuffle(classGroups, random);
      classGroups.sort(Comparator.comparingInt(g -> -g.size())); // big subjects first, then fill
      int total = classGroups.stream().mapToInt(List::size).sum();
      int[] taken = new int[3];
      for (List<LabelledImage> group : classGroups) {
        int best = 0;
        double bestDeficit = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < 3; p++) {
          double deficit = shares[p] * total - taken[p];
          if (shares[p] > 0 && deficit > bestDeficit) {
            bestDeficit = deficit;
            best = p;
          }
        }
        taken[best] += group.size();
        for (LabelledImage image : group) {
          parts.put(image.file(), PARTS.get(best));
        }
      }
    }
    return new Split(parts);
  }

  /**
   * The split stored in {@code file}, or a new one (written there) when the file does not exist.
   *
   * @throws IllegalStateException when the stored split does not cover exactly these images
   */
  public static Split loadOrCreate(
      Path file, Path root, List<LabelledImage> images, double[] shares, long seed) {
    if (Files.exists(file)) {
      return load(file, root, images);
    }
    Split split = create(images, shares, seed);
    split.write(file, root, images);
    return split;
  }

  /**
   * The split stored in {@code file}, checked against the images it must cover.
   *
   * @throws IllegalStateException when it does not cover exactly these images
   */
  public static Split load(Path file, Path root, List<LabelledImage> images) {
    Split split = read(file, root);
    long missing = images.stream().filter(i -> split.partOf(i.file()) == null).count();
    if (missing > 0 || split.parts.size() != images.size()) {
      throw new IllegalStateException(
          "Split "
              + file
              + " does not fit the data under "
              + root
              + ": "
              + missing
              + " images have no part, "
              + split.parts.size()
              + " listed for "
              + images.size()
              + " found. Delete it to split anew (metrics will change).");
    }
    return split;
  }

  /** Writes {@code part<TAB>label<TAB>group<TAB>path relative to root} per image. */
  public void write(Path file, Path root, List<LabelledImage> images) {
    List<String> lines = new ArrayList<>();
    lines.add("# part\tlabel\tgroup\tfile (relative to the data root)");
    for (LabelledImage image : images) {
      lines.add(
          parts.get(image.file())
              + "\t"
              + image.label()
              + "\t"
              + image.group()
              + "\t"
              + root.relativize(image.file()));
    }
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.write(file, lines, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write split " + file, e);
    }
  }

  static Split read(Path file, Path root) {
    Map<Path, String> parts = new HashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cells = line.split("\t", 4);
        parts.put(root.resolve(cells[3]), cells[0]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read split " + file, e);
    }
    return new Split(parts);
  }

  private static String majority(List<LabelledImage> group) {
    Map<String, Integer> counts = new TreeMap<>();
    group.forEach(i -> counts.merge(i.label(), 1, Integer::sum));
    return Collections.max(counts.entrySet(), Map.Entry.comparingByValue()).getKey();
  }
}
