package org.leukostream.models.store;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
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

  /** Location prefix of a model directory packed on the class path. */
  public static final String CLASSPATH = "classpath:";

  private static final String TORCHSCRIPT = ".pt";
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
    try (Model model = architecture.newModel(name, classes.size())) {
      return save(dir, ModelManifest.of(name, architecture, version, classes), model);
    }
  }

  /** Loads the model directory {@code dir} onto the CPU, checking its manifest and weights. */
  public static StoredModel load(Path dir) {
    return load(dir, Device.cpu());
  }

  /**
   * Loads {@code location}: a model directory's path, or {@code classpath:some/dir} for one packed
   * inside the application (its manifest and weights are copied to a temporary directory first, as
   * LibTorch reads only files).
   */
  public static StoredModel load(String location, Device device) {
    if (!location.startsWith(CLASSPATH)) {
      return load(Path.of(location), device);
    }
    String root = classpathRoot(location);
    try {
      Path copy = Files.createTempDirectory("leukostream-model-");
      copy.toFile().deleteOnExit();
      copyResource(root + "/" + MANIFEST, copy.resolve(MANIFEST), location);
      ModelManifest manifest = readManifest(copy);
      copyResource(root + "/" + manifest.weights(), copy.resolve(manifest.weights()), location);
      return load(copy, device);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy model " + location, e);
    }
  }

  /** The resource folder of a {@code classpath:dir} location. */
  public static String classpathRoot(String location) {
    return location.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
  }

  /** {@code resource} from the thread's class loader (or this library's), null when absent. */
  public static InputStream openResource(String resource) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return (loader != null ? loader : ModelStore.class.getClassLoader())
        .getResourceAsStream(resource);
  }

  private static void copyResource(String resource, Path target, String location)
      throws IOException {
    try (InputStream in = openResource(resource)) {
      if (in == null) {
        throw new ModelStoreException(
            "Model " + location + ": no " + resource + " on the class path");
      }
      Files.copy(in, target);
      target.toFile().deleteOnExit();
    }
  }

  /**
   * The device a configuration names: {@code cpu}, {@code cuda} / {@code gpu} (the first GPU), or
   * {@code cuda:N} / {@code gpuN}. A GPU the engine cannot see is an error, not a silent fall-back
   * to the CPU: the CPU build of LibTorch sees none.
   */
  public static Device device(String name) {
    String n = name.trim().toLowerCase(java.util.Locale.ROOT);
    if (n.equals("cpu")) {
      return Device.cpu();
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:cuda|gpu):?(\\d*)").matcher(n);
    if (!m.matches()) {
      throw new IllegalArgumentException("Unknown device '" + name + "': use cpu, cuda or cuda:N");
    }
    int id = m.group(1).isEmpty() ? 0 : Integer.parseInt(m.group(1));
    Engine engine = Engine.getEngine("PyTorch");
    if (!engine.hasCapability(StandardCapabilities.CUDA)) {
      throw new ModelStoreException(
          "Device "
              + name
              + " requested, but the CPU build of LibTorch is on the class path: a GPU node runs"
              + " the classifier's CUDA image (pytorch-native-cu* instead of pytorch-native-cpu)");
    }
    if (id >= engine.getGpuCount()) {
      throw new ModelStoreException(
          "Device "
              + name
              + " requested, but the PyTorch engine sees "
              + engine.getGpuCount()
              + " GPU(s)");
    }
    return Device.gpu(id);
  }

  /**
   * Loads the model directory {@code dir} onto {@code device}: DJL weights into the manifest's
   * architecture, or a TorchScript module ({@code .pt}, trained elsewhere) as it is. Either way the
   * checksum is checked first and one forward pass proves the outputs fit the manifest.
   */
  public static StoredModel load(Path dir, Device device) {
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
    boolean torchScript = manifest.weights().endsWith(TORCHSCRIPT);
    Architecture architecture =
        torchScript
            ? null
            : Architecture.find(manifest.architecture(), manifest.preset())
                .orElseThrow(
                    () ->
                        new ModelStoreException(
                            "Model "
                                + manifest.name()
                                + ": unknown architecture "
                                + manifest.architecture()
                                + "/"
                                + manifest.preset()));
    Model model = Model.newInstance(manifest.name(), device, "PyTorch");
    try {
      if (torchScript) {
        String file = manifest.weights();
        model.load(dir, file.substring(0, file.length() - TORCHSCRIPT.length()));
      } else {
        model.setBlock(architecture.build(manifest.classes().size()));
        model.load(dir, manifest.name());
      }
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
              + (torchScript
                  ? "a TorchScript module"
                  : manifest.architecture() + "/" + manifest.preset())
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
   * classes: a classifier's {@code (1, classes)}, a detector's {@code (1, anchors, classes)}
   * logits.
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
              .get(0)
              .getShape();
      if (out.get(0) != 1 || out.getLastDimension() != manifest.classes().size()) {
        throw new IllegalStateException(
            "the model outputs "
                + out
                + " for one image, the manifest lists "
                + manifest.classes().size()
                + " classes");
      }
    }
  }

  /**
   * Records {@code point} in the manifest of the model directory {@code dir} (replacing an earlier
   * one); weights and checksum stay as they are.
   */
  public static ModelManifest recordOperatingPoint(Path dir, OperatingPoint point) {
    ModelManifest manifest = readManifest(dir).withOperatingPoint(point);
    try {
      JSON.writeValue(dir.resolve(MANIFEST).toFile(), manifest);
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the manifest of " + dir, e);
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

  /** The SHA-256 of {@code file} as the manifest records it (lower-case hex). */
  public static String sha256(Path file) {
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
