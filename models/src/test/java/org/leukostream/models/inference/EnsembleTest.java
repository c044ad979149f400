package org.leukostream.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.modality.Classifications;
import ai.djl.modality.cv.Image;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.models.UntrainedModels;
import org.leukostream.models.store.ClassRole;
import org.leukostream.models.store.ModelClass;
import org.leukostream.models.store.ModelManifest;
import org.leukostream.models.store.ModelStore;
import org.leukostream.models.store.OperatingPoint;
import org.leukostream.models.store.StoredModel;

class EnsembleTest {
  static final List<ModelClass> BLAST_VS_NORMAL =
      List.of(new ModelClass("blast", ClassRole.BLAST), new ModelClass("normal", ClassRole.NORMAL));

  @TempDir Path dir;

  @Test
  void combinationIsTheWeightedSumWorkedByHand() {
    // Ensemble A: 0.7 x ViT (0.9, 0.1) + 0.3 x EfficientNet (0.2, 0.8) = (0.69, 0.31).
    double[] combined =
        Ensemble.combine(
            new double[] {0.7, 0.3}, List.of(new double[] {0.9, 0.1}, new double[] {0.2, 0.8}));

    assertThat(combined[0]).isCloseTo(0.69, within(1e-12));
    assertThat(combined[1]).isCloseTo(0.31, within(1e-12));
    // Ensemble B: the mean of three.
    double[] mean =
        Ensemble.combine(
            new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
            List.of(new double[] {0.6, 0.4}, new double[] {0.3, 0.7}, new double[] {0.0, 1.0}));
    assertThat(mean[0]).isCloseTo(0.3, within(1e-12));
  }

  @Test
  void ensembleARunsBothMembersOnTheSameBatchEachAtItsOwnInputSize() throws Exception {
    UntrainedModels.save(dir.resolve("vit"), "blast-vit", "vit", BLAST_VS_NORMAL); // 64 px
    UntrainedModels.save(
        dir.resolve("eff"), "blast-effnet", "efficientnet_b0", "medium", BLAST_VS_NORMAL); // 128
    List<Image> crops =
        List.of(
            UntrainedModels.crop(90, new Color(80, 40, 140)),
            UntrainedModels.crop(120, new Color(150, 70, 160)),
            UntrainedModels.crop(70, new Color(200, 120, 150)));

    try (StoredModel vit = ModelStore.load(dir.resolve("vit"));
        StoredModel eff = ModelStore.load(dir.resolve("eff"));
        Ensemble ensemble =
            new Ensemble(
                "blast",
                List.of(new EnsembleMember(vit, 0.7), new EnsembleMember(eff, 0.3)),
                2); // three crops: a batch of two, then one
        var single = vit.model().newPredictor(new CropTranslator(vit.manifest()));
        var singleEff = eff.model().newPredictor(new CropTranslator(eff.manifest()))) {
      assertThat(eff.manifest().inputSize()).isNotEqualTo(vit.manifest().inputSize());
      ensemble.warmUp(2);
      List<EnsemblePrediction> predictions = ensemble.predict(crops);

      assertThat(predictions).hasSize(3);
      assertThat(predictions.get(0).models())
          .containsExactly("blast-vit:test", "blast-effnet:test");
      for (int i = 0; i < crops.size(); i++) {
        EnsemblePrediction p = predictions.get(i);
        double blast = p.combined().get("blast").getProbability();
        double expected =
            0.7 * p.members().get(0).get("blast").getProbability()
                + 0.3 * p.members().get(1).get("blast").getProbability();
        assertThat(blast).isCloseTo(expected, within(1e-9));
        assertThat(blast + p.combined().get("normal").getProbability()).isCloseTo(1, within(1e-6));
        // Batched inference gives what one crop alone gives.
        Classifications alone = single.predict(crops.get(i));
        assertThat(p.members().get(0).get("blast").getProbability())
            .isCloseTo(alone.get("blast").getProbability(), within(1e-5));
        // The 128 px member sees each crop resized to its own input, as it would alone.
        assertThat(p.members().get(1).get("blast").getProbability())
            .isCloseTo(singleEff.predict(crops.get(i)).get("blast").getProbability(), within(1e-5));
      }
    }
  }

  /** A crop with nothing symmetric about it: an off-centre disc and a bar in one corner. */
  static java.awt.image.BufferedImage lopsided() {
    var image = new java.awt.image.BufferedImage(72, 72, java.awt.image.BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(new Color(230, 210, 220));
    g.fillRect(0, 0, 72, 72);
    g.setColor(new Color(90, 40, 140));
    g.fillOval(30, 12, 30, 22);
    g.setColor(new Color(160, 60, 90));
    g.fillRect(4, 50, 20, 6);
    g.dispose();
    return image;
  }

  @Test
  void theEightDihedralViewsAreEightDifferentImages() {
    List<Image> views =
        TestTimeAugmentation.DIHEDRAL.expand(
            List.of(ai.djl.modality.cv.ImageFactory.getInstance().fromImage(lopsided())));
    assertThat(views).hasSize(8);
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (Image view : views) {
      var pixels = (java.awt.image.BufferedImage) view.getWrappedImage();
      distinct.add(java.util.Arrays.toString(pixels.getRGB(0, 0, 72, 72, null, 0, 72)));
    }
    assertThat(distinct).hasSize(8);
    assertThat(TestTimeAugmentation.of("flips").views()).isEqualTo(4);
    assertThatThrownBy(() -> TestTimeAugmentation.of("sideways"))
        .hasMessageContaining("none, flips or dihedral");
  }

  /**
   * With the eight dihedral views, each member's probabilities are the mean over the views (checked
   * against the member alone on each view), so a crop and the same crop turned by 90 degrees get
   * the same prediction; without augmentation the untrained models tell them apart.
   */
  @Test
  void dihedralTestTimeAugmentationAveragesTheViewsAndIgnoresHowTheCellLies() throws Exception {
    UntrainedModels.save(dir.resolve("vit"), "blast-vit", "vit", BLAST_VS_NORMAL);
    UntrainedModels.save(dir.resolve("eff"), "blast-effnet", "efficientnet_b0", BLAST_VS_NORMAL);
    var factory = ai.djl.modality.cv.ImageFactory.getInstance();
    Image crop = factory.fromImage(lopsided());
    Image turned = factory.fromImage(Dihedral.ROT90.apply().apply(lopsided()));
    try (StoredModel vit = ModelStore.load(dir.resolve("vit"));
        StoredModel eff = ModelStore.load(dir.resolve("eff"));
        Ensemble plain =
            new Ensemble(
                "blast", List.of(new EnsembleMember(vit, 0.7), new EnsembleMember(eff, 0.3)), 4);
        Ensemble averaged =
            new Ensemble(
                "blast",
                List.of(new EnsembleMember(vit, 0.7), new EnsembleMember(eff, 0.3)),
                4, // 2 crops x 8 views: four batches per member
                TestTimeAugmentation.DIHEDRAL);
        var single = vit.model().newPredictor(new CropTranslator(vit.manifest()))) {
      List<EnsemblePrediction> tta = averaged.predict(List.of(crop, turned));
      double byHand = 0;
      for (Image view : TestTimeAugmentation.DIHEDRAL.expand(List.of(crop))) {
        byHand += single.predict(view).get("blast").getProbability() / 8;
      }
      assertThat(tta.get(0).members().get(0).get("blast").getProbability())
          .isCloseTo(byHand, within(1e-5));
      assertThat(tta.get(1).combined().get("blast").getProbability())
          .isCloseTo(tta.get(0).combined().get("blast").getProbability(), within(1e-5));

      List<EnsemblePrediction> once = plain.predict(List.of(crop, turned));
      assertThat(
              Math.abs(
                  once.get(0).combined().get("blast").getProbability()
                      - once.get(1).combined().get("blast").getProbability()))
          .isGreaterThan(1e-4);
    }
  }

  @Test
  void anEnsembleLoadsItsMembersFromConfiguredLocationsAndOwnsThem() throws Exception {
    UntrainedModels.save(dir.resolve("vit"), "blast-vit", "vit", BLAST_VS_NORMAL);
    UntrainedModels.save(dir.resolve("eff"), "blast-effnet", "efficientnet_b0", BLAST_VS_NORMAL);
    var members = new java.util.LinkedHashMap<String, Double>();
    members.put(dir.resolve("vit").toString(), 0.7);
    members.put(dir.resolve("eff").toString(), 0.3);
    try (Ensemble ensemble = Ensemble.load("blast", members, ai.djl.Device.cpu(), 4)) {
      assertThat(ensemble.members())
          .extracting(m -> m.model().manifest().name(), EnsembleMember::weight)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("blast-vit", 0.7),
              org.assertj.core.groups.Tuple.tuple("blast-effnet", 0.3));
      ensemble.warmUp(1, 4);
      assertThat(ensemble.predict(List.of(UntrainedModels.crop(80, Color.BLUE)))).hasSize(1);
    }
    members.put(dir.resolve("absent").toString(), 0.0);
    assertThatThrownBy(() -> Ensemble.load("blast", members, ai.djl.Device.cpu(), 4))
        .isInstanceOf(org.leukostream.models.store.ModelStoreException.class)
        .hasMessageContaining("absent");
  }

  @Test
  void membersMustShareClassesAndWeightsMustSumToOne() throws Exception {
    UntrainedModels.save(dir.resolve("a"), "a", "resnet50", BLAST_VS_NORMAL);
    UntrainedModels.save(
        dir.resolve("b"),
        "b",
        "resnet50",
        List.of(
            new ModelClass("normal", ClassRole.NORMAL), new ModelClass("blast", ClassRole.BLAST)));
    try (StoredModel a = ModelStore.load(dir.resolve("a"));
        StoredModel b = ModelStore.load(dir.resolve("b"))) {
      assertThatThrownBy(
              () ->
                  new Ensemble(
                      "blast", List.of(new EnsembleMember(a, 0.5), new EnsembleMember(b, 0.5)), 8))
          .hasMessageContaining("has classes");
      assertThatThrownBy(
              () ->
                  new Ensemble(
                      "blast", List.of(new EnsembleMember(a, 0.7), new EnsembleMember(a, 0.2)), 8))
          .hasMessageContaining("sum to");
    }
  }

  @Test
  void anOperatingPointRecordedInAManifestAppliesOnlyToTheEnsembleItWasMeasuredWith()
      throws Exception {
    UntrainedModels.save(dir.resolve("vit"), "blast-vit", "vit", BLAST_VS_NORMAL);
    UntrainedModels.save(dir.resolve("eff"), "blast-effnet", "efficientnet_b0", BLAST_VS_NORMAL);
    String vit = dir.resolve("vit").toString();
    String eff = dir.resolve("eff").toString();
    var pair = new java.util.LinkedHashMap<String, Double>();
    pair.put(vit, 0.3);
    pair.put(eff, 0.7);
    Map<String, Double> measuredWith;
    try (Ensemble ensemble = Ensemble.load("blast", pair, ai.djl.Device.cpu(), 4)) {
      assertThat(ensemble.operatingPoint()).isEmpty(); // nothing recorded yet
      measuredWith = ensemble.identity();
    }
    String version = ModelStore.readManifest(dir.resolve("vit")).version();
    assertThat(measuredWith)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("blast-vit:" + version, 0.3, "blast-effnet:" + version, 0.7));
    OperatingPoint point =
        new OperatingPoint(0.83, 0.71, 0.02, 80, 161, 0.02, "val part", measuredWith);
    ModelManifest recorded = ModelStore.recordOperatingPoint(dir.resolve("eff"), point);
    assertThat(ModelStore.readManifest(dir.resolve("eff")))
        .usingRecursiveComparison()
        .isEqualTo(recorded);
    assertThat(recorded.operatingPoint()).isEqualTo(point);

    try (Ensemble same = Ensemble.load("blast", pair, ai.djl.Device.cpu(), 4)) {
      assertThat(same.operatingPoint()).contains(point); // the weights still load: same checksum
    }
    pair.put(vit, 0.5);
    pair.put(eff, 0.5);
    try (Ensemble reweighted = Ensemble.load("blast", pair, ai.djl.Device.cpu(), 4);
        Ensemble alone = Ensemble.load("blast", Map.of(eff, 1.0), ai.djl.Device.cpu(), 4)) {
      assertThat(reweighted.operatingPoint()).isEmpty();
      assertThat(alone.operatingPoint()).isEmpty();
    }
    assertThatThrownBy(() -> new OperatingPoint(1.2, 0.7, 0.02, 80, 161, 0.02, "val", measuredWith))
        .hasMessageContaining("[0, 1]");
  }
}
