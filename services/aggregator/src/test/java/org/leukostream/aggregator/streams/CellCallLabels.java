package org.leukostream.aggregator.streams;

import java.time.Instant;
import java.util.List;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClassProbability;
import org.leukostream.avro.MemberOutput;
import org.leukostream.avro.ModelRef;

/** Builds the labels the classifier would emit, for tests of the aggregator. */
public final class CellCallLabels {
  private CellCallLabels() {}

  public static CellLabel label(
      String caseId,
      int field,
      String cellId,
      String wbcClass,
      double blastProbability,
      ModelRef detector) {
    var probabilities = List.of(new ClassProbability(wbcClass, 1.0));
    return CellLabel.newBuilder()
        .setCellId(cellId)
        .setCaseId(caseId)
        .setFieldIndex(field)
        .setCountable(true)
        .setCountableProbability(0.97)
        .setWbcClass(wbcClass)
        .setWbcProbabilities(probabilities)
        .setBlastProbability(blastProbability)
        .setMembers(
            List.of(new MemberOutput("wbc", new ModelRef("wbc-resnet50", "1"), 1.0, probabilities)))
        .setDetectorModel(detector)
        .setBatchSize(32)
        .setInferenceMillis(10)
        .setLabelledAt(Instant.parse("2026-11-22T08:00:00Z"))
        .build();
  }
}
