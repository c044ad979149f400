package org.leukostream.cli.stack;

import java.io.PrintWriter;
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

  @Option(names = "--json", description = "Print one JSON object per line.")
  boolean json;

  private final CountDownLatch stopRequested = new CountDownLatch(1);

  /** Asks a running {@link #call} to stop, as Ctrl-C does. */
  public void requestStop() {
    stopRequested.countDown();
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedStack stack = EmbeddedStack.start(kafkaPort, registryPort);
    AtomicBoolean closed = new AtomicBoolean();
    Runnable close =
        () -> {
          if (closed.compareAndSet(false, true)) {
            stack.close();
          }
        };
    Thread hook = new Thread(close, "leukostream-stack-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    var previousInt = Signal.handle(new Signal("INT"), signal -> requestStop());
    var previousTerm = Signal.handle(new Signal("TERM"), signal -> requestStop());
    try {
      started(out, stack);
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

  /** {@code --json}: the stack is up at these addresses. */
  record Started(String bootstrapServers, String registryUrl, long startupMillis) {}

  /** {@code --json}: the stack has stopped. */
  record Stopped() {}

  private void started(PrintWriter out, EmbeddedStack stack) {
    if (json) {
      JsonLines.write(
          out,
          "started",
          new Started(
              stack.bootstrapServers(), stack.registryUrl(), stack.startupTime().toMillis()));
      return;
    }
    out.printf("leukostream stack is up (%.1f s)%n", stack.startupTime().toMillis() / 1000.0);
    out.printf("  kafka bootstrap servers  %s%n", stack.bootstrapServers());
    out.printf("  schema registry          %s%n", stack.registryUrl());
    out.println("Development only: one node, no security, data deleted on stop. Ctrl-C to stop.");
    out.flush();
  }
}
