package org.leukostream.classifier.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.classifier.label.CellLabeller;
import org.leukostream.models.inference.ModelRuntime;

/**
 * Loads the three stages ({@link ClassifierModels}) once, at start-up, on their own thread (health
 * answers while they load), and hands the labeller to the consumer. A model that cannot be loaded
 * leaves the service not ready and not live, with the reason.
 */
@ApplicationScoped
public class ClassifierRuntime extends ModelRuntime<CellLabeller> {
  private final ClassifierConfig config;

  public ClassifierRuntime(ClassifierConfig config) {
    this.config = config;
  }

  void start(@Observes StartupEvent event) {
    startLoading("Classifier models on " + config.device(), () -> ClassifierModels.load(config));
  }

  /** {@code stage=name:version,...} of every loaded model. */
  public String models() {
    return describe(
        l ->
            l.ensembles().stream()
                .flatMap(
                    e -> e.members().stream().map(m -> e.stage() + "=" + m.model().manifest().id()))
                .toList()
                .toString(),
        "not started",
        "loading");
  }

  @Override
  public List<InUse> inUse(CellLabeller loaded) {
    return loaded.ensembles().stream()
        .flatMap(e -> e.members().stream().map(m -> new InUse(e.stage(), m.model().manifest())))
        .toList();
  }

  void stop(@Observes ShutdownEvent event) {
    stopLoading();
  }
}
