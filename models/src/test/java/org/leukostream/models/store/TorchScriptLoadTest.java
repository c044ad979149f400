package org.leukostream.models.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.modality.Classifications;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.inference.CropTranslator;
import org.leukostream.testkit.TorchScriptFixture;

class TorchScriptLoadTest {
  @TempDir Path dir;

  static ai.djl.modality.cv.Image uniform(int[] rgb) {
    java.awt.image.BufferedImage image =
        new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(new Color(rgb[0], rgb[1], rgb[2]));
    g.fillRect(0, 0, 32, 32);
    g.dispose();
    return ai.djl.modality.cv.ImageFactory.getInstance().fromImage(image);
  }

  @Test
  void aTorchScriptModuleLoadsThroughTheStoreAndRunsItsForward() throws Exception {
    writeModelDirectory(dir);

    try (StoredModel model = ModelStore.load(dir);
        var predictor = model.model().newPredictor(new CropTranslator(model.manifest()))) {
      int[] rgb = {200, 40, 90};
      Classifications out = predictor.predict(uniform(rgb));

      // The module's logits are the normalised channel values; the translator's softmax follows.
      double[] logits = new double[3];
      double sum = 0;
      for (int c = 0; c < 3; c++) {
        logits[c] =
            (rgb[c] / 255.0 - ModelManifest.IMAGENET_MEAN[c]) / ModelManifest.IMAGENET_STD[c];
        sum += Math.exp(logits[c]);
      }
      assertThat(out.getClassNames()).containsExactly("red", "green", "blue");
      for (int c = 0; c < 3; c++) {
        assertThat(out.getProbabilities().get(c))
            .isCloseTo(Math.exp(logits[c]) / sum, within(1e-4));
      }
    }
  }

  @Test
  void aModelDirectoryPackedOnTheClassPathLoads() throws Exception {
    writeModelDirectory(dir.resolve("models/channel-mean"));
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (var loader =
        new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()}, previous)) {
      Thread.currentThread().setContextClassLoader(loader);
      try (StoredModel model =
          ModelStore.load("classpath:models/channel-mean", ai.djl.Device.cpu())) {
        assertThat(model.manifest().version()).isEqualTo("1.0");
      }
      assertThatThrownBy(() -> ModelStore.load("classpath:models/absent", ai.djl.Device.cpu()))
          .isInstanceOf(ModelStoreException.class)
          .hasMessageContaining("models/absent/manifest.json");
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  @Test
  void aTruncatedTorchScriptFileIsRefusedClearly() throws Exception {
    writeModelDirectory(dir);
    Path pt = dir.resolve("channel-mean.pt");
    byte[] bytes = java.nio.file.Files.readAllBytes(pt);
    java.nio.file.Files.write(pt, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    // With a matching checksum, so that LibTorch itself meets the damage.
    ModelManifest manifest = ModelStore.readManifest(dir);
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(
            dir.resolve(ModelStore.MANIFEST).toFile(),
            manifest.withWeights(manifest.weights(), ModelStore.sha256(pt)));

    assertThatThrownBy(() -> ModelStore.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("channel-mean")
        .hasMessageContaining("TorchScript");
  }

  @Test
  void devicesAreNamedAsConfigurationNamesThem() {
    assertThat(ModelStore.device("cpu")).isEqualTo(ai.djl.Device.cpu());
    assertThatThrownBy(() -> ModelStore.device("tpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cpu, cuda or cuda:N");
    // This build carries the CPU LibTorch: asking for a GPU fails at start-up, never falls back.
    assertThatThrownBy(() -> ModelStore.device("cuda:0"))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("CPU build of LibTorch");
  }

  static void writeModelDirectory(Path dir) throws java.io.IOException {
    java.nio.file.Files.createDirectories(dir);
    TorchScriptFixture.write(dir.resolve("channel-mean.pt"));
    ModelManifest manifest =
        new ModelManifest(
            "channel-mean",
            "torchscript",
            "external",
            "1.0",
            32,
            ModelManifest.IMAGENET_MEAN,
            ModelManifest.IMAGENET_STD,
            List.of(
                new ModelClass("red", ClassRole.COUNTED),
                new ModelClass("green", ClassRole.COUNTED),
                new ModelClass("blue", ClassRole.COUNTED)),
            "channel-mean.pt",
            ModelStore.sha256(dir.resolve("channel-mean.pt")));
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(dir.resolve(ModelStore.MANIFEST).toFile(), manifest);
  }
}
