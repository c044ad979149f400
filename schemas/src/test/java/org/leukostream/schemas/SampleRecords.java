package org.leukostream.schemas;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.leukostream.avro.BoundingBox;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.ClassProbability;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.DeadLetter;
import org.leukostream.avro.Decision;
import org.leukostream.avro.DecisionRule;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FhirReport;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.ImageRef;
import org.leukostream.avro.InlineImage;
import org.leukostream.avro.MemberOutput;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.ReportStatus;
import org.leukostream.avro.SlideField;
import org.leukostream.avro.SpecimenType;

/** One fully populated record per topic value type, shared by the serde and broker tests. */
public final class SampleRecords {
  public static final String CASE_ID = "case-0001";
  public static final String PATIENT_KEY =
      "3f1c0e5b9a7d2c4e6f8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e";
  private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
  private static final ModelRef DETECTOR = new ModelRef("wbc-detector", "2026.11.0");

  private SampleRecords() {}

  /** A sample value for each catalogue topic, by topic name. */
  public static final Map<String, Supplier<? extends SpecificRecord>> BY_TOPIC =
      Map.ofEntries(
          Map.entry(Topics.SLIDE_FIELDS.name(), SampleRecords::slideField),
          Map.entry(Topics.CASE_EVENTS.name(), SampleRecords::caseEvent),
          Map.entry(Topics.CELL_CROPS.name(), SampleRecords::cellCrop),
          Map.entry(Topics.FIELD_RESULTS.name(), SampleRecords::fieldResult),
          Map.entry(Topics.CELL_LABELS.name(), SampleRecords::cellLabel),
          Map.entry(Topics.CELL_REVIEWS.name(), SampleRecords::cellReview),
          Map.entry(Topics.DIAGNOSES.name(), SampleRecords::diagnosis),
          Map.entry(Topics.SLIDE_FIELDS_DLQ.name(), SampleRecords::deadLetter),
          Map.entry(Topics.CELL_CROPS_DLQ.name(), SampleRecords::deadLetter),
          Map.entry(Topics.AGGREGATOR_DLQ.name(), SampleRecords::deadLetter),
          Map.entry(Topics.FHIR_REPORTS.name(), SampleRecords::fhirReport),
          Map.entry(Topics.FHIR_REPORTS_DLQ.name(), SampleRecords::deadLetter));

  public static org.leukostream.avro.CellReview cellReview() {
    return org.leukostream.avro.CellReview.newBuilder()
        .setReviewId("6f1c2a4e-9d3b-4c8e-a1f2-3b4c5d6e7f80")
        .setCaseId(CASE_ID)
        .setCellId(CASE_ID + "/2/7")
        .setFromClass("lymphoblast")
        .setToClass("lymphocyte")
        .setReviewerId("dr-haem-07")
        .setReviewedAt(java.time.Instant.parse("2026-12-07T10:00:00Z"))
        .build();
  }

  public static SlideField slideField() {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    return SlideField.newBuilder()
        .setCaseId(CASE_ID)
        .setPatientKey(PATIENT_KEY)
        .setFieldIndex(2)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setMicrometresPerPixel(0.1)
        .setCapturedAt(T0)
        .setScannerId("scanner-7")
        .setImage(
            ImageRef.newBuilder()
                .setMediaType("image/jpeg")
                .setWidthPx(640)
                .setHeightPx(480)
                .setSizeBytes(jpeg.length)
                .setSha256("00".repeat(32))
                .setContent(new InlineImage(ByteBuffer.wrap(jpeg)))
                .build())
        .build();
  }

  public static CaseEvent caseEvent() {
    return CaseEvent.newBuilder()
        .setCaseId(CASE_ID)
        .setPatientKey(PATIENT_KEY)
        .setType(CaseEventType.SIGNED)
        .setSpecimenType(SpecimenType.PERIPHERAL_BLOOD)
        .setExpectedFields(5)
        .setOccurredAt(T0.plusSeconds(60))
        .setReviewerId("reviewer-12")
        .setCorrectedDecision(Decision.NOT_ALL)
        .setComment("Smudge cells overcalled")
        .build();
  }

  public static CellCrop cellCrop() {
    return CellCrop.newBuilder()
        .setCellId(CASE_ID + "/2/120-80-64-64")
        .setCaseId(CASE_ID)
        .setFieldIndex(2)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setBox(new BoundingBox(120, 80, 64, 64))
        .setDetectionScore(0.93)
        .setCrop(
            ImageRef.newBuilder()
                .setMediaType("image/png")
                .setWidthPx(224)
                .setHeightPx(224)
                .setSizeBytes(123_456)
                .setSha256("ab".repeat(32))
                .setContent(new ClaimCheck("file:///tmp/claims/crop.png"))
                .build())
        .setDetectorModel(DETECTOR)
        .setDetectedAt(T0.plusMillis(1500))
        .build();
  }

  public static FieldResult fieldResult() {
    return FieldResult.newBuilder()
        .setCaseId(CASE_ID)
        .setFieldIndex(2)
        .setStatus(FieldStatus.PROCESSED)
        .setCellIds(List.of(CASE_ID + "/2/120-80-64-64", CASE_ID + "/2/300-210-70-66"))
        .setDetectorModel(DETECTOR)
        .setProcessedAt(T0.plusMillis(1600))
        .build();
  }

  public static CellLabel cellLabel() {
    List<ClassProbability> wbc =
        List.of(new ClassProbability("lymphoblast", 0.8), new ClassProbability("lymphocyte", 0.2));
    return CellLabel.newBuilder()
        .setCellId(CASE_ID + "/2/120-80-64-64")
        .setCaseId(CASE_ID)
        .setFieldIndex(2)
        .setCountable(true)
        .setCountableProbability(0.97)
        .setWbcClass("lymphoblast")
        .setWbcProbabilities(wbc)
        .setBlastProbability(0.91)
        .setMembers(
            List.of(
                new MemberOutput("wbc", new ModelRef("wbc-resnet50", "1"), 1.0 / 3, wbc),
                new MemberOutput(
                    "blast",
                    new ModelRef("blast-vit", "1"),
                    0.7,
                    List.of(
                        new ClassProbability("blast", 0.9), new ClassProbability("normal", 0.1)))))
        .setDetectorModel(DETECTOR)
        .setBatchSize(32)
        .setInferenceMillis(412.5)
        .setLabelledAt(T0.plusSeconds(3))
        .build();
  }

  public static Diagnosis diagnosis() {
    return Diagnosis.newBuilder()
        .setCaseId(CASE_ID)
        .setPatientKey(PATIENT_KEY)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setStatus(DiagnosisStatus.FINAL)
        .setSequence(7)
        .setDecision(Decision.ALL)
        .setRule(
            new DecisionRule("zhou-2021", Comparison.GREATER_THAN, 20.0, 200, "b-class-a-blast"))
        .setCellsCounted(300)
        .setLymphoblasts(90)
        .setBlastPercent(30.0)
        .setBlastPercentLower95(25.1)
        .setBlastPercentUpper95(35.4)
        .setBorderline(false)
        .setEnsembleABlastPercent(29.0)
        .setEnsembleBBlastPercent(31.0)
        .setClassCounts(
            List.of(new ClassCount("lymphoblast", 90, 30.0), new ClassCount("platelet", 4, null)))
        .setCellsDetected(320)
        .setCellsLabelled(320)
        .setCellsUncountable(16)
        .setFieldsExpected(5)
        .setFieldsSeen(5)
        .setFieldsRejected(0)
        .setModels(List.of(DETECTOR))
        .setOpenedAt(T0)
        .setClosedAt(T0.plusSeconds(10))
        .setDecidedAt(T0.plusSeconds(20))
        .build();
  }

  public static FhirReport fhirReport() {
    return FhirReport.newBuilder()
        .setCaseId(CASE_ID)
        .setPatientKey(PATIENT_KEY)
        .setReportStatus(ReportStatus.PRELIMINARY)
        .setDecision(Decision.ALL)
        .setDiagnosisSequence(7)
        .setRevision(1)
        .setBundle("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}")
        .setPublishedAt(T0.plusSeconds(21))
        .build();
  }

  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setOriginalTopic(Topics.SLIDE_FIELDS.name())
        .setOriginalPartition(3)
        .setOriginalOffset(42)
        .setKey(ByteBuffer.wrap(CASE_ID.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {0, 0, 0, 0, 1, 2}))
        .setCaseId(CASE_ID)
        .setErrorClass("org.leukostream.schemas.serde.WireFormatException")
        .setErrorMessage("Truncated payload")
        .setService("detector")
        .setFailedAt(T0)
        .build();
  }
}
