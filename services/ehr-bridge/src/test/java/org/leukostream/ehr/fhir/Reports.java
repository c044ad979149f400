package org.leukostream.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Comparison;
import org.leukostream.avro.Decision;
import org.leukostream.avro.DecisionRule;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;

/** Diagnoses to report on, the settings of the shipped configuration, and HAPI's validator. */
public final class Reports {
  public static final String PATIENT_KEY =
      "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  public static final ReportSettings SETTINGS =
      new ReportSettings(
          "urn:leukostream:case",
          "urn:leukostream:patient-key",
          "urn:leukostream:reviewer",
          "urn:leukostream:device",
          "https://lis.example-hospital.org/accession",
          Map.of(
              "report.BONE_MARROW", "http://loinc.org|48807-2|Bone marrow aspiration report",
              "blast-percent.PERIPHERAL_BLOOD",
                  "http://loinc.org|26446-5|Blasts/100 leukocytes in Blood",
              "class-percent.lymphocyte.PERIPHERAL_BLOOD",
                  "http://loinc.org|26478-8|Lymphocytes/100 leukocytes in Blood by Manual count"));

  private static final FhirValidator VALIDATOR = validator();

  private Reports() {}

  /** A FINAL diagnosis of {@code decision} with believable counts for it. */
  public static Diagnosis diagnosis(String caseId, Decision decision, SpecimenType specimen) {
    int counted = decision == Decision.INSUFFICIENT_CELLS ? 120 : 300;
    int blasts =
        switch (decision) {
          case ALL -> 90;
          case NOT_ALL -> 12;
          case INSUFFICIENT_CELLS -> 40;
          case INCOMPLETE -> 30;
        };
    double percent = 100.0 * blasts / counted;
    Instant t0 = Instant.parse("2026-11-22T08:00:00Z");
    return Diagnosis.newBuilder()
        .setCaseId(caseId)
        .setPatientKey(PATIENT_KEY)
        .setSpecimenType(specimen)
        .setStatus(DiagnosisStatus.FINAL)
        .setSequence(5)
        .setDecision(decision)
        .setIncompleteReason(decision == Decision.INCOMPLETE ? "2 of 5 fields missing" : null)
        .setRule(
            new DecisionRule("zhou-2021", Comparison.GREATER_THAN, 20.0, 200, "b-class-a-blast"))
        .setCellsCounted(counted)
        .setLymphoblasts(blasts)
        .setBlastPercent(percent)
        .setBlastPercentLower95(Math.max(0, percent - 4.5))
        .setBlastPercentUpper95(Math.min(100, percent + 5.1))
        .setBorderline(false)
        .setEnsembleABlastPercent(percent - 1)
        .setEnsembleBBlastPercent(percent + 1)
        .setClassCounts(
            List.of(
                new ClassCount("lymphoblast", blasts, percent),
                new ClassCount(
                    "lymphocyte",
                    counted - blasts - 100,
                    100.0 * (counted - blasts - 100) / counted),
                new ClassCount("neutrophil", 100, 100.0 * 100 / counted),
                new ClassCount("platelet", 7, null)))
        .setCellsDetected(counted + 20)
        .setCellsLabelled(counted + 20)
        .setCellsUncountable(13)
        .setFieldsExpected(5)
        .setFieldsSeen(decision == Decision.INCOMPLETE ? 3 : 5)
        .setFieldsRejected(0)
        .setModels(
            List.of(
                new ModelRef("wbc-detector", "2026.11.0"),
                new ModelRef("wbc-resnext101", "2026.11.0"),
                new ModelRef("blast-vit", "2026.11.1")))
        .setOpenedAt(t0)
        .setClosedAt(t0.plusSeconds(40))
        .setDecidedAt(t0.plusSeconds(55))
        .build();
  }

  /** The Bundle a report carries. */
  public static org.hl7.fhir.r4.model.Bundle bundle(org.leukostream.avro.FhirReport report) {
    return ReportBuilder.fhir()
        .newJsonParser()
        .parseResource(org.hl7.fhir.r4.model.Bundle.class, report.getBundle());
  }

  /** The DiagnosticReport of a report Bundle. */
  public static org.hl7.fhir.r4.model.DiagnosticReport diagnosticReport(
      org.hl7.fhir.r4.model.Bundle bundle) {
    return bundle.getEntry().stream()
        .map(org.hl7.fhir.r4.model.Bundle.BundleEntryComponent::getResource)
        .filter(org.hl7.fhir.r4.model.DiagnosticReport.class::isInstance)
        .map(org.hl7.fhir.r4.model.DiagnosticReport.class::cast)
        .findFirst()
        .orElseThrow();
  }

  /** HAPI's messages about {@code resource} at ERROR or FATAL. */
  public static List<SingleValidationMessage> errors(IBaseResource resource) {
    return VALIDATOR.validateWithResult(resource).getMessages().stream()
        .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
        .toList();
  }

  private static FhirValidator validator() {
    FhirContext fhir = ReportBuilder.fhir();
    ValidationSupportChain chain =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(fhir),
            new SnapshotGeneratingValidationSupport(fhir),
            new InMemoryTerminologyServerValidationSupport(fhir),
            new CommonCodeSystemsTerminologyService(fhir));
    return fhir.newValidator().registerValidatorModule(new FhirInstanceValidator(chain));
  }
}
