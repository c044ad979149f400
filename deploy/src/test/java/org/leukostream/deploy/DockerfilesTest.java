package org.leukostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfiles can be built from what {@code ./mvnw package} leaves behind: every {@code COPY}
 * source exists (the Docker engine is not available here to build them), each file starts with its
 * build and run commands, runs as a non-root user and has a health check.
 */
class DockerfilesTest {
  static final Path DOCKER = Rendered.ROOT.resolve("docker");
  static final Pattern COPY =
      Pattern.compile("(?m)^COPY\\s+(?:--chown=\\S+\\s+)?(\\S+)\\s+\\S+\\s*$");

  static List<Path> dockerfiles() throws IOException {
    try (Stream<Path> files = Files.list(DOCKER)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".Dockerfile"))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyServiceHasAnImageAndTheClassifierACudaVariant() throws IOException {
    assertThat(dockerfiles())
        .extracting(f -> f.getFileName().toString())
        .containsExactlyInAnyOrder(
            "detector.Dockerfile",
            "classifier.Dockerfile",
            "classifier-cuda.Dockerfile",
            "aggregator.Dockerfile",
            "ehr-bridge.Dockerfile",
            "review.Dockerfile");
  }

  @Test
  void everyCopySourceExistsAfterPackage() throws IOException {
    List<String> sources = new ArrayList<>();
    for (Path file : dockerfiles()) {
      String text = Files.readString(file);
      Matcher copy = COPY.matcher(text);
      int copies = 0;
      while (copy.find()) {
        copies++;
        Path source = Rendered.ROOT.resolve(copy.group(1));
        sources.add(copy.group(1));
        assertThat(source)
            .as("%s copies %s: run ./mvnw package first", file.getFileName(), copy.group(1))
            .exists();
      }
      assertThat(copies).as("%s copies the Quarkus fast-jar", file.getFileName()).isEqualTo(4);
    }
    assertThat(sources)
        .allSatisfy(s -> assertThat(s).startsWith("services/").contains("/target/quarkus-app/"));
  }

  @Test
  void eachFileStartsWithItsBuildAndRunCommandsAndRunsAsNonRootWithAHealthCheck()
      throws IOException {
    for (Path file : dockerfiles()) {
      String text = Files.readString(file);
      assertThat(text).as(file.getFileName().toString()).startsWith("#");
      String header = text.substring(0, text.indexOf("\nFROM"));
      assertThat(header).contains("docker build -f docker/" + file.getFileName(), "docker run");
      assertThat(text).containsPattern("(?m)^USER 10001$");
      assertThat(text).contains("HEALTHCHECK", "/q/health/live");
      assertThat(text).containsPattern("MaxRAMPercentage=\\d+");
    }
    String cuda = Files.readString(DOCKER.resolve("classifier-cuda.Dockerfile"));
    assertThat(cuda)
        .contains(
            "FROM nvidia/cuda:",
            "PYTORCH_LIBRARY_PATH",
            "pytorch-native-cpu",
            "LEUKOSTREAM_CLASSIFIER_DEVICE=cuda");
  }
}
