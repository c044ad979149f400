package org.leukostream.cli.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.schemas.Topics;
import org.leukostream.testkit.TopicReader;

/** Waits for the FINAL diagnoses of a set of cases on {@code diagnoses.v1}. */
public final class Finals {
  private Finals() {}

  /**
   * The FINAL of each case in {@code caseIds}, in the order they arrive; each is handed to {@code
   * arrived} as it comes.
   *
   * @param healthy called between polls; throws when the pipeline has stopped
   * @throws IllegalStateException when not every case is final within {@code timeout}
   */
  public static Map<String, Diagnosis> await(
      Map<String, Object> clientConfig,
      Set<String> caseIds,
      Duration timeout,
      Runnable healthy,
      Consumer<Diagnosis> arrived) {
    Map<String, Diagnosis> finals = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer = TopicReader.consumer(clientConfig, Topics.DIAGNOSES)) {
      while (finals.size() < caseIds.size()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Only "
                  + finals.size()
                  + " of "
                  + caseIds.size()
                  + " cases were FINAL within "
                  + timeout.toSeconds()
                  + " s");
        }
        healthy.run();
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          Diagnosis d = record.value();
          if (d.getStatus() == DiagnosisStatus.FINAL
              && caseIds.contains(d.getCaseId())
              && !finals.containsKey(d.getCaseId())) {
            finals.put(d.getCaseId(), d);
            arrived.accept(d);
          }
        }
      }
    }
    return finals;
  }
}
