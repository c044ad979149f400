package org.leukostream.classifier.messaging;

import ai.djl.Device;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.classifier.label.StageMembers;
import org.leukostream.models.inference.Ensemble;
import org.leukostream.models.inference.ModelLoad;
import org.leukostream.models.store.ModelStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the three stages once, at start-up, on their own thread (health answers while they load),
 * warms every member up at the configured batch sizes, and hands the labeller to the consumer. A
 * model that cannot be loaded leaves the service not ready and not live, with the reason.
 */
@ApplicationScoped
public class ClassifierRuntime {
  private static final Logger LOG = LoggerFactory.getLogger(ClassifierRuntime.class);

  private final ClassifierConfig config;
  private volatile ModelLoad<CellLabeller> load;

  public ClassifierRuntime(ClassifierConfig config) {
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    load = ModelLoad.start("Classifier models on " + config.device(), this::build);
  }

  private CellLabeller build() throws Exception {
    Device device = ModelStore.device(config.device());
    int maxBatch = config.batch().maxSize();
    List<Ensemble> loaded = new ArrayList<>();
    try {
      Ensemble countable = ensemble(CellLabeller.COUNTABLE, config.countable(), device, loaded);
      Ensemble wbc = ensemble(CellLabeller.WBC, config.wbc(), device, loaded);
      Optional<Ensemble> blast = Optional.empty();
      if (config.blast().isPresent()) {
        blast = Optional.of(ensemble(CellLabeller.BLAST, config.blast().get(), device, loaded));
      }
      CellLabeller labeller = new CellLabeller(countable, wbc, blast, config.countableThreshold());
      int[] sizes = config.batch().warmUp().stream().mapToInt(Integer::intValue).toArray();
      for (Ensemble ensemble : loaded) {
        ensemble.warmUp(sizes);
        LOG.info(
            "Stage {}: {} (max batch {})",
            ensemble.stage(),
            ensemble.members().stream()
                .map(
                    m ->
                        m.model().manifest().name()
                            + ":"
                            + m.model().manifest().version()
                            + " x "
                            + m.weight())
                .toList(),
            maxBatch);
      }
      return labeller;
    } catch (Exception | LinkageError e) {
      loaded.forEach(Ensemble::close);
      throw e;
    }
  }

  private Ensemble ensemble(
      String stage, ClassifierConfig.Stage settings, Device device, List<Ensemble> loaded) {
    Ensemble ensemble =
        Ensemble.load(stage, weights(stage, settings), device, config.batch().maxSize());
    loaded.add(ensemble);
    return ensemble;
  }

  /** Member locations and weights in order, by {@link StageMembers}' rule. */
  static Map<String, Double> weights(String stage, ClassifierConfig.Stage settings) {
    return StageMembers.resolve(
        stage,
        settings.members().stream()
            .map(m -> new StageMembers.Member(m.model(), m.weight()))
            .toList());
  }

  /** The loaded labeller for one batch, waiting for start-up to finish; close after the batch. */
  public ModelLoad.Lease<CellLabeller> lease() throws InterruptedException {
    return load().lease();
  }

  /** True once shutdown has begun (see {@link ModelLoad#isClosing()}). */
  public boolean shuttingDown() {
    return load != null && load.isClosing();
  }

  /** The load, once start-up has begun it. */
  public Optional<ModelLoad<CellLabeller>> loading() {
    return Optional.ofNullable(load);
  }

  private ModelLoad<CellLabeller> load() {
    ModelLoad<CellLabeller> current = load;
    if (current == null) {
      throw new IllegalStateException("Classifier runtime not started");
    }
    return current;
  }

  /** {@code stage=name:version,...} of every loaded model. */
  public String models() {
    return load == null
        ? "not started"
        : load.now()
            .map(
                l ->
                    l.ensembles().stream()
                        .flatMap(
                            e ->
                                e.members().stream()
                                    .map(
                                        m ->
                                            e.stage()
                                                + "="
                                                + m.model().manifest().name()
                                                + ":"
                                                + m.model().manifest().version()))
                        .toList()
                        .toString())
            .orElse("loading");
  }

  void stop(@Observes ShutdownEvent event) {
    if (load != null) {
      try {
        load.close();
      } catch (Exception e) {
        LOG.warn("Closing the classifier models failed: {}", e.toString());
      }
    }
  }
}
