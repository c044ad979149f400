package org.leukostream.models.inference;

import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models a service loads once, on their own thread, so that it answers health checks while they
 * load (readiness DOWN until they are ready). Consumers {@link #await()} them; a load that fails
 * keeps its cause for the health answer and the log, and every {@code await} says why.
 *
 * @param <T> what the loader builds (closed with this)
 */
public final class ModelLoad<T extends AutoCloseable> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoad.class);

  private final String what;
  private final CompletableFuture<T> loaded = new CompletableFuture<>();

  private ModelLoad(String what) {
    this.what = what;
  }

  /** Starts {@code loader} on a daemon thread named after {@code what}. */
  public static <T extends AutoCloseable> ModelLoad<T> start(String what, Callable<T> loader) {
    ModelLoad<T> load = new ModelLoad<>(what);
    Thread thread =
        new Thread(
            () -> {
              long start = System.nanoTime();
              try {
                T value = loader.call();
                LOG.info(
                    "{} loaded and warmed up in {} ms",
                    what,
                    (System.nanoTime() - start) / 1_000_000);
                load.loaded.complete(value);
              } catch (Exception | LinkageError e) {
                LOG.error("{} could not be loaded: {}", what, e.getMessage(), e);
                load.loaded.completeExceptionally(e);
              }
            },
            "model-load");
    thread.setDaemon(true);
    thread.start();
    return load;
  }

  /** The loaded value, waiting for the load to finish. */
  public T await() throws InterruptedException {
    try {
      return loaded.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          what + " is not loaded: " + e.getCause().getMessage(), e.getCause());
    }
  }

  /** The loaded value, if the load has finished well. */
  public Optional<T> now() {
    return isReady() ? Optional.of(loaded.join()) : Optional.empty();
  }

  public boolean isReady() {
    return loaded.isDone() && !loaded.isCompletedExceptionally();
  }

  /** Why the load failed; empty while it runs or after it succeeded. */
  public Optional<Throwable> failure() {
    if (!loaded.isCompletedExceptionally()) {
      return Optional.empty();
    }
    try {
      loaded.join();
      return Optional.empty();
    } catch (RuntimeException e) {
      return Optional.of(e.getCause() == null ? e : e.getCause());
    }
  }

  public String what() {
    return what;
  }

  @Override
  public void close() throws Exception {
    if (isReady()) {
      loaded.join().close();
    } else {
      loaded.cancel(false);
    }
  }
}
