package org.leukostream.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * A service's own {@code application.properties}, read outside Quarkus (the command line runs the
 * services' code in one process for the demo and benchmarks). Every service jar holds a file of
 * that name, so the one whose {@code quarkus.application.name} matches is taken. Profile lines
 * ({@code %test.}) stay as they are and are not applied.
 */
public final class ServiceProperties {
  private ServiceProperties() {}

  /**
   * @param applicationName e.g. {@code leukostream-detector}
   * @throws IllegalStateException when no {@code application.properties} on the class path names it
   */
  public static Properties load(ClassLoader loader, String applicationName) {
    List<String> seen = new ArrayList<>();
    try {
      for (URL url : Collections.list(loader.getResources("application.properties"))) {
        Properties p = new Properties();
        try (InputStream in = url.openStream()) {
          p.load(in);
        }
        String name = p.getProperty("quarkus.application.name");
        if (applicationName.equals(name)) {
          return p;
        }
        seen.add(String.valueOf(name));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read application.properties", e);
    }
    throw new IllegalStateException(
        "No application.properties of "
            + applicationName
            + " on the class path (found those of "
            + seen
            + ")");
  }
}
