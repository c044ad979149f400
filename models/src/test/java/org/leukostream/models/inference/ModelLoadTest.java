package org.leukostream.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ModelLoadTest {
  /** Stands in for models: remembers being closed. */
  static final class Resource implements AutoCloseable {
    final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
      closed.set(true);
    }
  }

  @Test
  void closeWaitsForTheWorkInHandAndRefusesNewWork() throws Exception {
    Resource resource = new Resource();
    CountDownLatch release = new CountDownLatch(1);
    ModelLoad<Resource> load = ModelLoad.start("test models", () -> resource);
    ModelLoad.Lease<Resource> lease = load.lease();
    assertThat(load.isReady()).isTrue();

    Thread closer =
        new Thread(
            () -> {
              try {
                release.await();
                load.close();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    closer.start();
    release.countDown();
    closer.join(300); // close() is waiting for the lease
    assertThat(closer.isAlive()).isTrue();
    assertThat(resource.closed).isFalse();
    assertThat(load.isClosing()).as("work in hand can tell a shutdown is under way").isTrue();

    lease.value(); // still usable while held
    lease.close();
    closer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(closer.isAlive()).isFalse();
    assertThat(resource.closed).isTrue();
    assertThatThrownBy(load::lease)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("test models is shut down");
  }

  @Test
  void aFailedLoadSaysWhyToHealthAndToEveryLease() throws Exception {
    ModelLoad<Resource> load =
        ModelLoad.start(
            "missing models",
            () -> {
              throw new IllegalArgumentException("manifest.json not found in /nowhere");
            });
    assertThatThrownBy(load::lease)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("missing models is not loaded: manifest.json not found in /nowhere");
    assertThat(load.isReady()).isFalse();
    assertThat(load.failure())
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("/nowhere");
    assertThat(load.now()).isEmpty();
    load.close();
  }
}
