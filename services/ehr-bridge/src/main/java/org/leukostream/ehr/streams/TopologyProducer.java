package org.leukostream.ehr.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.ehr.fhir.ReportBuilder;
import org.leukostream.schemas.serde.SerdeConfig;

/** Hands Quarkus the bridge's topology. */
@ApplicationScoped
public class TopologyProducer {
  private final ReportBuilder builder;
  private final String registryUrl;

  public TopologyProducer(
      ReportBuilder builder,
      @ConfigProperty(name = "kafka-streams." + SerdeConfig.SCHEMA_REGISTRY_URL)
          String registryUrl) {
    this.builder = builder;
    this.registryUrl = registryUrl;
  }

  @Produces
  public Topology buildTopology() {
    return ReportTopology.build(builder, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
  }
}
