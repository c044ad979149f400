package org.leukostream.synthetic;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.ClassProbability;
import org.leukostream.avro.FieldResult;
import org.leukostream.avro.FieldStatus;
import org.leukostream.avro.MemberOutput;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;

/**
 * A synthetic case as the aggregator sees it: case events, field results and the classifier's
 * labels, with a chosen number of countable cells and lymphoblasts. For tests and benchmarks of
 * everything downstream of the classifier; it holds no images.
 */
public record SyntheticCase(String caseId, List<List<CellLabel>> fields) {
  public static final ModelRef DETECTOR = new ModelRef("wbc-detector", "1");
  private static final String[] OTHER_CLASSES = {
    "neutrophil", "lymphocyte", "monocyte", "eosinophil"
  };

  /**
   * {@code fieldCount} fields of equal size holding {@code cells} countable cells, {@code blasts}
   * of them lymphoblasts, spread as evenly as the counts allow.
   */
  public static SyntheticCase of(String caseId, int fieldCount, int cells, int blasts) {
    List<List<CellLabel>> fields = new ArrayList<>();
    for (int f = 0; f < fieldCount; f++) {
      int blastsHere = blasts / fieldCount + (f < blasts % fieldCount ? 1 : 0);
      fields.add(field(caseId, f, cells / fieldCount, blastsHere));
    }
    return new SyntheticCase(caseId, fields);
  }

  /**
   * Writes every record of {@code cases} in pipeline order (open, then per field its result and
   * labels, then close) and returns how many were written.
   *
   * @param clientConfig bootstrap servers and {@code schema.registry.url}
   */
  public static long publish(Map<String, Object> clientConfig, List<SyntheticCase> cases) {
    long records = 0;
    try (var events = TopicWriter.producer(clientConfig, Topics.CASE_EVENTS);
        var results = TopicWriter.producer(clientConfig, Topics.FIELD_RESULTS);
        var labels = TopicWriter.producer(clientConfig, Topics.CELL_LABELS)) {
      for (SyntheticCase c : cases) {
        events.send(new ProducerRecord<>(Topics.CASE_EVENTS.name(), c.caseId(), c.opened()));
        for (int f = 0; f < c.fields().size(); f++) {
          results.send(
              new ProducerRecord<>(Topics.FIELD_RESULTS.name(), c.caseId(), c.fieldResult(f)));
          for (CellLabel label : c.fields().get(f)) {
            labels.send(new ProducerRecord<>(Topics.CELL_LABELS.name(), c.caseId(), label));
          }
          records += 1 + c.fields().get(f).size();
        }
        events.send(new ProducerRecord<>(Topics.CASE_EVENTS.name(), c.caseId(), c.closed()));
        records += 2;
      }
    }
    return records;
  }

  public CaseEvent opened() {
    return event(CaseEventType.OPENED, null);
  }

  public CaseEvent closed() {
    return event(CaseEventType.CLOSED, fields.size());
  }

  public FieldResult fieldResult(int index) {
    return FieldResult.newBuilder()
        .setCaseId(caseId)
        .setFieldIndex(index)
        .setStatus(FieldStatus.PROCESSED)
        .setCellIds(fields.get(index).stream().map(CellLabel::getCellId).toList())
        .setDetectorModel(DETECTOR)
        .setProcessedAt(Instant.now())
        .build();
  }

  /** The synthetic patient key of a case: SHA-256 of its id, in the pseudonym's form. */
  public static String patientKey(String caseId) {
    try {
      return java.util.HexFormat.of()
          .formatHex(
              java.security.MessageDigest.getInstance("SHA-256")
                  .digest(
                      ("synthetic:" + caseId).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private CaseEvent event(CaseEventType type, Integer expected) {
    return CaseEvent.newBuilder()
        .setCaseId(caseId)
        .setPatientKey(patientKey(caseId))
        .setType(type)
        .setSpecimenType(SpecimenType.BONE_MARROW)
        .setExpectedFields(expected)
        .setOccurredAt(Instant.now())
        .build();
  }

  /** {@code count} countable cells of one field, the first {@code blasts} of them lymphoblasts. */
  private static List<CellLabel> field(String caseId, int field, int count, int blasts) {
    List<CellLabel> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      boolean blast = i < blasts;
      String wbcClass = blast ? "lymphoblast" : OTHER_CLASSES[i % OTHER_CLASSES.length];
      out.add(label(caseId, field, caseId + "/" + field + "/" + i, wbcClass, blast ? 0.93 : 0.08));
    }
    return out;
  }

  /** A label as the classifier emits it. */
  private static CellLabel label(
      String caseId, int field, String cellId, String wbcClass, double blastProbability) {
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
        .setDetectorModel(DETECTOR)
        .setBatchSize(32)
        .setInferenceMillis(10)
        .setLabelledAt(Instant.now())
        .build();
  }
}
