package org.leukostream.aggregator.streams;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.leukostream.aggregator.decision.CallRates;
import org.leukostream.aggregator.decision.RuleOutcome;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.aggregator.decision.Taxonomy;
import org.leukostream.aggregator.state.CaseState;
import org.leukostream.avro.BlastCallRates;
import org.leukostream.avro.ClassCount;
import org.leukostream.avro.Decision;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.DiagnosisStatus;
import org.leukostream.avro.ModelRef;
import org.leukostream.avro.SpecimenType;

/** Turns a case's state into the event on {@code diagnoses.v1}. */
public final class DiagnosisBuilder {
  private final RuleSettings rule;
  private final Taxonomy taxonomy;

  public DiagnosisBuilder(RuleSettings rule, Taxonomy taxonomy) {
    this.rule = rule;
    this.taxonomy = taxonomy;
  }

  /** The event for {@code state}; a FINAL with {@code incompleteReason} is decided INCOMPLETE. */
  public Diagnosis build(
      CaseState state, DiagnosisStatus status, String incompleteReason, long nowMillis) {
    RuleOutcome outcome = RuleOutcome.apply(rule, state.blasts, state.counted);
    Decision decision = incompleteReason != null ? Decision.INCOMPLETE : outcome.decision();
    return Diagnosis.newBuilder()
        .setCaseId(state.caseId)
        .setPatientKey(state.patientKey)
        .setAccession(state.accession)
        .setSpecimenType(
            state.specimenType == null ? null : SpecimenType.valueOf(state.specimenType))
        .setStatus(status)
        .setSequence(state.sequence)
        .setDecision(decision)
        .setIncompleteReason(incompleteReason)
        .setRule(rule.toEvent())
        .setCellsCounted(state.counted)
        .setLymphoblasts(state.blasts)
        .setBlastPercent(outcome.blastPercent())
        .setBlastPercentLower95(outcome.lowerPercent())
        .setBlastPercentUpper95(outcome.upperPercent())
        .setBorderline(outcome.borderline())
        .setAdjustedBlastPercent(outcome.adjusted() == null ? null : outcome.adjusted().share())
        .setAdjustedBlastPercentLower95(
            outcome.adjusted() == null ? null : outcome.adjusted().lower())
        .setAdjustedBlastPercentUpper95(
            outcome.adjusted() == null ? null : outcome.adjusted().upper())
        .setDecidedOnAdjusted(outcome.decidedOnAdjusted())
        .setBlastCallRates(rates(rule.rates()))
        .setEnsembleABlastPercent(
            state.ensembleASeen ? percent(state.blastsByA, state.counted) : null)
        .setEnsembleBBlastPercent(percent(state.blastsByB, state.counted))
        .setClassCounts(classCounts(state))
        .setCellsDetected(state.cellsDetected)
        .setCellsLabelled(state.cellsLabelled)
        .setCellsUncountable(state.cellsUncountable)
        .setCellsReviewed(state.cellsReviewed)
        .setFieldsExpected(state.expectedFields)
        .setFieldsSeen(state.fieldsSeen.size())
        .setFieldsRejected(state.fieldsRejected)
        .setModels(state.models.stream().map(DiagnosisBuilder::modelRef).toList())
        .setOpenedAt(
            state.openedAtMillis == null ? null : Instant.ofEpochMilli(state.openedAtMillis))
        .setClosedAt(
            state.closedAtMillis == null ? null : Instant.ofEpochMilli(state.closedAtMillis))
        .setDecidedAt(Instant.ofEpochMilli(nowMillis))
        .build();
  }

  private static BlastCallRates rates(CallRates rates) {
    return rates == null
        ? null
        : new BlastCallRates(
            rates.truePositiveRate(),
            rates.falsePositiveRate(),
            rates.blasts(),
            rates.nonBlasts(),
            rates.measuredOn());
  }

  private List<ClassCount> classCounts(CaseState state) {
    return state.classCounts.entrySet().stream()
        .map(
            (Map.Entry<String, Integer> e) ->
                new ClassCount(
                    e.getKey(),
                    e.getValue(),
                    taxonomy.isNucleated(e.getKey()) ? percent(e.getValue(), state.counted) : null))
        .toList();
  }

  private static double percent(int part, int whole) {
    return whole == 0 ? 0 : 100.0 * part / whole;
  }

  static String modelKey(ModelRef model) {
    return model.getName() + "@" + model.getVersion();
  }

  private static ModelRef modelRef(String key) {
    int at = key.lastIndexOf('@');
    return new ModelRef(key.substring(0, at), key.substring(at + 1));
  }
}
