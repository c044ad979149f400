package org.leukostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The plain manifests in {@code k8s/} are the chart rendered with each values file, so they never
 * drift from it. {@code -Dk8s.update=true} writes them anew after a chart change.
 */
class K8sManifestsTest {
  @ParameterizedTest
  @CsvSource({
    "values.yaml, leukostream.yaml",
    "values-cpu.yaml, leukostream-cpu.yaml",
    "values-gpu.yaml, leukostream-gpu.yaml"
  })
  void theManifestsAreTheRenderedChart(String values, String manifest) throws IOException {
    Path file = Rendered.ROOT.resolve("k8s").resolve(manifest);
    String rendered =
        "# Rendered from helm/leukostream with "
            + values
            + " (release and namespace leukostream); do not edit:\n"
            + "# ./mvnw -pl deploy test -Dtest=K8sManifestsTest -Dk8s.update=true\n"
            + Rendered.render(values).yaml();
    if (Boolean.getBoolean("k8s.update")) {
      Files.writeString(file, rendered);
    }
    assertThat(file).as("run with -Dk8s.update=true to write it").exists();
    assertThat(Files.readString(file)).isEqualTo(rendered);
    assertThat(Rendered.parse(Files.readString(file)).objects()).isNotEmpty();
  }
}
