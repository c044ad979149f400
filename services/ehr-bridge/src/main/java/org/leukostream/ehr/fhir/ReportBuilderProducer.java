package org.leukostream.ehr.fhir;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.leukostream.ehr.config.BridgeConfig;

/** The report builder from configuration; a malformed code mapping stops start-up. */
@ApplicationScoped
public class ReportBuilderProducer {
  @Produces
  @Singleton
  ReportBuilder reportBuilder(BridgeConfig config) {
    return new ReportBuilder(config.reportSettings());
  }
}
