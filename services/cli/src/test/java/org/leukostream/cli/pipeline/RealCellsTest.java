package org.leukostream.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.aggregator.streams.AggregatorSettings;
import org.leukostream.avro.Decision;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.RealCells;

/**
 * Virtual patients of real single-cell images: a class-folder data set laid out as Matek's (here
 * small drawn crops, so the test needs no shared data), its pools, held-out lists and ground truth.
 */
class RealCellsTest {
  static final double FIELD_RED_CELL = 34;
  final AggregatorSettings settings = AggregatorSettings.fromApplicationProperties();

  @TempDir Path dir;

  /** {@code n} crops of 100 px in {@code root/folder}, each a disc of {@code colour}. */
  static void crops(Path root, String folder, int n, Color colour) throws Exception {
    Files.createDirectories(root.resolve(folder));
    for (int i = 0; i < n; i++) {
      BufferedImage crop = new BufferedImage(100, 100, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = crop.createGraphics();
      g.setColor(new Color(225, 225, 235));
      g.fillRect(0, 0, 100, 100);
      g.setColor(colour);
      g.fillOval(20 + i % 3, 20, 60, 60);
      g.dispose();
      ImageIO.write(crop, "png", root.resolve(folder).resolve(folder + "_" + i + ".png").toFile());
    }
  }

  Path matekLike() throws Exception {
    Path root = dir.resolve("set/train");
    crops(root, "BLA", 4, new Color(120, 60, 160));
    crops(root, "LYT", 5, new Color(60, 30, 120));
    crops(root, "NGS", 3, new Color(150, 90, 170));
    crops(root, "NIF", 2, new Color(170, 150, 190));
    crops(root, "platelet", 2, new Color(150, 95, 175));
    return root;
  }

  RealCells load(Path root, Properties overrides, Map<String, String> aliases) {
    return RealCells.load(
        root,
        aliases,
        ServiceConfigs.classifierHeldOut(overrides),
        false,
        0.6,
        90,
        SmearGenerator.Options.DEFAULT);
  }

  @Test
  void theFoldersFillTheRulesPoolsAndPlateletsAreNoWhiteCells() throws Exception {
    RealCells cells = load(matekLike(), new Properties(), Map.of());

    assertThat(cells.blasts()).hasSize(4).allMatch(c -> c.type() == CellType.LYMPHOBLAST);
    assertThat(cells.others()).hasSize(8);
    assertThat(cells.uncountable()).hasSize(2).allMatch(c -> c.type() == CellType.SMUDGE);
    assertThat(cells.classes())
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of("blast", 4, "lymphocyte", 5, "segmented_neutrophil", 3, "uncountable", 2)));
    assertThat(cells.scale()).isEqualTo(FIELD_RED_CELL / 90);
    // The shipped models list images of the shared data set, none of this one: all are used.
    assertThat(cells.restricted()).isFalse();
  }

  @Test
  void aClassTheRuleCannotPlaceIsRefusedUntilAnAliasNamesIt() throws Exception {
    Path root = matekLike();
    crops(root, "HEM2", 2, Color.BLUE);

    assertThatThrownBy(() -> load(root, new Properties(), Map.of()))
        .hasMessageContaining("HEM2 (hem2)")
        .hasMessageContaining("--alias");
    assertThat(load(root, new Properties(), Map.of("HEM2", "normal")).others()).hasSize(10);
  }

  @Test
  void onlyImagesHeldOutByAStageDecidingTheirRoleAreUsed() throws Exception {
    Path root = matekLike();
    // Stand-ins for the three stages' first models: only their held-out lists are read.
    Properties overrides = new Properties();
    String header = "# label\tdata set\tfile\n";
    Map<String, String> lists =
        Map.of(
            "countable",
            header + "uncountable\tset/train\tNIF/NIF_0.png\ncountable\tset/train\tBLA/BLA_0.png\n",
            "wbc",
            header
                + "segmented_neutrophil\tset/train\tNGS/NGS_1.png\nblast\tset/train\tBLA/BLA_0.png\n"
                + "lymphocyte\tset/train\tLYT/LYT_4.png\n",
            "blast",
            header
                + "blast\tset/train\tBLA/BLA_0.png\nblast\tset/train\tBLA/BLA_2.png\n"
                + "lymphocyte\tset/train\tLYT/LYT_3.png\n");
    for (var stage : lists.entrySet()) {
      Path model = Files.createDirectories(dir.resolve("models").resolve(stage.getKey()));
      Files.writeString(model.resolve("heldout.tsv"), stage.getValue());
      overrides.setProperty(
          "leukostream.classifier." + stage.getKey() + ".members[0].model", model.toString());
    }

    RealCells cells = load(root, overrides, Map.of());

    assertThat(cells.restricted()).isTrue();
    // BLA_0 and BLA_2 (blast stage), LYT_3 (blast stage) and LYT_4 (white-cell stage), NGS_1,
    // NIF_0; BLA_0 alone was held out by all three.
    assertThat(cells.blasts()).hasSize(2);
    assertThat(cells.others()).hasSize(3);
    assertThat(cells.uncountable()).hasSize(1);
    assertThat(cells.heldOutByEveryStage()).isEqualTo(1);
    assertThat(load(root, overrides, Map.of()).toString()).contains("1 by every stage");
    assertThat(
            RealCells.load(
                    root,
                    Map.of(),
                    ServiceConfigs.classifierHeldOut(overrides),
                    true,
                    0.6,
                    90,
                    SmearGenerator.Options.DEFAULT)
                .size())
        .isEqualTo(14);
  }

  @Test
  void aRealCellPatientsGroundTruthIsTheRuleOnTheImagesClasses() throws Exception {
    RealCells cells = load(matekLike(), new Properties(), Map.of());
    var spec = new VirtualPatients.Spec("r", 40, 6, 0.5);

    var patient = VirtualPatients.draw(spec, 3, settings.rule(), cells);
    var again = VirtualPatients.draw(spec, 3, settings.rule(), cells);
    var none =
        VirtualPatients.draw(new VirtualPatients.Spec("n", 40, 6, 0), 3, settings.rule(), cells);

    // 240 cells, 12 of them (5%) uncountable; half the rest blasts.
    assertThat(patient.fields()).hasSize(40);
    assertThat(patient.countable()).isEqualTo(228);
    assertThat(patient.blasts()).isEqualTo(114);
    assertThat(patient.expected()).isEqualTo(Decision.ALL);
    assertThat(none.blasts()).isZero();
    assertThat(none.expected()).isEqualTo(Decision.NOT_ALL);
    assertThat(again.fields().get(5).data()).isEqualTo(patient.fields().get(5).data());
    BufferedImage field = ImageIO.read(new ByteArrayInputStream(patient.fields().get(0).data()));
    assertThat(List.of(field.getWidth(), field.getHeight())).containsExactly(640, 480);
  }

  @Test
  void magnifiedFieldsKeepMoreOfEachCellAndStateTheirFinerPixelSize() throws Exception {
    SmearGenerator.Options fine = SmearGenerator.Options.DEFAULT.magnified(2.5);
    RealCells plain = load(matekLike(), new Properties(), Map.of());
    RealCells magnified = RealCells.load(matekLike(), Map.of(), Map.of(), false, 0.6, 90, fine);
    var spec = new VirtualPatients.Spec("m", 4, 6, 0.5);

    var patient = VirtualPatients.draw(spec, 3, settings.rule(), magnified);
    var same = VirtualPatients.draw(spec, 3, settings.rule(), plain);

    assertThat(magnified.scale()).isCloseTo(2.5 * plain.scale(), within(1e-12));
    BufferedImage field = ImageIO.read(new ByteArrayInputStream(patient.fields().get(0).data()));
    assertThat(List.of(field.getWidth(), field.getHeight())).containsExactly(1600, 1200);
    assertThat(patient.fields().get(0).width()).isEqualTo(1600);
    assertThat(patient.micrometresPerPixel()).isCloseTo(7.5 / 85, within(1e-12));
    assertThat(same.micrometresPerPixel()).isCloseTo(7.5 / 34, within(1e-12));
    // The same cells are drawn: only the fields' resolution differs.
    assertThat(patient.blasts()).isEqualTo(same.blasts());
    assertThat(
            patient
                .toCase(
                    new org.leukostream.cli.scan.PatientKeys("a-test-secret-of-32-bytes-length"),
                    "s")
                .micrometresPerPixel())
        .isEqualTo(patient.micrometresPerPixel());
  }

  @Test
  void aCaseOverTheThresholdNeedsBlastImages() throws Exception {
    Path root = dir.resolve("pbc-like");
    crops(root, "lymphocyte", 3, new Color(60, 30, 120));
    RealCells cells = load(root, new Properties(), Map.of());

    assertThatThrownBy(
            () ->
                VirtualPatients.draw(
                    new VirtualPatients.Spec("x", 4, 6, 0.5), 1, settings.rule(), cells))
        .hasMessageContaining("no blast images");
    // Without blasts to draw, a case is made of what there is.
    assertThat(
            VirtualPatients.draw(new VirtualPatients.Spec("y", 4, 6, 0), 1, settings.rule(), cells)
                .countable())
        .isEqualTo(24);
  }
}
