package org.leukostream.ehr.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Device;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;
import org.leukostream.avro.BlastCallRates;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.ModelRef;

/**
 * A FINAL diagnosis (and its sign-off, once a reviewer has given one) as a FHIR R4 transaction
 * Bundle: a hematology {@code DiagnosticReport} whose results are {@code Observation}s (countable
 * cells, each class's percentage with its count, the blast percentage with its 95% interval, the
 * rule applied), and the {@code Device} (this system with its model versions) that made them.
 *
 * <p>Every resource carries an identifier derived from the case id, and every entry is a
 * conditional update on it, so posting the same Bundle twice, or a later revision, updates the
 * resources in place instead of creating new ones. The patient appears only as the pseudonymous
 * {@code patientKey}, in a logical reference; no patient identifier is ever written.
 */
public final class ReportBuilder {
  /** HL7 v2 table 0203, identifier types. */
  private static final String IDENTIFIER_TYPES = "http://terminology.hl7.org/CodeSystem/v2-0203";

  private static final String BORDERLINE_NOTE =
      "Borderline: the 95% interval contains the rule's threshold.";

  /** HL7 v2 table 0074, diagnostic service sections: the category of every report. */
  static final String SERVICE_SECTIONS = "http://terminology.hl7.org/CodeSystem/v2-0074";

  static final String OBSERVATION_CATEGORIES =
      "http://terminology.hl7.org/CodeSystem/observation-category";
  static final String UCUM = "http://unitsofmeasure.org";

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private final ReportSettings settings;

  public ReportBuilder(ReportSettings settings) {
    this.settings = settings;
  }

  /** The FHIR context reports are encoded with. */
  public static FhirContext fhir() {
    return FHIR;
  }

  /** The report as the JSON a FHIR server takes. */
  public String json(Bundle bundle) {
    return FHIR.newJsonParser().encodeResourceToString(bundle);
  }

  /**
   * The transaction Bundle of {@code diagnosis} (a FINAL one): {@code preliminary} while {@code
   * signOff} is null, {@code final} after.
   */
  public Bundle build(Diagnosis diagnosis, SignOff signOff) {
    String caseId = diagnosis.getCaseId();
    String specimen =
        diagnosis.getSpecimenType() == null ? "UNKNOWN" : diagnosis.getSpecimenType().name();
    boolean signed = signOff != null;
    Decision decision =
        signed && signOff.correctedDecision() != null
            ? signOff.correctedDecision()
            : diagnosis.getDecision();
    Date decidedAt = Date.from(diagnosis.getDecidedAt());
    Observation.ObservationStatus observationStatus =
        signed ? Observation.ObservationStatus.FINAL : Observation.ObservationStatus.PRELIMINARY;

    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    bundle.setTimestamp(decidedAt);

    Device device = device(diagnosis.getModels());
    String deviceUrl = add(bundle, caseId, "device", device, settings.deviceSystem());

    List<Observation> observations = new ArrayList<>();
    Observation counted =
        observation(diagnosis, "cells-counted", "Countable nucleated cells", specimen)
            .setValue(cells(diagnosis.getCellsCounted()));
    observations.add(counted);

    Observation blasts =
        observation(
                diagnosis, "blast-percent", "Lymphoblasts/100 countable nucleated cells", specimen)
            .setValue(percent(diagnosis.getBlastPercent()));
    blasts.addComponent(
        component("lymphoblasts", "Lymphoblasts counted", cells(diagnosis.getLymphoblasts())));
    blasts.addComponent(
        component(
            "blast-percent-lower-95",
            "Blast percentage, lower end of the Wilson 95% interval",
            percent(diagnosis.getBlastPercentLower95())));
    blasts.addComponent(
        component(
            "blast-percent-upper-95",
            "Blast percentage, upper end of the Wilson 95% interval",
            percent(diagnosis.getBlastPercentUpper95())));
    if (diagnosis.getBorderline() && !diagnosis.getDecidedOnAdjusted()) {
      blasts.addNote().setText(BORDERLINE_NOTE);
    }
    observations.add(blasts);
    if (diagnosis.getAdjustedBlastPercent() != null) {
      observations.add(adjusted(diagnosis, specimen));
    }

    for (ClassCount count : diagnosis.getClassCounts()) {
      String cls = count.getClassName();
      Observation byClass =
          observation(
              diagnosis, "class-percent." + cls, cls + "/100 countable nucleated cells", specimen);
      if (count.getPercentOfCounted() != null) {
        byClass.setValue(percent(count.getPercentOfCounted()));
      } else {
        byClass.setDataAbsentReason(
            new CodeableConcept()
                .addCoding(
                    new Coding(
                        "http://terminology.hl7.org/CodeSystem/data-absent-reason",
                        "not-applicable",
                        "Not Applicable"))
                .setText("Outside the countable nucleated cells"));
      }
      byClass.addComponent(
          component("class-count", cls + " cells labelled", cells(count.getCount())));
      observations.add(byClass);
    }

    var rule = diagnosis.getRule();
    Observation ruleObservation =
        observation(diagnosis, "decision-rule", "Diagnostic rule applied", specimen)
            .setValue(
                new StringType(
                    String.format(
                        Locale.ROOT,
                        "%s: lymphoblasts %s %s%% of at least %d countable nucleated cells (%s)",
                        rule.getName(),
                        rule.getComparison().name().equals("GREATER_THAN") ? ">" : ">=",
                        trim(rule.getThresholdPercent()),
                        rule.getMinimumCells(),
                        rule.getPolicy())));
    ruleObservation.addComponent(
        component("rule-threshold", "Blast threshold", percent(rule.getThresholdPercent())));
    ruleObservation.addComponent(
        component("rule-minimum-cells", "Fewest countable cells", cells(rule.getMinimumCells())));
    observations.add(ruleObservation);

    DiagnosticReport report = new DiagnosticReport();
    report.addIdentifier(identifier(settings.caseSystem(), caseId));
    report.setStatus(
        !signed
            ? DiagnosticReport.DiagnosticReportStatus.PRELIMINARY
            : signOff.amends()
                ? DiagnosticReport.DiagnosticReportStatus.AMENDED
                : DiagnosticReport.DiagnosticReportStatus.FINAL);
    report.addCategory(
        new CodeableConcept().addCoding(new Coding(SERVICE_SECTIONS, "HM", "Hematology")));
    report.setCode(code("report", "Acute lymphoblastic leukaemia blast count", specimen));
    report.setSubject(patient(diagnosis));
    if (diagnosis.getAccession() != null) {
      // The order the report answers, as the LIS knows it: the report carries its accession
      // number, and is based on the ServiceRequest that number identifies (a logical reference:
      // the order is the LIS's resource, not this Bundle's).
      report.addIdentifier(accession(diagnosis.getAccession()));
      report.addBasedOn(
          new Reference()
              .setType("ServiceRequest")
              .setIdentifier(accession(diagnosis.getAccession())));
    }
    report.setEffective(
        new DateTimeType(
            Date.from(
                diagnosis.getClosedAt() != null
                    ? diagnosis.getClosedAt()
                    : diagnosis.getDecidedAt())));
    report.setIssued(signed ? Date.from(signOff.signedAt()) : decidedAt);
    if (signed) {
      report.addResultsInterpreter(
          new Reference()
              .setType("Practitioner")
              .setIdentifier(identifier(settings.reviewerSystem(), signOff.reviewerId())));
    }
    String conclusion = conclusion(diagnosis, decision, signOff);
    report.setConclusion(conclusion);
    report.addConclusionCode(
        code(
            "decision." + decision.name(),
            decisionDisplay(decision),
            specimen,
            ReportSettings.DECISION_CODES,
            decision.name()));
    report.setText(narrative(conclusion));

    for (Observation observation : observations) {
      observation.setStatus(observationStatus);
      observation.setDevice(new Reference(deviceUrl));
      String key = observation.getIdentifierFirstRep().getValue();
      String url = add(bundle, caseId, key, observation, settings.caseSystem());
      report.addResult(new Reference(url));
    }
    add(bundle, caseId, "report", report, settings.caseSystem());
    return bundle;
  }

  /**
   * The estimate of the true blast percentage: the share called blasts corrected for the chain's
   * validation rates, with its 95% interval and the rates it rests on. No external code is mapped:
   * a laboratory differential code would claim a manual count.
   */
  private Observation adjusted(Diagnosis diagnosis, String specimen) {
    Observation adjusted =
        observation(
                diagnosis,
                "adjusted-blast-percent",
                "Lymphoblasts/100 countable nucleated cells, corrected for the classifier's"
                    + " validation error rates",
                specimen)
            .setValue(percent(diagnosis.getAdjustedBlastPercent()));
    adjusted.addComponent(
        component(
            "adjusted-blast-percent-lower-95",
            "Adjusted blast percentage, lower end of the 95% interval",
            percent(diagnosis.getAdjustedBlastPercentLower95())));
    adjusted.addComponent(
        component(
            "adjusted-blast-percent-upper-95",
            "Adjusted blast percentage, upper end of the 95% interval",
            percent(diagnosis.getAdjustedBlastPercentUpper95())));
    BlastCallRates rates = diagnosis.getBlastCallRates();
    if (rates != null) {
      adjusted
          .addNote()
          .setText(
              String.format(
                  Locale.ROOT,
                  "Adjusted classify-and-count: (called - FPR) / (TPR - FPR) with TPR %.3f (of %d"
                      + " blasts) and FPR %.3f (of %d non-blast cells), measured on %s.",
                  rates.getTruePositiveRate(),
                  rates.getBlasts(),
                  rates.getFalsePositiveRate(),
                  rates.getNonBlasts(),
                  rates.getMeasuredOn()));
    }
    if (diagnosis.getDecidedOnAdjusted()) {
      adjusted.addNote().setText("The decision was made on this estimate.");
      if (diagnosis.getBorderline()) {
        adjusted.addNote().setText(BORDERLINE_NOTE);
      }
    }
    return adjusted;
  }

  private Observation observation(
      Diagnosis diagnosis, String key, String display, String specimen) {
    Observation observation = new Observation();
    observation.addIdentifier(identifier(settings.caseSystem(), diagnosis.getCaseId() + "/" + key));
    observation.addCategory(
        new CodeableConcept()
            .addCoding(new Coding(OBSERVATION_CATEGORIES, "laboratory", "Laboratory")));
    observation.setCode(code(key, display, specimen));
    observation.setSubject(patient(diagnosis));
    observation.setEffective(new DateTimeType(Date.from(diagnosis.getDecidedAt())));
    observation.setIssued(Date.from(diagnosis.getDecidedAt()));
    return observation;
  }

  private Observation.ObservationComponentComponent component(
      String key, String display, Quantity value) {
    return new Observation.ObservationComponentComponent(
            new CodeableConcept()
                .addCoding(new Coding(ReportSettings.OBSERVATION_CODES, key, display))
                .setText(display))
        .setValue(value);
  }

  private CodeableConcept code(String key, String display, String specimen) {
    return code(key, display, specimen, ReportSettings.OBSERVATION_CODES, key);
  }

  /** This system's own coding, plus the configured external one (LOINC, SNOMED CT) if any. */
  private CodeableConcept code(
      String mappingKey, String display, String specimen, String localSystem, String localCode) {
    CodeableConcept concept = new CodeableConcept();
    settings
        .coding(mappingKey, specimen)
        .ifPresent(c -> concept.addCoding(new Coding(c[0], c[1], c[2])));
    concept.addCoding(new Coding(localSystem, localCode, display));
    return concept.setText(display);
  }

  private Reference patient(Diagnosis diagnosis) {
    Reference subject = new Reference().setType("Patient");
    if (diagnosis.getPatientKey() != null) {
      subject.setIdentifier(identifier(settings.patientKeySystem(), diagnosis.getPatientKey()));
    }
    return subject.setDisplay("pseudonymous patient");
  }

  private Device device(List<ModelRef> models) {
    StringBuilder id = new StringBuilder("leukostream");
    Device device = new Device();
    device.addDeviceName().setName("leukostream").setType(Device.DeviceNameType.MODELNAME);
    for (ModelRef model : models) {
      id.append(';').append(model.getName()).append('=').append(model.getVersion());
      device
          .addVersion()
          .setType(new CodeableConcept().setText(model.getName()))
          .setValue(model.getVersion());
    }
    device.addIdentifier(
        identifier(
            settings.deviceSystem(),
            UUID.nameUUIDFromBytes(id.toString().getBytes(StandardCharsets.UTF_8)).toString()));
    device.setStatus(Device.FHIRDeviceStatus.ACTIVE);
    return device;
  }

  /**
   * Adds {@code resource} as a conditional update on its first identifier; returns its {@code
   * urn:uuid} full URL (stable for the case and key, so revisions of a report look alike).
   */
  private static String add(
      Bundle bundle, String caseId, String key, Resource resource, String system) {
    String fullUrl =
        "urn:uuid:" + UUID.nameUUIDFromBytes((caseId + "#" + key).getBytes(StandardCharsets.UTF_8));
    Identifier identifier;
    if (resource instanceof DiagnosticReport report) {
      identifier = report.getIdentifierFirstRep();
    } else if (resource instanceof Observation observation) {
      identifier = observation.getIdentifierFirstRep();
    } else if (resource instanceof Device device) {
      identifier = device.getIdentifierFirstRep();
    } else {
      throw new IllegalArgumentException("No identifier on " + resource.fhirType());
    }
    bundle
        .addEntry()
        .setFullUrl(fullUrl)
        .setResource(resource)
        .getRequest()
        .setMethod(Bundle.HTTPVerb.PUT)
        .setUrl(
            resource.fhirType()
                + "?identifier="
                + encode(system)
                + "%7C"
                + encode(identifier.getValue()));
    return fullUrl;
  }

  /** An accession number in the LIS's system, typed as HL7's "Accession ID". */
  private Identifier accession(String value) {
    return identifier(settings.accessionSystem(), value)
        .setType(
            new CodeableConcept()
                .addCoding(new Coding(IDENTIFIER_TYPES, "ACSN", "Accession ID"))
                .setText("Accession ID"));
  }

  private static Identifier identifier(String system, String value) {
    return new Identifier().setSystem(system).setValue(value);
  }

  private static Quantity percent(double value) {
    return new Quantity().setValue(value).setUnit("%").setSystem(UCUM).setCode("%");
  }

  private static Quantity cells(int value) {
    return new Quantity().setValue(value).setUnit("cells").setSystem(UCUM).setCode("{cells}");
  }

  private static String conclusion(Diagnosis d, Decision decision, SignOff signOff) {
    String counts =
        String.format(
            Locale.ROOT,
            "%d lymphoblasts of %d countable nucleated cells: %.1f%% (95%% interval %.1f-%.1f%%)",
            d.getLymphoblasts(),
            d.getCellsCounted(),
            d.getBlastPercent(),
            d.getBlastPercentLower95(),
            d.getBlastPercentUpper95());
    if (d.getAdjustedBlastPercent() != null) {
      counts +=
          String.format(
              Locale.ROOT,
              "; corrected for the classifier's error rates %.1f%% (95%% interval %.1f-%.1f%%)%s",
              d.getAdjustedBlastPercent(),
              d.getAdjustedBlastPercentLower95(),
              d.getAdjustedBlastPercentUpper95(),
              d.getDecidedOnAdjusted() ? ", decided on" : "");
    }
    if (d.getBorderline()) {
      counts += "; borderline, needs review";
    }
    String text =
        decisionDisplay(decision) + ". " + counts + ", rule " + d.getRule().getName() + ".";
    if (d.getIncompleteReason() != null) {
      text += " Incomplete: " + d.getIncompleteReason() + ".";
    }
    if (signOff == null) {
      text += " Not yet verified by a reviewer.";
    } else {
      text +=
          signOff.amends()
              ? " Amended by "
                  + signOff.reviewerId()
                  + " ("
                  + signOff.amendmentReason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + ")"
              : " Verified by " + signOff.reviewerId();
      if (signOff.correctedDecision() != null && signOff.correctedDecision() != d.getDecision()) {
        text +=
            ", who corrected the system's "
                + decisionDisplay(d.getDecision()).toLowerCase(Locale.ROOT);
      }
      text += ".";
      if (signOff.comment() != null && !signOff.comment().isBlank()) {
        text += " Reviewer's comment: " + signOff.comment();
      }
    }
    return text;
  }

  static String decisionDisplay(Decision decision) {
    return switch (decision) {
      case ALL -> "Blast count meets the rule for acute lymphoblastic leukaemia";
      case NOT_ALL -> "Blast count does not meet the rule for acute lymphoblastic leukaemia";
      case INSUFFICIENT_CELLS -> "Too few countable cells for a decision";
      case INCOMPLETE -> "Case incomplete: not every expected field or cell was seen";
    };
  }

  private static Narrative narrative(String text) {
    XhtmlNode div = new XhtmlNode(org.hl7.fhir.utilities.xhtml.NodeType.Element, "div");
    div.setAttribute("xmlns", "http://www.w3.org/1999/xhtml");
    div.addTag("p").addText(text);
    return new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED).setDiv(div);
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
