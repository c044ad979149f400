package org.leukostream.models.inference;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models a service loads once, on their own thread, so that it answers health checks while they
 * load (readiness DOWN until they are ready). Consumers {@link #lease()} them for each piece of
 * work; {@link #close()} waits for the leases out (a shutdown lets the batch in hand finish instead
 * of pulling the models from under it). A load that fails keeps its cause for the health answer and
 * the log, and every lease says why.
 *
 * @param <T> what the loader builds (closed with this)
 */
public final class ModelLoad<T extends AutoCloseable> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelLoad.class);

  private static final Duration DRAIN = Duration.ofSeconds(60);

  private final String what;
  private final CompletableFuture<T> loaded = new CompletableFuture<>();
  private final ReadWriteLock inUse = new ReentrantReadWriteLock();
  private volatile boolean closed;
  private volatile boolean closing;
  private volatile Duration took;

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
                load.took = Duration.ofNanos(System.nanoTime() - start);
                LOG.info("{} loaded and warmed up in {} ms", what, load.took.toMillis());
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

  /** The loaded value for one piece of work; close the lease when the work is done. */
  public interface Lease<T> extends AutoCloseable {
    T value();

    @Override
    void close();
  }

  /**
   * The loaded value, waiting for the load to finish, held until the lease is closed.
   *
   * @throws IllegalStateException the load failed, or the models were closed (shutting down)
   */
  public Lease<T> lease() throws InterruptedException {
    T value;
    try {
      value = loaded.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          what + " is not loaded: " + e.getCause().getMessage(), e.getCause());
    }
    inUse.readLock().lockInterruptibly();
    if (closed) {
      inUse.readLock().unlock();
      throw new IllegalStateException(what + " is shut down");
    }
    return new Lease<>() {
      private boolean released;

      @Override
      public T value() {
        return value;
      }

      @Override
      public void close() {
        if (!released) {
          released = true;
          inUse.readLock().unlock();
        }
      }
    };
  }

  /** The loaded value, if the load has finished well. */
  public Optional<T> now() {
    return isReady() ? Optional.of(loaded.join()) : Optional.empty();
  }

  public boolean isReady() {
    return loaded.isDone() && !loaded.isCompletedExceptionally();
  }

  /**
   * Runs {@code action} with the models once they are loaded (at once if they are); never on
   * failure.
   */
  public void whenLoaded(Consumer<? super T> action) {
    loaded.thenAccept(action);
  }

  /** How long loading and warming up took; empty until it succeeded. */
  public Optional<Duration> took() {
    return Optional.ofNullable(took);
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

  /**
   * True once shutdown has begun: a failure seen now may be the shutdown's doing (streams closed
   * under a decode), so work in hand should be retried by the next process, not dead-lettered.
   */
  public boolean isClosing() {
    return closing;
  }

  public String what() {
    return what;
  }

  /** Waits (at most a minute) for the work in hand to finish, then closes the models. */
  @Override
  public void close() throws Exception {
    closing = true;
    boolean drained = inUse.writeLock().tryLock(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    try {
      closed = true;
      if (!drained) {
        LOG.warn("{}: work still in hand after {}; closing anyway", what, DRAIN);
      }
      if (isReady()) {
        loaded.join().close();
      } else {
        loaded.cancel(false);
      }
    } finally {
      if (drained) {
        inUse.writeLock().unlock();
      }
    }
  }
}
