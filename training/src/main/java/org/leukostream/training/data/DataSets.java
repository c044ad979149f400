package org.leukostream.training.data;

import java.nio.file.Path;

/** How reports name the data sets a model trained or was measured on. */
public final class DataSets {
  private DataSets() {}

  /** A data set's name in reports: its folder's last two names, e.g. {@code matek-bm-train}. */
  public static String name(Path root) {
    Path path = root.toAbsolutePath().normalize();
    int n = path.getNameCount();
    return n >= 2 ? path.getName(n - 2) + "-" + path.getName(n - 1) : path.toString();
  }
}
