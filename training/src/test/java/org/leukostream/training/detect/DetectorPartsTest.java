package org.leukostream.training.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.leukostream.models.arch.AnchorSpec;
import org.leukostream.models.arch.Architecture;
import org.leukostream.models.detect.BoxCoder;
import org.leukostream.models.detect.CellDetection;
import org.leukostream.models.detect.CropExtractor;
import org.leukostream.models.detect.DetectorSettings;
import org.leukostream.models.detect.Nms;

/** The detector's pieces against values worked out by hand. */
class DetectorPartsTest {
  static final AnchorSpec SPEC =
      new AnchorSpec(new int[] {8, 16}, new double[] {16, 32}, new double[] {1}, new double[] {1});

  @Test
  void anchorsAreLevelRowColumnOrderedAndCentredOnTheirCells() {
    float[] boxes = SPEC.boxes(32);
    assertThat(SPEC.count(32)).isEqualTo(4 * 4 + 2 * 2);
    // First anchor: level 0, row 0, column 0: centre (4, 4), side 16.
    assertThat(new float[] {boxes[0], boxes[1], boxes[2], boxes[3]})
        .containsExactly(-4f, -4f, 12f, 12f);
    // Second: column 1, centre (12, 4).
    assertThat(boxes[4]).isEqualTo(4f);
    // First of level 1 (index 16): centre (8, 8), side 32.
    assertThat(new float[] {boxes[64], boxes[65], boxes[66], boxes[67]})
        .containsExactly(-8f, -8f, 24f, 24f);
  }

  @Test
  void boxOffsetsRoundTrip() {
    float[] anchors = {10, 20, 30, 40};
    float[] box = {12, 18, 40, 44};
    float[] offsets = new float[4];
    BoxCoder.encode(anchors, 0, box, offsets, 0);
    // Centre (20, 30) -> (26, 31) in a 20 x 20 anchor: dx 0.3, dy 0.05; sizes 28/20, 26/20.
    assertThat(offsets[0]).isCloseTo(0.3f, within(1e-6f));
    assertThat(offsets[1]).isCloseTo(0.05f, within(1e-6f));
    assertThat(offsets[2]).isCloseTo((float) Math.log(1.4), within(1e-6f));
    assertThat(offsets[3]).isCloseTo((float) Math.log(1.3), within(1e-6f));
    assertThat(BoxCoder.decode(anchors, 0, offsets, 0))
        .containsExactly(new double[] {12, 18, 40, 44}, within(1e-4));
  }

  @Test
  void focalLossMatchesHandValues() {
    try (NDManager manager = NDManager.newBaseManager()) {
      FocalLoss loss = new FocalLoss(); // alpha 0.25, gamma 2
      float[] out =
          loss.elementwise(
                  manager.create(new float[] {0, 0, 2, -1}),
                  manager.create(new float[] {1, 0, 1, 0}))
              .toFloatArray();
      double ln2 = Math.log(2);
      // p = 0.5: 0.25 * 0.5^2 * ln 2 for a positive, 0.75 * 0.5^2 * ln 2 for a negative.
      assertThat(out[0]).isCloseTo((float) (0.25 * 0.25 * ln2), within(1e-6f));
      assertThat(out[1]).isCloseTo((float) (0.75 * 0.25 * ln2), within(1e-6f));
      // Logit 2, target 1: p = sigmoid(2), loss 0.25 (1 - p)^2 (-ln p).
      double p = 1 / (1 + Math.exp(-2));
      assertThat(out[2])
          .isCloseTo((float) (0.25 * Math.pow(1 - p, 2) * -Math.log(p)), within(1e-6f));
      // Logit -1, target 0: p = sigmoid(-1), loss 0.75 p^2 (-ln(1 - p)).
      double q = 1 / (1 + Math.exp(1));
      assertThat(out[3]).isCloseTo((float) (0.75 * q * q * -Math.log(1 - q)), within(1e-6f));
    }
  }

  @Test
  void focalLossIgnoresMarkedAnchorsAndDividesByPositives() {
    try (NDManager manager = NDManager.newBaseManager()) {
      // One image, three anchors, one class: a positive, an ignored one, a negative.
      NDList labels =
          new NDList(
              manager.create(new float[] {1, 0, 0}, new Shape(1, 3, 1)),
              manager.create(new float[] {1, 0, 1}, new Shape(1, 3)),
              manager.create(new float[] {1, 0, 0}, new Shape(1, 3)),
              manager.create(
                  new float[] {0.1f, 0, 0, 0, 9, 9, 9, 9, 9, 9, 9, 9}, new Shape(1, 3, 4)));
      NDList predictions =
          new NDList(
              manager.create(new float[] {0, 5, 0}, new Shape(1, 3, 1)),
              manager.zeros(new Shape(1, 3, 4)));
      double ln2 = Math.log(2);
      double expected = 0.25 * 0.25 * ln2 + 0.75 * 0.25 * ln2 + 0.1; // one positive
      assertThat(new FocalLoss().evaluate(labels, predictions).getFloat())
          .isCloseTo((float) expected, within(1e-6f));
    }
  }

  @Test
  void everyCellGetsAPositiveAnchorAndFarAnchorsAreBackground() {
    float[] anchors = SPEC.boxes(32);
    // A 14 px cell near (20, 20): no anchor reaches IoU 0.5 with it except by the best-anchor rule.
    DetectionTargets t =
        DetectionTargets.assign(anchors, List.of(new float[] {13, 13, 27, 27}), new int[] {0}, 1);
    assertThat(t.positives()).isGreaterThanOrEqualTo(1);
    int positive = -1;
    for (int a = 0; a < t.positive().length; a++) {
      if (t.positive()[a] == 1) {
        positive = a;
        assertThat(t.classes()[a]).isEqualTo(1f);
      }
    }
    assertThat(positive).isGreaterThanOrEqualTo(0);
    // Anchor 0 (-4..12) barely touches the cell: background, counted in the class loss.
    assertThat(t.valid()[0]).isEqualTo(1f);
    assertThat(t.positive()[0]).isEqualTo(0f);
    assertThat(t.classes()[0]).isEqualTo(0f);
  }

  @Test
  void suppressionKeepsTheBestOfOverlappingBoxesPerLabel() {
    List<CellDetection> kept =
        Nms.suppress(
            List.of(
                new CellDetection(0, 0, 10, 10, 0.6, "wbc"),
                new CellDetection(1, 1, 10, 10, 0.9, "wbc"),
                new CellDetection(1, 1, 10, 10, 0.5, "other"),
                new CellDetection(50, 50, 10, 10, 0.7, "wbc")),
            0.5,
            10);
    assertThat(kept).extracting(CellDetection::score).containsExactly(0.9, 0.7, 0.5);
    assertThat(Nms.suppress(kept, 0.5, 1)).hasSize(1);
  }

  @Test
  void containmentDropsABoxInsideAKeptOneThatIoUAloneKeeps() {
    CellDetection cell = new CellDetection(100, 100, 60, 60, 0.9, "wbc");
    CellDetection nucleus = new CellDetection(110, 110, 30, 30, 0.6, "wbc");
    CellDetection neighbour = new CellDetection(150, 100, 60, 60, 0.7, "wbc");
    // IoU of the nucleus box with its cell's is 0.25: plain suppression keeps both.
    assertThat(cell.iou(nucleus)).isLessThan(0.5);
    assertThat(cell.containment(nucleus)).isEqualTo(1.0);
    assertThat(Nms.suppress(List.of(cell, nucleus, neighbour), 0.5, 10)).hasSize(3);

    List<CellDetection> kept = Nms.suppress(List.of(nucleus, neighbour, cell), 0.5, 0.8, 10);

    // A touching neighbour (a sixth of it overlaps) stays.
    assertThat(kept).containsExactly(cell, neighbour);
    assertThat(cell.containment(neighbour)).isCloseTo(1 / 6.0, within(1e-9));
    // And the other way round: a stronger part kept first drops the weaker whole around it.
    CellDetection strongPart = new CellDetection(110, 110, 30, 30, 0.95, "wbc");
    assertThat(Nms.suppress(List.of(cell, strongPart), 0.5, 0.8, 10)).containsExactly(strongPart);
    assertThatThrownBy(() -> new DetectorSettings(0.2, 0.5, 0, 10, 1))
        .hasMessageContaining("containment");
  }

  @Test
  void cropsAreSquareWithMarginAndPaddedAtTheFieldEdge() {
    BufferedImage field = new BufferedImage(100, 80, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = field.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 100, 80);
    g.setColor(Color.BLUE);
    g.fillRect(0, 0, 20, 40); // a tall cell at the left edge
    g.dispose();
    BufferedImage crop =
        new CropExtractor(0.25, 60).crop(field, new CellDetection(0, 0, 20, 40, 1, "wbc"));
    // Square side 40 * 1.5 = 60 around centre (10, 20): field x -20..40, y -10..50, 1:1 scale.
    assertThat(crop.getWidth()).isEqualTo(60);
    assertThat(new Color(crop.getRGB(30, 30))).isEqualTo(Color.BLUE); // field (10, 20)
    assertThat(new Color(crop.getRGB(55, 30))).isEqualTo(Color.WHITE); // field (35, 20)
    // Left of the field's edge: the field's mean colour, not stretched pixels.
    Color pad = new Color(crop.getRGB(5, 30));
    assertThat(pad).isNotEqualTo(Color.BLUE).isNotEqualTo(Color.WHITE);
  }

  @Test
  void retinaNetOutputsLogitsAndOffsetsPerAnchor() {
    Architecture small = Architecture.find("retinanet_resnet50_fpn", "small").orElseThrow();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = small.build(2);
      Shape input = new Shape(2, 3, 256, 256);
      block.initialize(manager, DataType.FLOAT32, input);
      NDList out =
          block.forward(
              new ParameterStore(manager, false), new NDList(manager.zeros(input)), false);
      int anchors = small.anchors().count(256);
      assertThat(anchors).isEqualTo((32 * 32 + 16 * 16) * 3);
      assertThat(out.get(0).getShape()).isEqualTo(new Shape(2, anchors, 2));
      assertThat(out.get(1).getShape()).isEqualTo(new Shape(2, anchors, 4));
      assertThat(block.getOutputShapes(new Shape[] {input}))
          .containsExactly(out.get(0).getShape(), out.get(1).getShape());
      // Focal-loss prior: every anchor starts at probability 0.01 of being a cell.
      float logit = out.get(0).getFloat(0, 0, 0);
      assertThat(1 / (1 + Math.exp(-logit))).isCloseTo(0.01, within(0.005));
    }
  }

  @Test
  void paperRetinaNetHasTorchvisionsParameterCount() {
    // torchvision's retinanet_resnet50_fpn (91 classes) has 34,014,999 parameters with its
    // batch norms frozen (FrozenBatchNorm2d holds buffers); here they train, so their 53,120
    // scales and shifts are left out of the comparison.
    Architecture paper = Architecture.find("retinanet_resnet50_fpn", "paper").orElseThrow();
    try (NDManager manager = NDManager.newBaseManager()) {
      Block block = paper.build(91);
      block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 640, 640));
      long withoutNorms = 0;
      for (var p : block.getParameters()) {
        Parameter.Type type = p.getValue().getType();
        if (type != Parameter.Type.GAMMA
            && type != Parameter.Type.BETA
            && type != Parameter.Type.RUNNING_MEAN
            && type != Parameter.Type.RUNNING_VAR) {
          withoutNorms += p.getValue().getShape().size();
        }
      }
      assertThat(withoutNorms).isEqualTo(34_014_999);
      assertThat(Architecture.trainableParameters(block)).isEqualTo(34_014_999 + 53_120);
    }
  }
}
