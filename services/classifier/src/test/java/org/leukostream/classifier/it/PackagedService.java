package org.leukostream.classifier.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.leukostream.embedded.EmbeddedStack;

/** A packaged Quarkus service run as its own process against a test's embedded stack. */
final class PackagedService {
  private PackagedService() {}

  /**
   * Starts {@code jar} with the stack's addresses and {@code settings} as system properties, its
   * output in {@code target/<logDir>/<name>.log}, DJL offline with this module's engine cache.
   */
  static Process launch(
      EmbeddedStack stack, Path jar, String logDir, String name, Map<String, String> settings)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Dkafka.bootstrap.servers=" + stack.bootstrapServers());
    command.add("-Dschema.registry.url=" + stack.registryUrl());
    command.add("-Dquarkus.http.port=0");
    command.add("-Dai.djl.offline=true");
    settings.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.add("-jar");
    command.add(jar.toString());
    Path log = Files.createDirectories(Path.of("target", logDir)).resolve(name + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .put("DJL_CACHE_DIR", Path.of("target", "djl-cache").toAbsolutePath().toString());
    return builder.start();
  }
}
