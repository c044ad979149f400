package org.leukostream.training.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.leukostream.models.store.ModelStore;

/**
 * The real images a model's training run held out ({@code heldout.tsv} beside its weights: label,
 * data set under the shared data folder, file under the data set), so that its accuracy, and
 * anything else measured with it, can be measured on images it never saw.
 *
 * @param entries the lines of the list, in order
 */
public record HeldOut(List<Entry> entries) {
  /** The list's file name, beside the model's manifest. */
  public static final String FILE = "heldout.tsv";

  /**
   * @param label the image's class
   * @param dataSet its data set's folder under the shared data folder, e.g. {@code matek-bm/train}
   * @param file its path under the data set, e.g. {@code BLA/BLA_00024.jpg}
   */
  public record Entry(String label, String dataSet, String file) {
    /** The image's path under the shared data folder. */
    public Path relative() {
      return Path.of(dataSet).resolve(file);
    }
  }

  public HeldOut {
    entries = List.copyOf(entries);
  }

  /**
   * The held-out list of the model at {@code location} (a directory, or {@code classpath:dir} as
   * {@link ModelStore#load(String, ai.djl.Device)} takes), or empty when it has none.
   */
  public static Optional<HeldOut> of(String location) {
    try {
      if (location.startsWith(ModelStore.CLASSPATH)) {
        try (InputStream in =
            ModelStore.openResource(ModelStore.classpathRoot(location) + "/" + FILE)) {
          return in == null
              ? Optional.empty()
              : Optional.of(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
      Path file = Path.of(location).resolve(FILE);
      return Files.isRegularFile(file)
          ? Optional.of(parse(Files.readString(file)))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the held-out list of " + location, e);
    }
  }

  /** Parses the list; {@code #} lines are comments. */
  public static HeldOut parse(String tsv) {
    List<Entry> out = new ArrayList<>();
    for (String line : tsv.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] c = line.strip().split("\t");
      if (c.length != 3) {
        throw new IllegalArgumentException(
            "A held-out line reads label<TAB>data set<TAB>file, not: " + line);
      }
      out.add(new Entry(c[0], c[1], c[2]));
    }
    return new HeldOut(out);
  }

  /** The listed images under the shared data folder {@code datasets}, labelled as listed. */
  public List<LabelledImage> resolve(Path datasets) {
    return entries.stream()
        .map(
            e -> {
              Path file = datasets.resolve(e.relative());
              return new LabelledImage(
                  file, e.label(), file.getParent().getFileName().toString(), "file:" + file);
            })
        .toList();
  }

  /**
   * Those of {@code images} that are listed, wherever the data folder lies: an image is listed when
   * its path ends with a listed data set and file.
   */
  public List<LabelledImage> keep(List<LabelledImage> images) {
    Set<Path> listed = entries.stream().map(Entry::relative).collect(Collectors.toSet());
    Set<Integer> lengths = listed.stream().map(Path::getNameCount).collect(Collectors.toSet());
    return images.stream()
        .filter(
            image -> {
              Path path = image.file().toAbsolutePath().normalize();
              int n = path.getNameCount();
              return lengths.stream()
                  .anyMatch(k -> k <= n && listed.contains(path.subpath(n - k, n)));
            })
        .toList();
  }
}
