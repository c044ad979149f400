package org.leukostream.review.views;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the view: the worklist in the reviewers' order, one case with its cells, one cell's crop, a
 * patient's cases. Independent of how the stores are reached (the service's Kafka Streams, a test
 * driver).
 */
public final class ReviewViews {
  /** Opens a store of the view by name. */
  public interface Stores {
    <V> ReadOnlyKeyValueStore<String, V> store(String name);
  }

  /**
   * A case and its cells, with their crops' places, and the classes a cell may be moved to (the
   * models' class list, in its order).
   */
  public record CaseDetail(CaseEntry entry, List<String> classes, List<CellCard> cells) {}

  /** What the gallery needs of one cell; its probabilities come on demand. */
  public record CellCard(
      String cellId,
      int fieldIndex,
      int[] box,
      String currentClass,
      String modelClass,
      boolean reviewed,
      String reviewerId,
      boolean hasCrop) {}

  /**
   * The worklist's order: BORDERLINE first, then unsigned before signed, then newest first (by when
   * the case was opened, else last changed).
   */
  public static final Comparator<CaseEntry> WORKLIST_ORDER =
      Comparator.comparing((CaseEntry c) -> !(c.diagnosis() != null && c.diagnosis().borderline()))
          .thenComparing(CaseEntry::signed)
          .thenComparing(
              c -> c.openedAtMillis() == null ? c.updatedAtMillis() : c.openedAtMillis(),
              Comparator.reverseOrder());

  private final Stores stores;

  public ReviewViews(Stores stores) {
    this.stores = stores;
  }

  /** Every case in the view, in worklist order, only those with {@code status} when given. */
  public List<CaseEntry> worklist(Optional<String> status) {
    List<CaseEntry> out = new ArrayList<>();
    ReadOnlyKeyValueStore<String, CaseEntry> cases = stores.store(ReviewTopology.CASES);
    try (var all = cases.all()) {
      all.forEachRemaining(
          kv -> {
            if (status.isEmpty() || status.get().equalsIgnoreCase(kv.value.status())) {
              out.add(kv.value);
            }
          });
    }
    out.sort(WORKLIST_ORDER);
    return out;
  }

  /** About how many cases the view holds (RocksDB's estimate). */
  public long approximateCases() {
    return stores.<CaseEntry>store(ReviewTopology.CASES).approximateNumEntries();
  }

  public Optional<CaseEntry> caseEntry(String caseId) {
    return Optional.ofNullable(stores.<CaseEntry>store(ReviewTopology.CASES).get(caseId));
  }

  /** The case with every labelled cell (and where its crop is), in field and cell order. */
  public Optional<CaseDetail> caseDetail(String caseId) {
    Optional<CaseEntry> entry = caseEntry(caseId);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    ReadOnlyKeyValueStore<String, CellEntry> cells = stores.store(ReviewTopology.CELLS);
    ReadOnlyKeyValueStore<String, CropEntry> crops = stores.store(ReviewTopology.CROPS);
    List<CellCard> cards = new ArrayList<>();
    java.util.LinkedHashSet<String> classes = new java.util.LinkedHashSet<>();
    try (var scan = cells.prefixScan(ReviewTopology.casePrefix(caseId), new StringSerializer())) {
      scan.forEachRemaining(
          kv -> {
            CellEntry cell = kv.value;
            cell.probabilities().forEach(p -> classes.add(p.wbcClass()));
            CropEntry crop = crops.get(kv.key);
            cards.add(
                new CellCard(
                    cell.cellId(),
                    cell.fieldIndex(),
                    crop == null ? null : crop.box(),
                    cell.currentClass(),
                    cell.modelClass(),
                    cell.reviewed(),
                    cell.reviewerId(),
                    crop != null));
          });
    }
    cards.sort(Comparator.comparingInt(CellCard::fieldIndex).thenComparing(CellCard::cellId));
    return Optional.of(new CaseDetail(entry.get(), List.copyOf(classes), cards));
  }

  /**
   * The classes a cell of the case may be moved to (the models' class list, in its order), read
   * from the cells alone: no crop is read.
   */
  public List<String> classes(String caseId) {
    java.util.LinkedHashSet<String> classes = new java.util.LinkedHashSet<>();
    ReadOnlyKeyValueStore<String, CellEntry> cells = stores.store(ReviewTopology.CELLS);
    try (var scan = cells.prefixScan(ReviewTopology.casePrefix(caseId), new StringSerializer())) {
      scan.forEachRemaining(kv -> kv.value.probabilities().forEach(p -> classes.add(p.wbcClass())));
    }
    return List.copyOf(classes);
  }

  public Optional<CellEntry> cell(String caseId, String cellId) {
    return Optional.ofNullable(
        stores.<CellEntry>store(ReviewTopology.CELLS).get(ReviewTopology.cellKey(caseId, cellId)));
  }

  public Optional<CropEntry> crop(String caseId, String cellId) {
    return Optional.ofNullable(
        stores.<CropEntry>store(ReviewTopology.CROPS).get(ReviewTopology.cellKey(caseId, cellId)));
  }

  /** A patient's cases, oldest first (for the chart over time). */
  public List<CaseEntry> patient(String patientKey) {
    List<CaseEntry> out = new ArrayList<>(worklist(Optional.empty()));
    out.removeIf(c -> !patientKey.equals(c.patientKey()));
    out.sort(
        Comparator.comparing(
            c -> c.openedAtMillis() == null ? c.updatedAtMillis() : c.openedAtMillis()));
    return out;
  }
}
