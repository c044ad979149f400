package org.leukostream.review.views;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.time.Instant;
import java.util.List;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;
import org.leukostream.avro.DecisionRule;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.SpecimenType;
import org.leukostream.images.ImageRefs;
import org.leukostream.synthetic.SyntheticCase;

/** Records of one case as the pipeline writes them, for the view's tests. */
public final class ReviewFixtures {
  private ReviewFixtures() {}

  /** The crop the detector would write for {@code label}'s cell: a real PNG, tinted per class. */
  public static CellCrop crop(CellLabel label, int index) {
    BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(label.getWbcClass().equals("lymphoblast") ? new Color(120, 60, 160) : Color.PINK);
    g.fillOval(4, 4, 24, 24);
    g.dispose();
    return CellCrop.newBuilder()
        .setCellId(label.getCellId())
        .setCaseId(label.getCaseId())
        .setFieldIndex(label.getFieldIndex())
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setBox(new BoundingBox(10 + 30 * (index % 15), 10 + 30 * (index / 15 % 12), 24, 24))
        .setDetectionScore(0.9)
        .setCrop(ImageRefs.inlinePng(image))
        .setDetectorModel(SyntheticCase.DETECTOR)
        .setDetectedAt(Instant.now())
        .build();
  }

  /** A FINAL (or PRELIMINARY) diagnosis of {@code c} with the counts its labels give. */
  public static Diagnosis diagnosis(
      SyntheticCase c, DiagnosisStatus status, long sequence, int counted, int blasts) {
    double percent = 100.0 * blasts / counted;
    return Diagnosis.newBuilder()
        .setCaseId(c.caseId())
        .setPatientKey(SyntheticCase.patientKey(c.caseId()))
        .setStatus(status)
        .setSequence(sequence)
        .setDecision(percent > 20 ? Decision.ALL : Decision.NOT_ALL)
        .setRule(
            new DecisionRule("zhou-2021", Comparison.GREATER_THAN, 20.0, 200, "b-class-a-blast"))
        .setCellsCounted(counted)
        .setLymphoblasts(blasts)
        .setBlastPercent(percent)
        .setBlastPercentLower95(Math.max(0, percent - 4))
        .setBlastPercentUpper95(percent + 4)
        .setBorderline(Math.abs(percent - 20) < 4)
        .setClassCounts(
            List.of(
                new ClassCount("lymphoblast", blasts, percent),
                new ClassCount("lymphocyte", counted - blasts, 100 - percent)))
        .setCellsDetected(counted)
        .setCellsLabelled(counted)
        .setCellsUncountable(0)
        .setFieldsSeen(c.fields().size())
        .setFieldsRejected(0)
        .setModels(List.of(SyntheticCase.DETECTOR))
        .setDecidedAt(Instant.now())
        .build();
  }
}
