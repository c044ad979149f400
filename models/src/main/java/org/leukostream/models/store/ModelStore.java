package org.leukostream.models.store;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.leukostream.models.arch.Architecture;

/**
 * Reads and writes model directories: the weights (DJL {@code .params}) and {@code manifest.json}.
 * A load checks the checksum before reading a single weight, and fails with {@link
 * ModelStoreException} naming the directory and what is wrong.
 */
public final class ModelStore {
  public static final String MANIFEST = "manifest.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelStore() {}

  /**
   * Saves {@code model} (its block initialised, named as {@code manifest.name()}) into {@code dir}
   * and writes the manifest with the weights file and checksum filled in.
   */
  public static ModelManifest save(Path dir, ModelManifest manifest, Model model) {
    try {
      Files.createDirectories(dir);
      try (Stream<Path> old = Files.list(dir)) {
        for (Path p : old.filter(ModelStore::isWeights).toList()) {
          Files.delete(p); // one set of weights per directory, so the manifest names the only one
        }
      }
      model.save(dir, manifest.name());
      Path weights;
      try (Stream<Path> files = Files.list(dir)) {
        weights =
            files
                .filter(ModelStore::isWeights)
                .findFirst()
                .orElseThrow(() -> new ModelStoreException("DJL wrote no .params file in " + dir));
      }
      ModelManifest complete =
          manifest.withWeights(weights.getFileName().toString(), sha256(weights));
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), complete);
      return complete;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot save model " + manifest.name() + " to " + dir, e);
    }
  }

  /**
   * Saves {@code architecture} with freshly initialised, untrained weights for {@code classes} and
   * ImageNet normalisation: the starting point of training, and a stand-in where only shapes and
   * speed matter (tests, benchmarks).
   */
  public static ModelManifest saveInitialised(
      Path dir, String name, String version, Architecture architecture, List<ModelClass> classes) {
    try (Model model = Model.newInstance(name)) {
      var block = architecture.build(classes.size());
      int side = architecture.inputSize();
      block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, side, side));
      model.setBlock(block);
      return save(
          dir,
          new ModelManifest(
              name,
              architecture.name(),
              architecture.preset(),
              version,
              side,
              ModelManifest.IMAGENET_MEAN,
              ModelManifest.IMAGENET_STD,
              classes,
              null,
              null),
          model);
    }
  }

  /** Loads the model directory {@code dir}, checking its manifest and weights. */
  public static StoredModel load(Path dir) {
    ModelManifest manifest = readManifest(dir);
    Path weights = dir.resolve(manifest.weights());
    if (!Files.isRegularFile(weights)) {
      throw new ModelStoreException(
          "Model "
              + manifest.name()
              + ": weights file "
              + weights
              + " named in the manifest is missing");
    }
    String actual = sha256(weights);
    if (!actual.equalsIgnoreCase(manifest.sha256())) {
      throw new ModelStoreException(
          "Model "
              + manifest.name()
              + ": weights file "
              + weights
              + " is corrupt or replaced (sha256 "
              + actual
              + ", manifest says "
              + manifest.sha256()
              + ")");
    }
    Architecture architecture =
        Architecture.find(manifest.architecture(), manifest.preset())
            .orElseThrow(
                () ->
                    new ModelStoreException(
                        "Model "
                            + manifest.name()
                            + ": unknown architecture "
                            + manifest.architecture()
                            + "/"
                            + manifest.preset()));
    Model model = Model.newInstance(manifest.name());
    try {
      model.setBlock(architecture.build(manifest.classes().size()));
      model.load(dir, manifest.name());
      // A stored model serves inference and needs no gradients; training unfreezes what it trains.
      model.getBlock().freezeParameters(true);
      requireOutputs(model, manifest);
      return new StoredModel(manifest, model);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelStoreException(
          "Model "
              + manifest.name()
              + ": weights in "
              + weights
              + " do not fit "
              + manifest.architecture()
              + "/"
              + manifest.preset()
              + " with "
              + manifest.classes().size()
              + " classes: "
              + e.getMessage(),
          e);
    }
  }

  /**
   * DJL takes parameter shapes from the file, so a head trained for another class list loads
   * without complaint; one forward pass on a blank image proves the outputs match the manifest's
   * classes.
   */
  private static void requireOutputs(Model model, ModelManifest manifest) {
    int side = manifest.inputSize();
    try (NDManager manager = model.getNDManager().newSubManager()) {
      Shape out =
          model
              .getBlock()
              .forward(
                  new ParameterStore(manager, false),
                  new NDList(manager.zeros(new Shape(1, 3, side, side))),
                  false)
              .singletonOrThrow()
              .getShape();
      if (!out.equals(new Shape(1, manifest.classes().size()))) {
        throw new IllegalStateException(
            "the model outputs "
                + out
                + " for one image, the manifest lists "
                + manifest.classes().size()
                + " classes");
      }
    }
  }

  /** The manifest of {@code dir}. */
  public static ModelManifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST);
    try {
      ModelManifest manifest = JSON.readValue(file.toFile(), ModelManifest.class);
      if (manifest.name() == null || manifest.weights() == null || manifest.sha256() == null) {
        throw new ModelStoreException(file + " lacks name, weights or sha256");
      }
      return manifest;
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new ModelStoreException("No " + MANIFEST + " in model directory " + dir, e);
    } catch (IOException e) {
      throw new ModelStoreException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static String sha256(Path file) {
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isWeights(Path p) {
    return p.getFileName().toString().endsWith(".params");
  }
}
