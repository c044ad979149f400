package org.leukostream.ehr.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.leukostream.avro.AmendmentReason;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.SpecimenType;

class ReportBuilderTest {
  final ReportBuilder builder = new ReportBuilder(Reports.SETTINGS);

  static DiagnosticReport report(Bundle bundle) {
    return Reports.diagnosticReport(bundle);
  }

  static List<Observation> observations(Bundle bundle) {
    return bundle.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Observation.class::isInstance)
        .map(Observation.class::cast)
        .toList();
  }

  static Observation observation(Bundle bundle, String localCode) {
    return observations(bundle).stream()
        .filter(
            o ->
                o.getCode().getCoding().stream()
                    .anyMatch(
                        c ->
                            c.getSystem().equals(ReportSettings.OBSERVATION_CODES)
                                && c.getCode().equals(localCode)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no observation " + localCode));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Decision.class)
  void everyDecisionMakesAReportHapiValidates(Decision decision) {
    Diagnosis diagnosis = Reports.diagnosis("case-" + decision, decision, SpecimenType.BONE_MARROW);
    Bundle bundle = builder.build(diagnosis, null);

    assertThat(Reports.errors(bundle)).isEmpty();
    // And what a server receives parses back to the same Bundle.
    Bundle parsed =
        ReportBuilder.fhir().newJsonParser().parseResource(Bundle.class, builder.json(bundle));
    assertThat(parsed.getEntry()).hasSameSizeAs(bundle.getEntry());
    assertThat(Reports.errors(parsed)).isEmpty();

    DiagnosticReport report = report(bundle);
    assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.PRELIMINARY);
    assertThat(report.getConclusionCodeFirstRep().getCoding())
        .extracting(Coding::getSystem, Coding::getCode)
        .contains(
            org.assertj.core.groups.Tuple.tuple(ReportSettings.DECISION_CODES, decision.name()));
    assertThat(report.getConclusion())
        .contains(diagnosis.getLymphoblasts() + " lymphoblasts of " + diagnosis.getCellsCounted());
    assertThat(report.getCategoryFirstRep().getCodingFirstRep().getCode()).isEqualTo("HM");
    // Bone marrow: the aspiration report code; every observation is a result of the report.
    assertThat(report.getCode().getCoding()).extracting(Coding::getCode).contains("48807-2");
    assertThat(report.getResult()).hasSameSizeAs(observations(bundle));
  }

  @Test
  void theValidatorCatchesABrokenReport() {
    Bundle bundle =
        builder.build(Reports.diagnosis("case-x", Decision.ALL, SpecimenType.BONE_MARROW), null);
    report(bundle).setStatus(null); // status is mandatory (1..1)
    observations(bundle).get(0).getValueQuantity().setCode("not a unit");
    assertThat(Reports.errors(bundle)).hasSizeGreaterThanOrEqualTo(2);
  }

  @Test
  void observationsCarryTheCountsPercentagesIntervalAndRule() {
    Diagnosis diagnosis = Reports.diagnosis("case-7", Decision.ALL, SpecimenType.PERIPHERAL_BLOOD);
    Bundle bundle = builder.build(diagnosis, null);

    Observation blasts = observation(bundle, "blast-percent");
    assertThat(blasts.getCode().getCoding()).extracting(Coding::getCode).contains("26446-5");
    assertThat(blasts.getValueQuantity().getValue().doubleValue()).isEqualTo(30.0);
    assertThat(blasts.getValueQuantity().getCode()).isEqualTo("%");
    assertThat(blasts.getComponent())
        .extracting(
            c -> c.getCode().getCodingFirstRep().getCode(),
            c -> ((Quantity) c.getValue()).getValue().doubleValue())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("lymphoblasts", 90.0),
            org.assertj.core.groups.Tuple.tuple("blast-percent-lower-95", 25.5),
            org.assertj.core.groups.Tuple.tuple("blast-percent-upper-95", 35.1));
    assertThat(observation(bundle, "cells-counted").getValueQuantity().getValue().intValue())
        .isEqualTo(300);
    Observation lymphocytes = observation(bundle, "class-percent.lymphocyte");
    assertThat(lymphocytes.getCode().getCoding()).extracting(Coding::getCode).contains("26478-8");
    assertThat(lymphocytes.getValueQuantity().getValue().doubleValue())
        .isCloseTo(36.667, org.assertj.core.data.Offset.offset(0.001));
    assertThat(((Quantity) lymphocytes.getComponentFirstRep().getValue()).getValue().intValue())
        .isEqualTo(110);
    // A class outside the denominator has a count and no percentage.
    Observation platelets = observation(bundle, "class-percent.platelet");
    assertThat(platelets.hasValue()).isFalse();
    assertThat(platelets.getDataAbsentReason().getCodingFirstRep().getCode())
        .isEqualTo("not-applicable");
    assertThat(observation(bundle, "decision-rule").getValueStringType().getValue())
        .isEqualTo(
            "zhou-2021: lymphoblasts > 20% of at least 200 countable nucleated cells (b-class-a-blast)");
    // Peripheral blood: no bone-marrow report code.
    assertThat(report(bundle).getCode().getCoding())
        .extracting(Coding::getCode)
        .doesNotContain("48807-2");
  }

  @Test
  void theAdjustedEstimateIsAnObservationWithItsIntervalAndRates() {
    Diagnosis raw = Reports.diagnosis("case-8", Decision.ALL, SpecimenType.BONE_MARROW);
    assertThat(
            builder.build(raw, null).getEntry().stream()
                .map(e -> e.getResource())
                .filter(r -> r instanceof Observation)
                .map(r -> ((Observation) r).getIdentifierFirstRep().getValue()))
        .noneMatch(id -> id.endsWith("adjusted-blast-percent"));
    Diagnosis diagnosis =
        Diagnosis.newBuilder(raw)
            .setDecision(Decision.NOT_ALL)
            .setAdjustedBlastPercent(8.4)
            .setAdjustedBlastPercentLower95(1.2)
            .setAdjustedBlastPercentUpper95(15.6)
            .setDecidedOnAdjusted(true)
            .setBlastCallRates(
                new org.leukostream.avro.BlastCallRates(0.85, 0.04, 96, 410, "matek validation"))
            .build();
    Bundle bundle = builder.build(diagnosis, null);
    Observation adjusted = observation(bundle, "adjusted-blast-percent");
    assertThat(adjusted.getValueQuantity().getValue().doubleValue()).isEqualTo(8.4);
    assertThat(adjusted.getComponent())
        .extracting(c -> ((Quantity) c.getValue()).getValue().doubleValue())
        .containsExactly(1.2, 15.6);
    assertThat(adjusted.getNote())
        .extracting(n -> n.getText())
        .anySatisfy(t -> assertThat(t).contains("TPR 0.850 (of 96 blasts)", "matek validation"))
        .contains("The decision was made on this estimate.");
    assertThat(report(bundle).getConclusion())
        .contains("corrected for the classifier's error rates 8.4% (95% interval 1.2-15.6%)");
  }

  @Test
  void thePatientAppearsOnlyAsThePseudonymousKey() {
    Bundle bundle =
        builder.build(
            Reports.diagnosis("case-8", Decision.NOT_ALL, SpecimenType.BONE_MARROW), null);
    String json = builder.json(bundle);
    assertThat(json).doesNotContain("\"Patient/").doesNotContain("\"resourceType\":\"Patient\"");
    for (Observation o : observations(bundle)) {
      assertThat(o.getSubject().getIdentifier().getSystem())
          .isEqualTo("urn:leukostream:patient-key");
      assertThat(o.getSubject().getIdentifier().getValue()).isEqualTo(Reports.PATIENT_KEY);
    }
    assertThat(report(bundle).getSubject().getIdentifier().getValue())
        .isEqualTo(Reports.PATIENT_KEY);
  }

  @Test
  void aReportAnsweringAnOrderIsBasedOnItsServiceRequestByAccessionNumber() {
    Diagnosis diagnosis =
        Diagnosis.newBuilder(Reports.diagnosis("case-12", Decision.ALL, SpecimenType.BONE_MARROW))
            .setAccession("ACC-2026-0042")
            .build();
    Bundle bundle = builder.build(diagnosis, null);

    assertThat(Reports.errors(bundle)).isEmpty();
    Bundle parsed =
        ReportBuilder.fhir().newJsonParser().parseResource(Bundle.class, builder.json(bundle));
    assertThat(Reports.errors(parsed)).isEmpty();
    DiagnosticReport report = report(parsed);
    assertThat(report.getBasedOn()).hasSize(1);
    Reference order = report.getBasedOnFirstRep();
    assertThat(order.getType()).isEqualTo("ServiceRequest");
    assertThat(order.getIdentifier().getSystem())
        .isEqualTo("https://lis.example-hospital.org/accession");
    assertThat(order.getIdentifier().getValue()).isEqualTo("ACC-2026-0042");
    assertThat(order.getIdentifier().getType().getCodingFirstRep().getCode()).isEqualTo("ACSN");
    // The report carries the accession number too, after the case identifier it is keyed by.
    assertThat(report.getIdentifier())
        .extracting(Identifier::getSystem, Identifier::getValue)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("urn:leukostream:case", "case-12"),
            org.assertj.core.groups.Tuple.tuple(
                "https://lis.example-hospital.org/accession", "ACC-2026-0042"));
    // Without an order number: no basedOn, one identifier.
    DiagnosticReport unordered =
        report(
            builder.build(
                Reports.diagnosis("case-13", Decision.ALL, SpecimenType.BONE_MARROW), null));
    assertThat(unordered.getBasedOn()).isEmpty();
    assertThat(unordered.getIdentifier()).hasSize(1);
  }

  @Test
  void everyEntryIsAConditionalUpdateKeyedByTheCase() {
    Bundle bundle =
        builder.build(Reports.diagnosis("case/9", Decision.ALL, SpecimenType.BONE_MARROW), null);
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
      assertThat(entry.getRequest().getUrl())
          .startsWith(entry.getResource().fhirType() + "?identifier=");
      assertThat(entry.getFullUrl()).startsWith("urn:uuid:");
    }
    assertThat(report(bundle).getIdentifierFirstRep().getValue()).isEqualTo("case/9");
    assertThat(
            bundle.getEntry().stream()
                .filter(e -> e.getResource() instanceof DiagnosticReport)
                .findFirst()
                .orElseThrow()
                .getRequest()
                .getUrl())
        .isEqualTo("DiagnosticReport?identifier=urn%3Aleukostream%3Acase%7Ccase%2F9");
    // The same diagnosis gives the same Bundle: redelivery writes the same resources.
    assertThat(
            builder.json(
                builder.build(
                    Reports.diagnosis("case/9", Decision.ALL, SpecimenType.BONE_MARROW), null)))
        .isEqualTo(builder.json(bundle));
  }

  @Test
  void aSignOffMakesTheReportFinalAndMayCorrectTheDecision() {
    Diagnosis diagnosis = Reports.diagnosis("case-10", Decision.ALL, SpecimenType.BONE_MARROW);
    SignOff signOff =
        new SignOff(
            "dr-ng",
            Decision.NOT_ALL,
            "Many blasts are haematogones",
            null,
            Instant.parse("2026-11-22T09:00:00Z"));
    Bundle bundle = builder.build(diagnosis, signOff);

    assertThat(Reports.errors(bundle)).isEmpty();
    DiagnosticReport report = report(bundle);
    assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.FINAL);
    assertThat(report.getResultsInterpreterFirstRep().getIdentifier().getValue())
        .isEqualTo("dr-ng");
    assertThat(report.getConclusionCodeFirstRep().getCoding())
        .extracting(Coding::getCode)
        .contains("NOT_ALL");
    assertThat(report.getConclusion()).contains("corrected").contains("haematogones");
    assertThat(observations(bundle))
        .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(Observation.ObservationStatus.FINAL));
  }

  @Test
  void anAmendmentIsAnAmendedReportThatSaysWhoAndWhy() {
    Diagnosis diagnosis = Reports.diagnosis("case-11", Decision.ALL, SpecimenType.BONE_MARROW);
    SignOff amendment =
        new SignOff(
            "dr-ng",
            Decision.NOT_ALL,
            null,
            AmendmentReason.COUNT_CORRECTED,
            Instant.parse("2026-11-23T09:00:00Z"));
    Bundle bundle = builder.build(diagnosis, amendment);

    assertThat(Reports.errors(bundle)).isEmpty();
    DiagnosticReport report = report(bundle);
    assertThat(report.getStatus()).isEqualTo(DiagnosticReport.DiagnosticReportStatus.AMENDED);
    assertThat(report.getConclusion()).contains("Amended by dr-ng (count corrected)");
  }
}
