package org.leukostream.classifier.core;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.classifier.label.StageMembers;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classifier's three stages as its settings describe them, loaded and warmed up at the
 * configured batch sizes: what the service's runtime loads at start-up and the demo loads in its
 * process.
 */
public final class ClassifierModels {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierModels.class);

  private ClassifierModels() {}

  /** Loads every stage's members; the caller closes the labeller. */
  public static CellLabeller load(ClassifierConfig config) throws Exception {
    Device device = ModelStore.device(config.device());
    int maxBatch = config.batch().maxSize();
    List<Ensemble> loaded = new ArrayList<>();
    try {
      Ensemble countable = ensemble(CellLabeller.COUNTABLE, config.countable(), config, loaded);
      Ensemble wbc = ensemble(CellLabeller.WBC, config.wbc(), config, loaded);
      Optional<Ensemble> blast = Optional.empty();
      if (config.blast().isPresent()) {
        blast = Optional.of(ensemble(CellLabeller.BLAST, config.blast().get(), config, loaded));
      }
      CellLabeller labeller =
          new CellLabeller(countable, wbc, blast, config.countableThreshold(), config.cascade());
      int[] sizes = config.batch().warmUp().stream().mapToInt(Integer::intValue).toArray();
      for (Ensemble ensemble : loaded) {
        ensemble.warmUp(sizes);
        LOG.info(
            "Stage {} on {}: {} (max batch {})",
            ensemble.stage(),
            device,
            ensemble.members().stream()
                .map(m -> m.model().manifest().id() + " x " + m.weight())
                .toList(),
            maxBatch);
      }
      return labeller;
    } catch (Exception | LinkageError e) {
      loaded.forEach(Ensemble::close);
      throw e;
    }
  }

  private static Ensemble ensemble(
      String stage,
      ClassifierConfig.Stage settings,
      ClassifierConfig config,
      List<Ensemble> loaded) {
    Ensemble ensemble =
        Ensemble.load(
            stage,
            weights(stage, settings),
            ModelStore.device(config.device()),
            config.batch().maxSize());
    loaded.add(ensemble);
    return ensemble;
  }

  /** Member locations and weights in order, by {@link StageMembers}' rule. */
  public static Map<String, Double> weights(String stage, ClassifierConfig.Stage settings) {
    return StageMembers.resolve(
        stage,
        settings.members().stream()
            .map(m -> new StageMembers.Member(m.model(), m.weight()))
            .toList());
  }

  /** The configured members of {@code stage} ({@code countable}, {@code wbc}, {@code blast}). */
  public static Optional<Map<String, Double>> weights(ClassifierConfig config, String stage) {
    Optional<ClassifierConfig.Stage> settings =
        switch (stage) {
          case CellLabeller.COUNTABLE -> Optional.of(config.countable());
          case CellLabeller.WBC -> Optional.of(config.wbc());
          case CellLabeller.BLAST -> config.blast();
          default -> throw new IllegalArgumentException("Unknown stage " + stage);
        };
    return settings.map(s -> weights(stage, s));
  }
}
