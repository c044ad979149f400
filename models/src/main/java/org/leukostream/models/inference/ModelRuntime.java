package org.leukostream.models.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import org.leukostream.models.store.ModelManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model-backed service's models over its life: started once at start-up ({@link ModelLoad} on its
 * own thread), leased for each piece of work, closed at shutdown after the work in hand. The
 * detector's and classifier's runtimes are this with their own loader; their health checks are
 * {@link ModelHealthCheck}s over it.
 *
 * @param <T> what the loader builds
 */
public class ModelRuntime<T extends AutoCloseable> {
  private static final Logger LOG = LoggerFactory.getLogger(ModelRuntime.class);

  private volatile ModelLoad<T> load;
  private final List<Consumer<? super T>> whenLoaded = new ArrayList<>();

  /**
   * A model the loaded whole uses, and the stage it serves ({@code detector}, {@code stage1}, ...).
   */
  public record InUse(String stage, ModelManifest manifest) {}

  /** Starts loading on its own thread; health answers while it loads. */
  protected synchronized void startLoading(String what, Callable<T> loader) {
    load = ModelLoad.start(what, loader);
    whenLoaded.forEach(load::whenLoaded);
  }

  /** Runs {@code action} with the models once they are loaded, whether loading has begun or not. */
  public synchronized void whenLoaded(Consumer<? super T> action) {
    whenLoaded.add(action);
    if (load != null) {
      load.whenLoaded(action);
    }
  }

  /** The models {@code loaded} is made of, per stage (the model-info metric names them). */
  public List<InUse> inUse(T loaded) {
    return List.of();
  }

  /** The loaded models for one piece of work, waiting for start-up; close after the work. */
  public ModelLoad.Lease<T> lease() throws InterruptedException {
    ModelLoad<T> current = load;
    if (current == null) {
      throw new IllegalStateException(getClass().getSimpleName() + " not started");
    }
    return current.lease();
  }

  /** True once shutdown has begun (see {@link ModelLoad#isClosing()}). */
  public boolean shuttingDown() {
    return load != null && load.isClosing();
  }

  /** The load, once start-up has begun it. */
  public Optional<ModelLoad<T>> loading() {
    return Optional.ofNullable(load);
  }

  /** What {@code describe} says of the loaded models, or {@code otherwise} before they are. */
  protected String describe(Function<T, String> describe, String notStarted, String loading) {
    ModelLoad<T> current = load;
    return current == null ? notStarted : current.now().map(describe).orElse(loading);
  }

  /** Closes the models after the work in hand (shutdown). */
  protected void stopLoading() {
    if (load != null) {
      try {
        load.close();
      } catch (Exception e) {
        LOG.warn("Closing {} failed: {}", load.what(), e.toString());
      }
    }
  }
}
