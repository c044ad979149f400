package org.leukostream.cli.pipeline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.FhirReport;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.TopicReader;
import org.leukostream.schemas.Topics;

/**
 * Waits for what the pipeline finally publishes for a set of cases: the FINAL diagnoses on {@code
 * diagnoses.v1}, and the EHR bridge's first report of each on {@code fhir.reports.v1}.
 */
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
    return firstPerCase(
        clientConfig,
        Topics.DIAGNOSES,
        "FINAL diagnoses",
        Diagnosis::getCaseId,
        d -> d.getStatus() == DiagnosisStatus.FINAL,
        caseIds,
        timeout,
        healthy,
        arrived);
  }

  /** The first FHIR report of each case in {@code caseIds}, as {@link #await} the FINALs. */
  public static Map<String, FhirReport> reports(
      Map<String, Object> clientConfig,
      Set<String> caseIds,
      Duration timeout,
      Runnable healthy,
      Consumer<FhirReport> arrived) {
    return firstPerCase(
        clientConfig,
        Topics.FHIR_REPORTS,
        "FHIR reports",
        FhirReport::getCaseId,
        r -> true,
        caseIds,
        timeout,
        healthy,
        arrived);
  }

  private static <V extends SpecificRecord> Map<String, V> firstPerCase(
      Map<String, Object> clientConfig,
      Topic<V> topic,
      String what,
      Function<V, String> caseOf,
      Predicate<V> wanted,
      Set<String> caseIds,
      Duration timeout,
      Runnable healthy,
      Consumer<V> arrived) {
    Map<String, V> found = new LinkedHashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (var consumer = TopicReader.consumer(clientConfig, topic)) {
      while (found.size() < caseIds.size()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "Only "
                  + found.size()
                  + " of "
                  + caseIds.size()
                  + " cases had their "
                  + what
                  + " within "
                  + timeout.toSeconds()
                  + " s");
        }
        healthy.run();
        for (var record : consumer.poll(Duration.ofMillis(100))) {
          V value = record.value();
          String caseId = caseOf.apply(value);
          if (wanted.test(value) && caseIds.contains(caseId) && !found.containsKey(caseId)) {
            found.put(caseId, value);
            arrived.accept(value);
          }
        }
      }
    }
    return found;
  }
}
