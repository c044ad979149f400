package org.leukostream.ehr.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.Config;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.schemas.serde.SerdeConfig;
import org.leukostream.schemas.signoff.SignOffSeal;

/**
 * Hands Quarkus the bridge's topology; its serdes get every registry setting under {@code
 * kafka-streams.} (credentials included), as the Streams clients do.
 */
@ApplicationScoped
public class TopologyProducer {
  private final ReportBuilder builder;
  private final Config serviceConfig;

  public TopologyProducer(ReportBuilder builder, Config serviceConfig) {
    this.builder = builder;
    this.serviceConfig = serviceConfig;
  }

  /** The seal of the sign-offs this bridge writes, from {@value SignOffSeal#KEY_SETTING}. */
  @Produces
  @jakarta.inject.Singleton
  public SignOffSeal signOffSeal() {
    return new SignOffSeal(serviceConfig.getValue(SignOffSeal.KEY_SETTING, String.class));
  }

  @Produces
  public Topology buildTopology(SignOffSeal seal) {
    return ReportTopology.build(
        builder,
        SerdeConfig.settings(
            SerdeConfig.STREAMS_PREFIX, key -> serviceConfig.getOptionalValue(key, String.class)),
        seal);
  }
}
