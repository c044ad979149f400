package org.leukostream.review.views;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CellCrop;
import org.leukostream.avro.CellLabel;
import org.leukostream.avro.CellReview;
import org.leukostream.avro.ClaimCheck;
import org.leukostream.avro.Diagnosis;
import org.leukostream.avro.InlineImage;
import org.leukostream.schemas.Topic;
import org.leukostream.schemas.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review page's data: a materialised view of the topics, not a second source of truth. Crops
 * ({@code cell.crops.v1}) go to one store; labels, reviews, diagnoses and case events (all keyed by
 * case id, co-partitioned) to the per-cell and per-case stores. All are changelogged, so a
 * restarted or rescheduled pod rebuilds them; a case untouched for the retention is forgotten with
 * its cells and crops. A pure builder, like the other services' topologies.
 */
public final class ReviewTopology {
  private static final Logger LOG = LoggerFactory.getLogger(ReviewTopology.class);

  public static final String CROPS = "review-crops";
  public static final String CELLS = "review-cells";
  public static final String CASES = "review-cases";

  /** How often forgotten cases are swept out. */
  static final Duration SWEEP = Duration.ofMinutes(1);

  private ReviewTopology() {}

  /**
   * The key of a cell in {@link #CROPS} and {@link #CELLS}: case, a separator ids never hold, cell.
   */
  public static String cellKey(String caseId, String cellId) {
    return casePrefix(caseId) + cellId;
  }

  /** The prefix of every cell key of a case. */
  public static String casePrefix(String caseId) {
    return caseId + '\u0000';
  }

  /**
   * @param serdeConfig registry settings for the Avro serdes
   * @param retention how long a case nothing has changed stays in the view
   */
  public static Topology build(Map<String, ?> serdeConfig, Duration retention) {
    Topology topology = new Topology();
    Serde<String> keys = Serdes.String();
    topology.addSource(
        "source-crops",
        keys.deserializer(),
        Topics.CELL_CROPS.valueSerde(serdeConfig).deserializer(),
        Topics.CELL_CROPS.name());
    topology.addProcessor("crop-view", () -> new CropView(retention), "source-crops");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CROPS), keys, Json.serde(CropEntry.class)),
        "crop-view");

    List<Topic<?>> caseInputs =
        List.of(Topics.CASE_EVENTS, Topics.DIAGNOSES, Topics.CELL_LABELS, Topics.CELL_REVIEWS);
    for (Topic<?> input : caseInputs) {
      topology.addSource(
          "source-" + input.name(),
          keys.deserializer(),
          input.valueSerde(serdeConfig).deserializer(),
          input.name());
    }
    topology.addProcessor(
        "case-view",
        () -> new CaseView(retention),
        caseInputs.stream().map(t -> "source-" + t.name()).toArray(String[]::new));
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(CELLS), keys, Json.serde(CellEntry.class))
            .withCachingEnabled(),
        "case-view");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(CASES), keys, Json.serde(CaseEntry.class)),
        "case-view");
    return topology;
  }

  /** The keys of {@code store}'s entries last changed before {@code cutoffMillis}. */
  static <V> List<String> olderThan(
      KeyValueStore<String, V> store, ToLongFunction<V> changedAt, long cutoffMillis) {
    List<String> old = new ArrayList<>();
    try (var all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (changedAt.applyAsLong(kv.value) <= cutoffMillis) {
              old.add(kv.key);
            }
          });
    }
    return old;
  }

  /** Keeps each crop under its cell; drops crops older than the retention. */
  static final class CropView implements Processor<String, SpecificRecord, Void, Void> {
    private final Duration retention;
    private KeyValueStore<String, CropEntry> crops;
    private ProcessorContext<Void, Void> context;

    CropView(Duration retention) {
      this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      crops = context.getStateStore(CROPS);
      context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      if (!(record.value() instanceof CellCrop crop)) {
        return; // a tombstone: nothing to show
      }
      var box = crop.getBox();
      byte[] inline = null;
      String claimCheck = null;
      if (crop.getCrop().getContent() instanceof InlineImage image) {
        inline = image.getData().array();
      } else if (crop.getCrop().getContent() instanceof ClaimCheck check) {
        claimCheck = check.getUri();
      }
      crops.put(
          cellKey(crop.getCaseId(), crop.getCellId()),
          new CropEntry(
              crop.getFieldIndex(),
              new int[] {box.getXPx(), box.getYPx(), box.getWidthPx(), box.getHeightPx()},
              crop.getDetectionScore(),
              crop.getCrop().getMediaType(),
              inline,
              claimCheck,
              crop.getCrop().getSizeBytes(),
              crop.getCrop().getSha256(),
              context.currentSystemTimeMs()));
    }

    private void sweep(long now) {
      olderThan(crops, CropEntry::seenAtMillis, now - retention.toMillis()).forEach(crops::delete);
    }
  }

  /** Cases from their events and diagnoses; cells from labels and reviews. */
  static final class CaseView implements Processor<String, SpecificRecord, Void, Void> {
    private final Duration retention;
    private KeyValueStore<String, CellEntry> cells;
    private KeyValueStore<String, CaseEntry> cases;
    private ProcessorContext<Void, Void> context;

    CaseView(Duration retention) {
      this.retention = retention;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      this.context = context;
      cells = context.getStateStore(CELLS);
      cases = context.getStateStore(CASES);
      context.schedule(SWEEP, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, SpecificRecord> record) {
      String caseId = record.key();
      if (caseId == null) {
        return;
      }
      long now = context.currentSystemTimeMs();
      SpecificRecord value = record.value();
      if (value instanceof CellLabel label) {
        label(caseId, label, now);
      } else if (value instanceof CellReview review) {
        review(caseId, review, now);
      } else if (value instanceof Diagnosis diagnosis) {
        diagnosis(caseId, diagnosis, now);
      } else if (value instanceof CaseEvent event) {
        event(caseId, event, now);
      }
    }

    private void label(String caseId, CellLabel label, long now) {
      String key = cellKey(caseId, label.getCellId());
      if (cells.get(key) != null) {
        return; // a redelivered label: the first (and any review of it) stands
      }
      cells.put(
          key,
          new CellEntry(
              label.getCellId(),
              label.getFieldIndex(),
              label.getWbcClass(),
              label.getCountable(),
              label.getCountableProbability(),
              label.getWbcProbabilities().stream()
                  .map(p -> new CellEntry.ClassScore(p.getClassName(), p.getProbability()))
                  .toList(),
              label.getBlastProbability(),
              label.getBlastThreshold(),
              false,
              null,
              null,
              null,
              now));
    }

    private void review(String caseId, CellReview review, long now) {
      String key = cellKey(caseId, review.getCellId());
      CellEntry cell = cells.get(key);
      long at = review.getReviewedAt().toEpochMilli();
      if (cell == null) {
        LOG.warn(
            "Review of cell {} of case {}: no such cell in the view", review.getCellId(), caseId);
        return;
      }
      if (cell.reviewed() && cell.reviewedAtMillis() != null && at < cell.reviewedAtMillis()) {
        return; // an older review than the one that stands
      }
      cells.put(key, cell.withReview(review.getToClass(), review.getReviewerId(), at, now));
    }

    private void diagnosis(String caseId, Diagnosis d, long now) {
      CaseEntry entry = cases.get(caseId);
      if (entry == null) {
        entry =
            new CaseEntry(
                caseId,
                d.getPatientKey(),
                d.getSpecimenType() == null ? null : d.getSpecimenType().name(),
                d.getStatus().name(),
                d.getOpenedAt() == null ? null : d.getOpenedAt().toEpochMilli(),
                null,
                null,
                null,
                now);
      }
      if (entry.diagnosis() != null && entry.diagnosis().sequence() >= d.getSequence()) {
        return; // older than what the view shows
      }
      boolean revisedAfterSignOff = entry.signed(); // a new revision needs a new sign-off
      cases.put(
          caseId,
          entry.with(
              d.getStatus().name(),
              summary(d),
              revisedAfterSignOff ? null : entry.signedBy(),
              revisedAfterSignOff ? null : entry.signedAtMillis(),
              now));
    }

    private void event(String caseId, CaseEvent event, long now) {
      CaseEntry entry = cases.get(caseId);
      if (entry == null) {
        entry =
            new CaseEntry(
                caseId,
                event.getPatientKey(),
                event.getSpecimenType() == null ? null : event.getSpecimenType().name(),
                "OPENED",
                event.getOccurredAt().toEpochMilli(),
                null,
                null,
                null,
                now);
      }
      CaseEntry next =
          switch (event.getType()) {
            case OPENED ->
                new CaseEntry(
                    caseId,
                    event.getPatientKey(),
                    event.getSpecimenType() == null
                        ? entry.specimenType()
                        : event.getSpecimenType().name(),
                    entry.diagnosis() == null ? "OPENED" : entry.status(),
                    event.getOccurredAt().toEpochMilli(),
                    entry.diagnosis(),
                    entry.signedBy(),
                    entry.signedAtMillis(),
                    now);
            case CLOSED ->
                entry.with(
                    entry.diagnosis() == null ? "CLOSED" : entry.status(),
                    entry.diagnosis(),
                    entry.signedBy(),
                    entry.signedAtMillis(),
                    now);
            case SIGNED ->
                entry.with(
                    "SIGNED",
                    entry.diagnosis(),
                    event.getReviewerId(),
                    event.getOccurredAt().toEpochMilli(),
                    now);
            case REOPENED -> entry.with("CLOSED", entry.diagnosis(), null, null, now);
            default -> entry;
          };
      cases.put(caseId, next);
    }

    private static CaseEntry.Summary summary(Diagnosis d) {
      return new CaseEntry.Summary(
          d.getSequence(),
          d.getStatus().name(),
          d.getDecision().name(),
          d.getBorderline(),
          d.getBlastPercent(),
          d.getBlastPercentLower95(),
          d.getBlastPercentUpper95(),
          d.getAdjustedBlastPercent(),
          d.getAdjustedBlastPercentLower95(),
          d.getAdjustedBlastPercentUpper95(),
          d.getDecidedOnAdjusted(),
          d.getCellsCounted(),
          d.getLymphoblasts(),
          d.getCellsDetected(),
          d.getCellsLabelled(),
          d.getCellsUncountable(),
          d.getCellsReviewed(),
          d.getClassCounts().stream()
              .map(
                  c ->
                      new CaseEntry.ClassRow(
                          c.getClassName(), c.getCount(), c.getPercentOfCounted()))
              .toList(),
          d.getRule().getName(),
          d.getRule().getComparison().name(),
          d.getRule().getThresholdPercent(),
          d.getRule().getMinimumCells(),
          d.getRule().getPolicy(),
          d.getDecidedAt().toEpochMilli());
    }

    private void sweep(long now) {
      for (String caseId :
          olderThan(cases, CaseEntry::updatedAtMillis, now - retention.toMillis())) {
        List<String> cellKeys = new ArrayList<>();
        try (var scan = cells.prefixScan(casePrefix(caseId), new StringSerializer())) {
          scan.forEachRemaining(kv -> cellKeys.add(kv.key));
        }
        cellKeys.forEach(cells::delete);
        cases.delete(caseId);
        LOG.info("Case {} left the review view after {} without a change", caseId, retention);
      }
    }
  }
}
