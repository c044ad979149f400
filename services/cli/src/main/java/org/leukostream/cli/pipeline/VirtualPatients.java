package org.leukostream.cli.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.leukostream.aggregator.decision.RuleOutcome;
import org.leukostream.aggregator.decision.RuleSettings;
import org.leukostream.avro.Decision;
import org.leukostream.avro.SpecimenType;
import org.leukostream.cli.scan.CaseSender;
import org.leukostream.cli.scan.FieldImage;
import org.leukostream.cli.scan.PatientKeys;
import org.leukostream.synthetic.smear.CellImage;
import org.leukostream.synthetic.smear.CellType;
import org.leukostream.synthetic.smear.SmearGenerator;
import org.leukostream.training.data.RealCells;

/**
 * Seeded virtual patients: a case of a chosen number of fields, white cells per field and
 * lymphoblast fraction (about 5% of the cells smudged, so uncountable), with its ground truth - the
 * decision the rule gives on the cells actually drawn. The cells are the synthetic smear
 * generator's, or real single-cell images ({@link RealCells}) placed on its field backgrounds.
 */
public final class VirtualPatients {
  /**
   * Fields of a patient case: 288 cells, so the count stays over the 200-cell minimum if the
   * detector misses some.
   */
  /**
   * The pseudonymisation of virtual patients (demo, validate, bench): a fixed secret, since their
   * patient ids are made up; a site's scanner uses its own secret.
   */
  public static PatientKeys keys() {
    return new PatientKeys("leukostream demo secret - virtual patients only");
  }

  public static final int FIELDS = 36;

  public static final int CELLS_PER_FIELD = 8;

  private VirtualPatients() {}

  /**
   * One virtual patient's case.
   *
   * @param countable cells drawn that the rule counts (all but the smudged ones)
   * @param blasts lymphoblasts among them
   * @param expected the rule's decision on the drawn cells
   * @param micrometresPerPixel the drawn fields' pixel size
   */
  public record Patient(
      String caseId,
      String patientId,
      double blastFraction,
      List<FieldImage> fields,
      int countable,
      int blasts,
      Decision expected,
      double micrometresPerPixel) {

    /** The blast percentage of the countable cells drawn. */
    public double drawnBlastPercent() {
      return 100.0 * blasts / Math.max(1, countable);
    }

    /**
     * The patient's case as a scanner sends it, the patient known only by its key, with the drawn
     * fields' pixel size.
     */
    public CaseSender.Case toCase(PatientKeys keys, String scannerId) {
      return new CaseSender.Case(
          caseId,
          keys.of(patientId),
          SpecimenType.BONE_MARROW,
          scannerId,
          fields,
          micrometresPerPixel);
    }
  }

  /** The default cohort's blast fractions: alternately clearly over and clearly under 20%. */
  public static final List<Double> CLEAR_OF_THE_THRESHOLD =
      List.of(0.5, 0.05, 0.35, 0.0, 0.65, 0.10);

  /** What a patient is made of. */
  public record Spec(String caseId, int fields, int cellsPerField, double blastFraction) {}

  /**
   * A cohort of {@code cases}: alternately above the threshold (blast fractions 0.35 to 0.65) and
   * clearly under it (0 to 0.10), each of {@link #FIELDS} fields of {@link #CELLS_PER_FIELD} cells.
   */
  public static List<Spec> cohort(String prefix, int cases) {
    return cohort(prefix, cases, CLEAR_OF_THE_THRESHOLD);
  }

  /**
   * A cohort of {@code cases} drawn at {@code blastFractions} in turn (e.g. 0.15, 0.20, 0.25 for
   * cases near the threshold), each of {@link #FIELDS} fields of {@link #CELLS_PER_FIELD} cells.
   *
   * @throws IllegalArgumentException when the list is empty or a fraction is outside [0, 1]
   */
  public static List<Spec> cohort(String prefix, int cases, List<Double> blastFractions) {
    if (blastFractions.isEmpty() || blastFractions.stream().anyMatch(f -> !(f >= 0 && f <= 1))) {
      throw new IllegalArgumentException(
          "Blast fractions must be between 0 and 1, at least one: " + blastFractions);
    }
    List<Spec> out = new ArrayList<>();
    for (int i = 0; i < cases; i++) {
      out.add(
          new Spec(
              prefix + "-" + (i + 1),
              FIELDS,
              CELLS_PER_FIELD,
              blastFractions.get(i % blastFractions.size())));
    }
    return out;
  }

  /** {@link #cohort} drawn, patient {@code i} with seed {@code seed + i}. */
  public static List<Patient> drawCohort(String prefix, int cases, long seed, RuleSettings rule) {
    return drawCohort(prefix, cases, seed, rule, Optional.empty());
  }

  /** {@link #cohort} drawn, of {@code real} cells where given, else of synthetic ones. */
  public static List<Patient> drawCohort(
      String prefix, int cases, long seed, RuleSettings rule, Optional<RealCells> real) {
    return drawCohort(cohort(prefix, cases), seed, rule, real);
  }

  /**
   * {@code specs} drawn, patient {@code i} with seed {@code seed + i}, of {@code real} cells where
   * given.
   */
  public static List<Patient> drawCohort(
      List<Spec> specs, long seed, RuleSettings rule, Optional<RealCells> real) {
    List<Patient> out = new ArrayList<>();
    for (Spec spec : specs) {
      long s = seed + out.size();
      out.add(real.isPresent() ? draw(spec, s, rule, real.get()) : draw(spec, s, rule));
    }
    return out;
  }

  /**
   * Draws {@code spec}'s fields (PNG) of real cells with {@code seed}: the generator chooses which
   * cells are blasts, countable or not; each is a random image of that pool (an image may serve
   * several cells, turned and mirrored); the rule on the images' own classes gives the ground
   * truth.
   *
   * @throws IllegalArgumentException when the case needs blasts and {@code real} has none
   */
  public static Patient draw(Spec spec, long seed, RuleSettings rule, RealCells real) {
    SmearGenerator generator = new SmearGenerator(seed);
    Random pick = new Random(seed * 31 + 7);
    List<FieldImage> fields = new ArrayList<>(spec.fields());
    int countable = 0;
    int blasts = 0;
    int f = 0;
    for (List<CellType> types :
        generator.caseCells(spec.fields(), spec.cellsPerField(), spec.blastFraction())) {
      List<CellImage> cells = new ArrayList<>();
      for (CellType type : types) {
        List<CellImage> pool =
            real.poolFor(type)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "Case "
                                + spec.caseId()
                                + " needs blasts, and the data folder has no blast images"));
        CellImage cell = pool.get(pick.nextInt(pool.size()));
        cells.add(cell);
        countable += cell.type().countable() ? 1 : 0;
        blasts += cell.type() == CellType.LYMPHOBLAST ? 1 : 0;
      }
      byte[] png = generator.field(cells, real.scale(), real.field()).encode("png");
      fields.add(field(spec, f++, png, real.field()));
    }
    return patient(spec, fields, countable, blasts, rule, real.field());
  }

  /**
   * The patient of {@code spec}'s drawn fields; its ground truth is the rule on the cells drawn.
   */
  private static Patient patient(
      Spec spec,
      List<FieldImage> fields,
      int countable,
      int blasts,
      RuleSettings rule,
      SmearGenerator.Options drawn) {
    return new Patient(
        spec.caseId(),
        "virtual-" + spec.caseId(),
        spec.blastFraction(),
        fields,
        countable,
        blasts,
        RuleOutcome.apply(rule, blasts, countable).decision(),
        drawn.micrometresPerPixel());
  }

  /** A field the generator just drew: its type and size are known, no need to decode it again. */
  private static FieldImage field(Spec spec, int index, byte[] png, SmearGenerator.Options drawn) {
    return new FieldImage(
        spec.caseId() + "-field-" + index + ".png",
        png,
        "image/png",
        drawn.width(),
        drawn.height());
  }

  /** Draws {@code spec}'s fields (PNG) with {@code seed}; the rule gives its ground truth. */
  public static Patient draw(Spec spec, long seed, RuleSettings rule) {
    SmearGenerator generator = new SmearGenerator(seed);
    List<List<CellType>> cells =
        generator.caseCells(spec.fields(), spec.cellsPerField(), spec.blastFraction());
    List<FieldImage> fields = new ArrayList<>(spec.fields());
    SmearGenerator.Options drawn = SmearGenerator.Options.DEFAULT;
    int countable = 0;
    int blasts = 0;
    for (int f = 0; f < cells.size(); f++) {
      for (CellType type : cells.get(f)) {
        countable += type.countable() ? 1 : 0;
        blasts += type == CellType.LYMPHOBLAST ? 1 : 0;
      }
      byte[] png = generator.field(cells.get(f), drawn).encode("png");
      fields.add(field(spec, f, png, drawn));
    }
    return patient(spec, fields, countable, blasts, rule, drawn);
  }
}
