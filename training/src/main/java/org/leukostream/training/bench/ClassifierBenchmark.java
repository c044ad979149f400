package org.leukostream.training.bench;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.WbcDetector;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.EnsembleMember;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.StoredModel;

/**
 * Cells per second of each ensemble through the real inference path (model directories, translator,
 * one predictor per member, the same batch for every member), at several batch sizes, with the
 * compute achieved next to a LibTorch matrix-multiply peak measured in the same run. The weights
 * are untrained: throughput does not depend on their values.
 */
public final class ClassifierBenchmark {
  /** An ensemble to measure: members as (architecture, weight), with its class count. */
  public record EnsembleSpec(
      String stage, int classes, List<String> architectures, List<Double> weights) {}

  /** The three models the classifier runs per cell, as the papers configure them. */
  public static final List<EnsembleSpec> PAPER_ENSEMBLES =
      List.of(
          new EnsembleSpec("countable", 2, List.of("resnext101_32x8d"), List.of(1.0)),
          new EnsembleSpec(
              "wbc",
              20,
              List.of("resnext101_32x8d", "resnext50_32x4d", "resnet50"),
              List.of(1 / 3.0, 1 / 3.0, 1 / 3.0)),
          new EnsembleSpec("blast", 2, List.of("vit", "efficientnet_b0"), List.of(0.7, 0.3)));

  /** One measured point. */
  public record Result(
      String stage,
      String preset,
      int batch,
      double cellsPerSecond,
      double gflopsPerCell,
      double achievedGflops,
      double peakGflops,
      double peakRatio,
      int batches) {}

  private final double secondsPerPoint;
  private final Consumer<String> progress;

  /**
   * @param secondsPerPoint timed work per point (at least two batches are timed whatever it says)
   * @param progress where progress lines go
   */
  public ClassifierBenchmark(double secondsPerPoint, Consumer<String> progress) {
    this.secondsPerPoint = secondsPerPoint;
    this.progress = progress;
  }

  /** LibTorch fp32 matrix multiply on this machine, GFLOP/s (2 n^3 per product). */
  public double matmulPeakGflops() {
    int n = 1024;
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray a = manager.randomUniform(0, 1, new Shape(n, n));
      NDArray b = manager.randomUniform(0, 1, new Shape(n, n));
      a.matMul(b).close(); // warm-up
      int rounds = 0;
      long begin = System.nanoTime();
      while (rounds < 5 || System.nanoTime() - begin < 1e9) {
        a.matMul(b).close();
        rounds++;
      }
      return rounds * 2.0 * n * n * n / ((System.nanoTime() - begin) / 1e9) / 1e9;
    }
  }

  /** Measures {@code spec} at {@code preset} for each batch size. */
  public List<Result> measure(EnsembleSpec spec, String preset, List<Integer> batches, double peak)
      throws TranslateException {
    Path dir = tempDir();
    List<StoredModel> stored = new ArrayList<>();
    try {
      List<EnsembleMember> members = new ArrayList<>();
      double gmacs = 0;
      for (int i = 0; i < spec.architectures().size(); i++) {
        String arch = spec.architectures().get(i);
        Architecture architecture = Architecture.find(arch, preset).orElseThrow();
        gmacs += architecture.summarize(spec.classes()).gflops();
        Path memberDir = dir.resolve(spec.stage() + "-" + i);
        ModelStore.saveInitialised(
            memberDir, spec.stage() + "-" + arch, "bench", architecture, classList(spec.classes()));
        StoredModel model = ModelStore.load(memberDir);
        stored.add(model);
        members.add(new EnsembleMember(model, spec.weights().get(i)));
      }
      List<Result> results = new ArrayList<>();
      try (Ensemble ensemble =
          new Ensemble(spec.stage(), members, java.util.Collections.max(batches))) {
        for (int batch : batches) {
          List<Image> crops = crops(batch);
          results.add(
              point(
                  spec.stage(),
                  preset,
                  batch,
                  2 * gmacs,
                  peak,
                  "cells",
                  () -> ensemble.predict(crops)));
        }
      }
      return results;
    } finally {
      stored.forEach(StoredModel::close);
      deleteRecursively(dir);
    }
  }

  /**
   * Fields per second of the WBC detector at {@code preset} (640 x 480 fields, letterboxed), for
   * each batch size; {@link Result#cellsPerSecond()} holds fields per second here. Untrained
   * weights score every anchor near 0.01, so box decoding and suppression cost next to nothing: the
   * figure is the network's.
   */
  public List<Result> measureDetector(String preset, List<Integer> batches, double peak)
      throws TranslateException {
    Path dir = tempDir();
    Architecture architecture = Architecture.find("retinanet_resnet50_fpn", preset).orElseThrow();
    double gflopsPerField = 2 * architecture.summarize(1).gflops();
    ModelStore.saveInitialised(
        dir,
        "wbc-detector",
        "bench",
        architecture,
        List.of(new ModelClass("wbc", ClassRole.COUNTED)));
    List<Result> results = new ArrayList<>();
    try (StoredModel model = ModelStore.load(dir);
        WbcDetector detector =
            new WbcDetector(
                model, new DetectorSettings(0.5, 0.5, 300, java.util.Collections.max(batches)))) {
      for (int batch : batches) {
        List<Image> fields = fields(batch);
        results.add(
            point(
                "detector",
                preset,
                batch,
                gflopsPerField,
                peak,
                "fields",
                () -> detector.detect(fields)));
      }
      return results;
    } finally {
      deleteRecursively(dir);
    }
  }

  /** One forward pass over a prepared batch. */
  @FunctionalInterface
  private interface Batch {
    void run() throws TranslateException;
  }

  /**
   * Times {@code batch} (after one untimed run that allocates its shapes) for at least {@code
   * secondsPerPoint} and two runs: items per second and the compute achieved against the peak.
   */
  private Result point(
      String stage,
      String preset,
      int size,
      double gflopsPerItem,
      double peak,
      String unit,
      Batch batch)
      throws TranslateException {
    batch.run();
    int rounds = 0;
    long begin = System.nanoTime();
    while (rounds < 2 || System.nanoTime() - begin < secondsPerPoint * 1e9) {
      batch.run();
      rounds++;
    }
    double perSecond = size * rounds / ((System.nanoTime() - begin) / 1e9);
    double achieved = perSecond * gflopsPerItem;
    progress.accept(
        String.format(
            "%s/%s batch %d: %.2f %s/s, %.1f GFLOP/s (%.2f of peak)",
            stage, preset, size, perSecond, unit, achieved, achieved / peak));
    return new Result(
        stage, preset, size, perSecond, gflopsPerItem, achieved, peak, achieved / peak, rounds);
  }

  /** 640 x 480 field-like pictures: pale background, pink discs, a few purple ones. */
  private static List<Image> fields(int count) {
    return pictures(
        count,
        640,
        480,
        new Color(240, 230, 232),
        (g, random) -> {
          for (int c = 0; c < 120; c++) {
            g.setColor(c % 20 == 0 ? new Color(110, 60, 160) : new Color(220, 140, 150));
            int d = c % 20 == 0 ? 60 : 34;
            g.fillOval(random.nextInt(640), random.nextInt(480), d, d);
          }
        });
  }

  private static List<ModelClass> classList(int classes) {
    List<ModelClass> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add(new ModelClass("class-" + c, ClassRole.COUNTED));
    }
    return names;
  }

  /** Crop-sized pictures (a stained disc on a pale background), as the detector would emit. */
  private static List<Image> crops(int count) {
    return pictures(
        count,
        96,
        96,
        new Color(235, 220, 225),
        (g, random) -> {
          g.setColor(
              new Color(
                  80 + random.nextInt(100), 40 + random.nextInt(60), 140 + random.nextInt(60)));
          g.fillOval(18, 18, 60, 60);
        });
  }

  /**
   * {@code count} pictures on {@code background}, each painted with a generator seeded by count.
   */
  private static List<Image> pictures(
      int count,
      int width,
      int height,
      Color background,
      java.util.function.BiConsumer<Graphics2D, Random> paint) {
    Random random = new Random(count);
    List<Image> pictures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = picture.createGraphics();
      g.setColor(background);
      g.fillRect(0, 0, width, height);
      paint.accept(g, random);
      g.dispose();
      pictures.add(ImageFactory.getInstance().fromImage(picture));
    }
    return pictures;
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("leukostream-bench-models-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
