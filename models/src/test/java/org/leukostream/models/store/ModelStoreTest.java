package org.leukostream.models.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.arch.Architecture;

class ModelStoreTest {
  static final Shape INPUT = new Shape(2, 3, 64, 64);
  static final float[] PIXELS = pixels();

  @TempDir Path dir;

  static float[] pixels() {
    Random random = new Random(7);
    float[] values = new float[(int) INPUT.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = random.nextFloat();
    }
    return values;
  }

  static ModelManifest manifest(int classes) {
    List<ModelClass> names =
        List.of(
                new ModelClass("lymphoblast", ClassRole.LYMPHOBLAST),
                new ModelClass("lymphocyte", ClassRole.LYMPHOID),
                new ModelClass("neutrophil", ClassRole.COUNTED),
                new ModelClass("platelet", ClassRole.NOT_NUCLEATED),
                new ModelClass("monocyte", ClassRole.COUNTED))
            .subList(0, classes);
    return new ModelManifest(
        "wbc-test",
        "resnet50",
        "small",
        "2026.11.0",
        64,
        ModelManifest.IMAGENET_MEAN,
        ModelManifest.IMAGENET_STD,
        names,
        null,
        null);
  }

  static float[] forward(Model model) {
    try (NDManager manager = NDManager.newBaseManager()) {
      var x = manager.create(PIXELS, INPUT);
      return model
          .getBlock()
          .forward(new ParameterStore(manager, false), new NDList(x), false)
          .singletonOrThrow()
          .toFloatArray();
    }
  }

  /** Saves a freshly initialised small ResNet with {@code classes} outputs; returns its outputs. */
  float[] saveModel(int classes) {
    try (Model model = Model.newInstance("wbc-test")) {
      var block = Architecture.find("resnet50", "small").orElseThrow().build(classes);
      block.initialize(model.getNDManager(), DataType.FLOAT32, INPUT);
      model.setBlock(block);
      ModelManifest saved = ModelStore.save(dir, manifest(classes), model);
      assertThat(saved.sha256()).hasSize(64);
      assertThat(dir.resolve(saved.weights())).exists();
      return forward(model);
    }
  }

  @Test
  void saveThenLoadGivesIdenticalOutputs() {
    float[] before = saveModel(3);

    try (StoredModel loaded = ModelStore.load(dir)) {
      assertThat(loaded.manifest().classes())
          .extracting(ModelClass::name)
          .containsExactly("lymphoblast", "lymphocyte", "neutrophil");
      assertThat(loaded.manifest().version()).isEqualTo("2026.11.0");
      assertThat(forward(loaded.model())).containsExactly(before);
    }
  }

  @Test
  void corruptWeightsAreRefusedBeforeLoading() throws Exception {
    saveModel(3);
    Path weights = dir.resolve(ModelStore.readManifest(dir).weights());
    byte[] bytes = Files.readAllBytes(weights);
    bytes[bytes.length / 2] ^= 0x5A;
    Files.write(weights, bytes);

    assertThatThrownBy(() -> ModelStore.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("corrupt or replaced")
        .hasMessageContaining(weights.getFileName().toString());
  }

  @Test
  void missingWeightsOrManifestAreNamed() throws Exception {
    saveModel(3);
    Path weights = dir.resolve(ModelStore.readManifest(dir).weights());
    Files.delete(weights);

    assertThatThrownBy(() -> ModelStore.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("is missing");
    Files.delete(dir.resolve(ModelStore.MANIFEST));
    assertThatThrownBy(() -> ModelStore.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("No manifest.json");
  }

  @Test
  void weightsThatDoNotFitTheManifestAreRefused() throws Exception {
    saveModel(3);
    ModelManifest saved = ModelStore.readManifest(dir);
    ModelManifest fiveClasses = manifest(5).withWeights(saved.weights(), saved.sha256());
    new com.fasterxml.jackson.databind.ObjectMapper()
        .writeValue(dir.resolve(ModelStore.MANIFEST).toFile(), fiveClasses);

    assertThatThrownBy(() -> ModelStore.load(dir))
        .isInstanceOf(ModelStoreException.class)
        .hasMessageContaining("do not fit")
        .hasMessageContaining("5 classes");
  }
}
