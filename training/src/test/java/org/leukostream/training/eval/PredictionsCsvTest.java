package org.leukostream.training.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.training.data.LabelledImage;

class PredictionsCsvTest {
  @TempDir Path dir;

  @Test
  void oneRowPerImageWithItsDataSetTruthPredictionAndProbabilitiesQuotedWhereNeeded()
      throws Exception {
    Path matek = dir.resolve("matek");
    Path other = dir.resolve("other, lab");
    List<LabelledImage> images =
        List.of(
            new LabelledImage(matek.resolve("BLA/BLA_1.png"), "blast", "BLA", null),
            new LabelledImage(other.resolve("LYT/a \"b\".png"), "normal", "LYT", null),
            new LabelledImage(dir.resolve("loose/x.png"), "normal", "x", null));
    ClassifierEvaluation.Result result =
        ClassifierEvaluation.of(
            List.of("blast", "normal"),
            new double[][] {{0.9, 0.7, 0.2}, {0.1, 0.3, 0.8}},
            new int[] {0, 1, 1});

    Path csv = dir.resolve("out/predictions.csv");
    ClassifierEvaluation.writePredictions(
        result, images, Map.of("matek", matek, "other, lab", other), csv);

    assertThat(Files.readAllLines(csv))
        .containsExactly(
            "path,dataset,true_class,predicted_class,p_blast,p_normal",
            "BLA/BLA_1.png,matek,blast,blast,0.900000,0.100000",
            "\"LYT/a \"\"b\"\".png\",\"other, lab\",normal,blast,0.700000,0.300000",
            dir.resolve("loose/x.png").toString() + ",,normal,normal,0.200000,0.800000");
  }
}
