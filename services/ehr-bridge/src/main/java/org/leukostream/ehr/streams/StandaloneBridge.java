package org.leukostream.ehr.streams;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.schemas.StreamsProperties;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * The bridge's report topology on plain Kafka Streams, configured as the service configures it, for
 * running it outside Quarkus (the embedded demo). Delivery to a FHIR server and the sign-off
 * endpoint stay with the service: here reports are only published on {@code fhir.reports.v1}.
 *
 * @param applicationId the Kafka Streams application id
 * @param bootstrapServers the broker
 * @param registryUrl the schema registry
 * @param stateDir a directory of this instance's own
 * @param guarantee {@code processing.guarantee}, {@code exactly_once_v2} in the service
 */
public record StandaloneBridge(
    String applicationId,
    String bootstrapServers,
    String registryUrl,
    Path stateDir,
    String guarantee) {

  /** A new, not yet started, Kafka Streams instance building reports with {@code builder}. */
  public KafkaStreams create(ReportBuilder builder) {
    return new KafkaStreams(
        ReportTopology.build(builder, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl)),
        StreamsProperties.standalone(
            applicationId,
            bootstrapServers,
            registryUrl,
            stateDir,
            guarantee,
            ReportTopology.SERVICE,
            Topics.FHIR_REPORTS_DLQ));
  }
}
