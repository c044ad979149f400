package org.leukostream.review.it;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.review.views.ReviewFixtures;
import org.leukostream.schemas.TopicWriter;
import org.leukostream.schemas.Topics;
import org.leukostream.synthetic.SyntheticCase;

/** Writes a whole case as the pipeline would: events, field results, labels, crops, a FINAL. */
final class ReviewCases {
  private ReviewCases() {}

  static void publish(Map<String, Object> client, SyntheticCase c, int counted, int blasts) {
    SyntheticCase.publish(client, List.of(c));
    try (var crops = TopicWriter.producer(client, Topics.CELL_CROPS);
        var diagnoses = TopicWriter.producer(client, Topics.DIAGNOSES)) {
      int i = 0;
      for (List<CellLabel> field : c.fields()) {
        for (CellLabel label : field) {
          crops.send(
              new ProducerRecord<>(
                  Topics.CELL_CROPS.name(),
                  Topics.cropKey(c.caseId(), label.getFieldIndex()),
                  ReviewFixtures.crop(label, i++)));
        }
      }
      diagnoses.send(
          new ProducerRecord<>(
              Topics.DIAGNOSES.name(),
              c.caseId(),
              ReviewFixtures.diagnosis(c, DiagnosisStatus.FINAL, 5, counted, blasts)));
    }
  }
}
