package org.leukostream.cli.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.leukostream.training.data.ClassFolders;
import org.leukostream.training.data.DataSets;
import org.leukostream.training.data.LabelledImage;
import org.leukostream.training.data.SyntheticCells;
import org.leukostream.training.data.Tasks;
import org.leukostream.training.detect.DetectorTrainer;
import picocli.CommandLine.Option;

/**
 * The class-folder data of {@code train} and {@code evaluate}: one or more data roots, folder
 * aliases over the built-in ones, and optionally synthetic cells of every class.
 */
public final class DataOptions {
  @Option(
      names = "--data",
      required = true,
      description =
          "Data root with one folder per class; repeat to train on several sets together (e.g."
              + " PBC and Matek for the unified taxonomy).")
  public List<Path> roots;

  @Option(
      names = "--alias",
      description =
          "FOLDER=CLASS over the built-in aliases (e.g. NGS=neutrophil PMO=immature_granulocyte);"
              + " repeatable.")
  public Map<String, String> aliases = new LinkedHashMap<>();

  @Option(
      names = "--synthetic",
      defaultValue = "0",
      description =
          "Add N synthetic cells per class of the real data (0: none); refused unless they cover"
              + " every class, so the source of an image never predicts its class.")
  public int synthetic;

  @Option(
      names = "--synthetic-seed",
      defaultValue = "11",
      description = "Seed of the synthetic cells (default 11).")
  public long syntheticSeed;

  @Option(
      names = "--synthetic-dir",
      description = "Where the synthetic cells are written (default target/synthetic-cells/...).")
  public Path syntheticDir;

  /**
   * The images of {@code task}, the root their split names them against, and each data set's folder
   * by name (the root as given; {@code synthetic}).
   */
  public record Selection(Path root, List<LabelledImage> images, Map<String, Path> sources) {}

  public Selection select(String task, PrintWriter err) {
    List<Path> all = new ArrayList<>();
    Map<String, Path> sources = new LinkedHashMap<>();
    for (Path root : roots) {
      all.add(root.toAbsolutePath().normalize());
      sources.put(DataSets.name(root), root.toAbsolutePath().normalize());
    }
    Path synthetic = null;
    if (this.synthetic > 0) {
      Path dir =
          syntheticDir != null
              ? syntheticDir
              : Path.of(
                  "target", "synthetic-cells", "seed" + syntheticSeed + "-n" + this.synthetic);
      synthetic = SyntheticCells.write(dir, this.synthetic, syntheticSeed, err).toAbsolutePath();
      all.add(synthetic.normalize());
      sources.put("synthetic", synthetic.normalize());
    }
    List<LabelledImage> images = Tasks.select(task, ClassFolders.read(all, aliases));
    if (synthetic != null) {
      // Synthetic cells only for the classes the real data has, and for every one of them.
      Path from = synthetic.normalize();
      Set<String> classes = new TreeSet<>();
      images.stream().filter(i -> !i.file().startsWith(from)).forEach(i -> classes.add(i.label()));
      images =
          images.stream()
              .filter(i -> !i.file().startsWith(from) || classes.contains(i.label()))
              .toList();
      Set<String> covered = new TreeSet<>();
      images.stream().filter(i -> i.file().startsWith(from)).forEach(i -> covered.add(i.label()));
      if (!covered.equals(classes)) {
        Set<String> missing = new TreeSet<>(classes);
        missing.removeAll(covered);
        throw new IllegalArgumentException(
            "Synthetic cells cover "
                + covered
                + " but not "
                + missing
                + " of task "
                + task
                + ": synthetic data for some classes only would let the image source predict the"
                + " class; map those classes with --alias or train without --synthetic");
      }
    }
    return new Selection(ClassFolders.commonRoot(all), images, sources);
  }

  /** The detection sets of {@code train --task detect} and {@code evaluate --task detect}. */
  public DetectorTrainer.Sets detectionSets() {
    return new DetectorTrainer.Sets(roots, synthetic, syntheticSeed, describe());
  }

  /** The roots as given, for reports. */
  public String describe() {
    return String.join(", ", roots.stream().map(Path::toString).toList())
        + (synthetic > 0 ? " + " + synthetic + " synthetic cells per class" : "")
        + (aliases.isEmpty() ? "" : " (aliases " + aliases + ")");
  }
}
