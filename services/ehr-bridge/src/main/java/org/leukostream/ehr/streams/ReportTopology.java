package org.leukostream.ehr.streams;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.schemas.StandaloneStreams;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.deadletter.DeadLetters;
import org.leukostream.schemas.signoff.SignOffSeal;

/**
 * The bridge's topology, a pure builder: FINAL diagnoses and SIGNED case events, both keyed by case
 * id and co-partitioned, meet in one processor that keeps per case the last FINAL diagnosis, the
 * sign-off and the last report published; it writes FHIR reports and dead letters.
 */
public final class ReportTopology {
  /** The name the bridge gives itself in dead letters. */
  public static final String SERVICE = "ehr-bridge";

  public static final String DIAGNOSIS_STORE = "report-diagnoses";
  public static final String SIGNOFF_STORE = "report-signoffs";
  public static final String REPORT_STORE = "report-revisions";
  static final String PROCESSOR = "report-builder";
  static final String REPORTS_SINK = "reports-sink";
  static final String DLQ_SINK = "dead-letter-sink";

  private ReportTopology() {}

  /**
   * The report topology on plain Kafka Streams outside Quarkus (the demo), configured as the
   * service runs it. Delivery to a FHIR server and the sign-off endpoint stay with the service:
   * here reports are only published on {@code fhir.reports.v1}, and sign-offs are sealed with a key
   * of this process only (none is made here).
   */
  public static KafkaStreams standalone(StandaloneStreams where, ReportBuilder builder) {
    return standalone(where, builder, SignOffSeal.random());
  }

  /**
   * As {@link #standalone(StandaloneStreams, ReportBuilder)}, accepting the sign-offs sealed with
   * {@code seal}: for a process that also serves the sign-off (the demo's review page).
   */
  public static KafkaStreams standalone(
      StandaloneStreams where, ReportBuilder builder, SignOffSeal seal) {
    return where.create(
        build(builder, where.serdeConfig(), seal), SERVICE, Topics.FHIR_REPORTS_DLQ);
  }

  /**
   * @param builder builds the FHIR Bundle of a diagnosis
   * @param serdeConfig registry settings for the Avro serdes ({@code schema.registry.url}, ...)
   * @param seal checks that a SIGNED event came from the bridge's own sign-off endpoint
   */
  public static Topology build(
      ReportBuilder builder, Map<String, ?> serdeConfig, SignOffSeal seal) {
    Topology topology = new Topology();
    Serde<String> keys = Serdes.String();
    topology.addSource(
        "source-diagnoses",
        keys.deserializer(),
        Topics.DIAGNOSES.valueSerde(serdeConfig).deserializer(),
        Topics.DIAGNOSES.name());
    topology.addSource(
        "source-case-events",
        keys.deserializer(),
        Topics.CASE_EVENTS.valueSerde(serdeConfig).deserializer(),
        Topics.CASE_EVENTS.name());
    topology.addProcessor(
        PROCESSOR,
        () -> new ReportProcessor(builder, DeadLetters.reencoder(serdeConfig), seal),
        "source-diagnoses",
        "source-case-events");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DIAGNOSIS_STORE),
            keys,
            Topics.DIAGNOSES.valueSerde(serdeConfig)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(SIGNOFF_STORE),
            keys,
            Topics.CASE_EVENTS.valueSerde(serdeConfig)),
        PROCESSOR);
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(REPORT_STORE),
            keys,
            Topics.FHIR_REPORTS.valueSerde(serdeConfig)),
        PROCESSOR);
    topology.addSink(
        REPORTS_SINK,
        Topics.FHIR_REPORTS.name(),
        keys.serializer(),
        Topics.FHIR_REPORTS.recordSerializer(serdeConfig),
        PROCESSOR);
    topology.addSink(
        DLQ_SINK,
        Topics.FHIR_REPORTS_DLQ.name(),
        keys.serializer(),
        Topics.FHIR_REPORTS_DLQ.recordSerializer(serdeConfig),
        PROCESSOR);
    return topology;
  }
}
