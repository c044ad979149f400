package org.leukostream.cli.train;

import ai.djl.Device;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.leukostream.cli.JsonLines;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.ModelStoreException;
import org.leukostream.models.store.StoredModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code leukostream import-model}: a classifier trained elsewhere (PyTorch, exported with {@code
 * torch.jit.trace}) made a model directory the services load like their own: the TorchScript file
 * copied beside a manifest (classes with their counting roles, input size, normalisation, sha256),
 * then loaded through the model store, which proves one forward pass gives one score per class.
 */
@Command(
    name = "import-model",
    mixinStandardHelpOptions = true,
    description = {
      "Make a TorchScript classifier (torch.jit.trace/save in PyTorch) a leukostream model"
          + " directory: manifest with sha256, classes and their roles for --task, input size and"
          + " normalisation; checked with one forward pass. Use the directory as"
          + " leukostream.classifier.<stage>.members[i].model.",
      "Exit code 0 when the model loads and gives one score per class; 2 with one line otherwise."
    })
public final class ImportModelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--torchscript", required = true, description = "The TorchScript file (.pt).")
  Path torchscript;

  @Option(
      names = "--task",
      required = true,
      description =
          "countable (stage 1: countable/uncountable), wbc (ensemble B's classes) or blast"
              + " (ensemble A: blast/normal).")
  String task;

  @Option(
      names = "--classes",
      required = true,
      split = ",",
      description =
          "The classes in the order of the model's outputs, e.g. blast,lymphocyte,monocyte.")
  List<String> classes;

  @Option(
      names = "--input-size",
      required = true,
      description = "The side of the square input the model was trained on, in pixels.")
  int inputSize;

  @Option(
      names = "--mean",
      split = ",",
      description =
          "Per-channel mean (RGB, 0..1) of the training normalisation (default ImageNet).")
  double[] mean = ModelManifest.IMAGENET_MEAN;

  @Option(
      names = "--std",
      split = ",",
      description = "Per-channel standard deviation (RGB) of the normalisation (default ImageNet).")
  double[] std = ModelManifest.IMAGENET_STD;

  @Option(names = "--name", description = "The model's name (default: the file's name).")
  String name;

  @Option(
      names = "--version",
      description = "The model's version (default: the first 12 hex digits of its sha256).")
  String version;

  @Option(names = "--out", required = true, description = "The model directory to write.")
  Path out;

  @Option(names = "--json", description = "Print the manifest written as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter output = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    refuseBadOptions();
    String file = torchscript.getFileName().toString();
    String modelName = name != null ? name : file.substring(0, file.length() - ".pt".length());
    String sha256 = ModelStore.sha256(torchscript);
    Files.createDirectories(out);
    Path weights = out.resolve(modelName + ".pt");
    Files.copy(torchscript, weights, StandardCopyOption.REPLACE_EXISTING);
    ModelManifest manifest =
        new ModelManifest(
            modelName,
            "torchscript",
            "external",
            version != null ? version : sha256.substring(0, 12),
            inputSize,
            mean,
            std,
            classes.stream().map(c -> new ModelClass(c, TrainCommand.role(task, c))).toList(),
            weights.getFileName().toString(),
            sha256);
    new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(out.resolve(ModelStore.MANIFEST).toFile(), manifest);
    try (StoredModel loaded = ModelStore.load(out, Device.cpu())) {
      err.printf(
          "import-model: %s:%s loads and gives %d scores per image (%s)%n",
          loaded.manifest().name(),
          loaded.manifest().version(),
          classes.size(),
          String.join(", ", classes));
    } catch (ModelStoreException e) {
      Files.deleteIfExists(out.resolve(ModelStore.MANIFEST));
      Files.deleteIfExists(weights);
      throw new IllegalArgumentException(
          torchscript
              + " is not a classifier for these "
              + classes.size()
              + " classes: "
              + e.getMessage(),
          e);
    }
    if (json) {
      JsonLines.write(output, "imported", manifest);
    } else {
      output.println(out);
    }
    return 0;
  }

  private void refuseBadOptions() {
    if (!Files.isRegularFile(torchscript)) {
      throw new IllegalArgumentException("no TorchScript file " + torchscript);
    }
    if (!torchscript.getFileName().toString().endsWith(".pt")) {
      throw new IllegalArgumentException(
          torchscript + ": a TorchScript file ends in .pt (torch.jit.save(module, 'model.pt'))");
    }
    task = task.toLowerCase(Locale.ROOT);
    Set<String> unique = new LinkedHashSet<>(classes);
    if (unique.size() != classes.size() || classes.size() < 2) {
      throw new IllegalArgumentException(
          "--classes must name at least two distinct classes, not " + classes);
    }
    switch (task) {
      case "countable" -> {
        if (!unique.equals(Set.of("countable", "uncountable"))) {
          throw new IllegalArgumentException(
              "--task countable has the classes countable and uncountable, not " + classes);
        }
      }
      case "blast" -> {
        if (!unique.contains("blast")) {
          throw new IllegalArgumentException(
              "--task blast needs a class named blast (the others are normal), not " + classes);
        }
      }
      case "wbc" -> {}
      default ->
          throw new IllegalArgumentException("--task must be countable, wbc or blast, not " + task);
    }
    if (inputSize < 16 || inputSize > 1024) {
      throw new IllegalArgumentException("--input-size must be 16..1024 pixels, not " + inputSize);
    }
    for (double[] values : List.of(mean, std)) {
      if (values.length != 3 || Arrays.stream(values).anyMatch(v -> !(v >= 0 && v <= 1))) {
        throw new IllegalArgumentException(
            "--mean and --std take three values in 0..1 (RGB), not " + Arrays.toString(values));
      }
    }
    if (Arrays.stream(std).anyMatch(v -> v == 0)) {
      throw new IllegalArgumentException("--std must not be 0");
    }
    if (Files.isRegularFile(out.resolve(ModelStore.MANIFEST))) {
      throw new IllegalArgumentException(
          out + " already holds a model (manifest.json): choose another --out");
    }
  }
}
