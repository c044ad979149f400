package org.leukostream.models.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.leukostream.models.arch.Architecture;

/**
 * {@code manifest.json} of a model directory: what the weights are and how to feed them.
 *
 * @param name model name, also the weights file prefix (e.g. {@code wbc-resnet50})
 * @param architecture architecture name from {@code Architecture.ALL}
 * @param preset its size preset
 * @param version model version, carried by every event the model contributes to
 * @param inputSize square input side in pixels
 * @param mean per-channel mean (RGB, 0..1) subtracted before inference
 * @param std per-channel standard deviation (RGB, 0..1) divided by
 * @param classes output classes in order, with their role for counting
 * @param weights weights file name inside the directory
 * @param sha256 SHA-256 of the weights file, 64 lower-case hex digits
 * @param aliases the data set folders the model was trained with under another class name ({@code
 *     FOLDER -> CLASS}, e.g. {@code MON -> normal}) over the built-in aliases, so that an
 *     evaluation reads the same data the same way without being told; empty where none were given
 *     (and in manifests written before this field)
 * @param micrometresPerInputPixel for a detector, the physical scales its training fields had at
 *     its input, so that a field of a known pixel size is brought to them; null where not measured
 * @param operatingPoint for a blast model, the ensemble's blast-probability threshold chosen on
 *     validation and the rates it gave ({@code evaluate --record-operating-point}); null where none
 *     was chosen (the aggregator's configured threshold applies)
 */
public record ModelManifest(
    String name,
    String architecture,
    String preset,
    String version,
    int inputSize,
    double[] mean,
    double[] std,
    List<ModelClass> classes,
    String weights,
    String sha256,
    Map<String, String> aliases,
    @JsonInclude(JsonInclude.Include.NON_NULL) ScaleRange micrometresPerInputPixel,
    @JsonInclude(JsonInclude.Include.NON_NULL) OperatingPoint operatingPoint) {

  public ModelManifest {
    aliases =
        aliases == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(aliases));
  }

  /** A manifest without aliases, a scale range or an operating point. */
  public ModelManifest(
      String name,
      String architecture,
      String preset,
      String version,
      int inputSize,
      double[] mean,
      double[] std,
      List<ModelClass> classes,
      String weights,
      String sha256) {
    this(
        name,
        architecture,
        preset,
        version,
        inputSize,
        mean,
        std,
        classes,
        weights,
        sha256,
        null,
        null,
        null);
  }

  /** ImageNet channel statistics (RGB, 0..1), the normalisation of transfer-learned backbones. */
  public static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};

  public static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};

  /**
   * The manifest of a new model of {@code architecture} for {@code classes}, with ImageNet
   * normalisation and no weights yet ({@link ModelStore#save} fills them in).
   */
  public static ModelManifest of(
      String name, Architecture architecture, String version, List<ModelClass> classes) {
    return new ModelManifest(
        name,
        architecture.name(),
        architecture.preset(),
        version,
        architecture.inputSize(),
        IMAGENET_MEAN,
        IMAGENET_STD,
        classes,
        null,
        null);
  }

  /** {@link #mean()} as the floats a normalisation takes. */
  public float[] meanFloats() {
    return floats(mean);
  }

  /** {@link #std()} as the floats a normalisation takes. */
  public float[] stdFloats() {
    return floats(std);
  }

  private static float[] floats(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /** The same manifest naming another weights file and checksum. */
  public ModelManifest withWeights(String weightsFile, String checksum) {
    return new ModelManifest(
        name,
        architecture,
        preset,
        version,
        inputSize,
        mean,
        std,
        classes,
        weightsFile,
        checksum,
        aliases,
        micrometresPerInputPixel,
        operatingPoint);
  }

  /** The same manifest recording the folder aliases its training data were read with. */
  public ModelManifest withAliases(Map<String, String> folderToClass) {
    return new ModelManifest(
        name,
        architecture,
        preset,
        version,
        inputSize,
        mean,
        std,
        classes,
        weights,
        sha256,
        folderToClass,
        micrometresPerInputPixel,
        operatingPoint);
  }

  /** The model as logs, health checks and reports name it: {@code name:version}. */
  public String id() {
    return name + ":" + version;
  }

  /** The same manifest recording the scales a detector was trained at. */
  public ModelManifest withScale(ScaleRange range) {
    return new ModelManifest(
        name,
        architecture,
        preset,
        version,
        inputSize,
        mean,
        std,
        classes,
        weights,
        sha256,
        aliases,
        range,
        operatingPoint);
  }

  /** The same manifest recording its ensemble's operating point. */
  public ModelManifest withOperatingPoint(OperatingPoint point) {
    return new ModelManifest(
        name,
        architecture,
        preset,
        version,
        inputSize,
        mean,
        std,
        classes,
        weights,
        sha256,
        aliases,
        micrometresPerInputPixel,
        point);
  }
}
