package org.leukostream.cli.stack;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.leukostream.cli.JsonLines;
import org.leukostream.embedded.EmbeddedStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sun.misc.Signal;

/**
 * {@code leukostream stack}: the embedded broker and development registry, left running for other
 * tools until Ctrl-C (SIGINT) or SIGTERM, then stopped cleanly with exit code 0.
 */
@Command(
    name = "stack",
    mixinStandardHelpOptions = true,
    description = {
      "Start a Kafka broker (KRaft) and a development schema registry in this process, with every "
          + "topic of the catalogue, and keep them running until Ctrl-C.",
      "Development only: one node, no security, nothing kept after it stops."
    })
public final class StackCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--kafka-port", description = "Kafka client port (default: a free one).")
  int kafkaPort;

  @Option(names = "--registry-port", description = "Schema registry port (default: a free one).")
  int registryPort;

  @Option(
      names = "--client-config",
      paramLabel = "FILE",
      description =
          "Where to write the client properties of this stack (default:"
              + " leukostream-stack/client.properties in the temporary folder), what"
              + " scan --kafka-config reads to find it, and services.env beside it, the same as"
              + " environment variables for the services (env $(cat services.env) java -jar ...)."
              + " Both removed when the stack stops.")
  Path clientConfig;

  @Option(names = "--json", description = "Print one JSON object per line.")
  boolean json;

  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /** Asks a running {@link #call} to stop, as Ctrl-C does. */
  public void requestStop() {
    stopRequested.countDown();
  }

  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path properties =
        clientConfig != null
            ? clientConfig
            : Path.of(
                System.getProperty("java.io.tmpdir"), "leukostream-stack", "client.properties");
    EmbeddedStack stack = EmbeddedStack.start(kafkaPort, registryPort);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            stack.close();
            try {
              Files.deleteIfExists(properties);
              Files.deleteIfExists(servicesEnv(properties));
            } catch (IOException e) {
              // the file names a stack that is gone; nothing else depends on it
            }
          }
        };
    try {
      writeClientConfig(properties, stack);
    } catch (IOException e) {
      close.run();
      throw e;
    }
    Thread hook = new Thread(close, "leukostream-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    var previousInt = Signal.handle(new Signal("INT"), signal -> requestStop());
    var previousTerm = Signal.handle(new Signal("TERM"), signal -> requestStop());
    try {
      started(out, stack, properties);
      stopRequested.await();
    } finally {
      close.run();
      Runtime.getRuntime().removeShutdownHook(hook);
      Signal.handle(new Signal("INT"), previousInt);
      Signal.handle(new Signal("TERM"), previousTerm);
    }
    if (json) {
      JsonLines.write(out, "stopped", new Stopped());
    } else {
      out.println("Stopped.");
      out.flush();
    }
    return 0;
  }

  /** {@code --json}: the stack is up at these addresses, written to {@code clientConfig}. */
  record Started(
      String bootstrapServers, String registryUrl, String clientConfig, long startupMillis) {}

  /**
   * The stack's addresses as client properties: Kafka clients' and the registry serde's keys (for
   * {@code scan --kafka-config}) and the services' own ({@code kafka.bootstrap.servers}, {@code
   * schema.registry.url}) in one file.
   */
  static void writeClientConfig(Path file, EmbeddedStack stack) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Files.writeString(
        file,
        "# leukostream stack (development: no security), removed when it stops: scan --kafka-config\n"
            + "bootstrap.servers="
            + stack.bootstrapServers()
            + "\nschema.registry.url="
            + stack.registryUrl()
            + "\n");
    // Environment variables outrank a Quarkus service's application.properties.
    Files.writeString(
        servicesEnv(file),
        "KAFKA_BOOTSTRAP_SERVERS="
            + stack.bootstrapServers()
            + "\nSCHEMA_REGISTRY_URL="
            + stack.registryUrl()
            + "\n");
  }

  /** The services' environment file beside the client properties. */
  static Path servicesEnv(Path clientConfig) {
    return clientConfig.toAbsolutePath().getParent().resolve("services.env");
  }

  /** {@code --json}: the stack has stopped. */
  record Stopped() {}

  private void started(PrintWriter out, EmbeddedStack stack, Path properties) {
    if (json) {
      JsonLines.write(
          out,
          "started",
          new Started(
              stack.bootstrapServers(),
              stack.registryUrl(),
              properties.toAbsolutePath().toString(),
              stack.startupTime().toMillis()));
      return;
    }
    out.printf("leukostream stack is up (%.1f s)%n", stack.startupTime().toMillis() / 1000.0);
    out.printf("  kafka bootstrap servers  %s%n", stack.bootstrapServers());
    out.printf("  schema registry          %s%n", stack.registryUrl());
    out.printf("  client properties        %s%n", properties.toAbsolutePath());
    out.printf("  services' environment    %s%n", servicesEnv(properties));
    out.println("Development only: one node, no security, data deleted on stop. Ctrl-C to stop.");
    out.flush();
  }
}
