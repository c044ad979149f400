package org.leukostream.classifier.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.models.inference.ModelLoad;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the three stages ({@link ClassifierModels}) once, at start-up, on their own thread (health
 * answers while they load), and hands the labeller to the consumer. A model that cannot be loaded
 * leaves the service not ready and not live, with the reason.
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
    load =
        ModelLoad.start(
            "Classifier models on " + config.device(), () -> ClassifierModels.load(config));
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
                                    .map(m -> e.stage() + "=" + m.model().manifest().id()))
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
