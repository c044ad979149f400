package org.leukostream.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.leukostream.schemas.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker inside the JVM: one KRaft node that is broker and controller at once, on
 * loopback ports, with a fresh log directory that is deleted on close. Internal topics use one
 * replica, so transactions and consumer groups work on a single node.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final Properties props;
  private final Path logDir;
  private final String bootstrapServers;
  private final boolean deleteLogDir;
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(
      KafkaRaftServer server,
      Properties props,
      Path logDir,
      String bootstrapServers,
      boolean deleteLogDir) {
    this.server = server;
    this.props = props;
    this.logDir = logDir;
    this.bootstrapServers = bootstrapServers;
    this.deleteLogDir = deleteLogDir;
  }

  /** Starts a broker on free ports with a temporary log directory. */
  public static EmbeddedKafkaBroker start() {
    return start(0, null);
  }

  /**
   * Starts a broker.
   *
   * @param port the client port, or 0 for a free one
   * @param logDir an empty or absent directory to keep the log in, or null for a temporary one that
   *     is deleted on close
   */
  public static EmbeddedKafkaBroker start(int port, Path logDir) {
    int clientPort = FreePorts.pick(port);
    int controllerPort = FreePorts.pick(0);
    try {
      Path dir = logDir != null ? logDir : Files.createTempDirectory("leukostream-kafka-");
      Files.createDirectories(dir);
      Properties props = brokerProperties(clientPort, controllerPort, dir);
      format(props, dir);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      server.startup();
      String bootstrap = "localhost:" + clientPort;
      LOG.info("Kafka broker (KRaft) listening on {} with log dir {}", bootstrap, dir);
      return new EmbeddedKafkaBroker(server, props, dir, bootstrap, logDir == null);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Kafka log directory", e);
    }
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * Creates the topics with their catalogue partition count and message size limit; topics that
   * exist already are left as they are.
   */
  public void createTopics(Collection<Topic<?>> topics) {
    try (Admin admin = admin()) {
      var newTopics =
          topics.stream()
              .map(
                  t ->
                      new NewTopic(t.name(), t.partitions(), (short) 1)
                          .configs(
                              Map.of(
                                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                  Integer.toString(t.maxMessageBytes()))))
              .toList();
      admin
          .createTopics(newTopics)
          .values()
          .forEach(
              (name, future) -> {
                try {
                  future.get();
                } catch (ExecutionException e) {
                  if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create topic " + name, e.getCause());
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new IllegalStateException("Interrupted while creating topic " + name, e);
                }
              });
    }
  }

  /** An admin client for this broker; the caller closes it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /**
   * Stops the broker as a crash-free restart does (a controlled shutdown: clients see it go away),
   * waits {@code down}, and starts it again on the same ports from the same log: for tests of what
   * the services do when the broker goes away mid-stream.
   */
  public synchronized void restart(java.time.Duration down) throws InterruptedException {
    server.shutdown();
    server.awaitShutdown();
    LOG.info("Kafka broker on {} stopped for {}", bootstrapServers, down);
    Thread.sleep(down.toMillis());
    server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
    server.startup();
    LOG.info("Kafka broker on {} started again", bootstrapServers);
  }

  @Override
  public synchronized void close() {
    server.shutdown();
    server.awaitShutdown();
    if (deleteLogDir) {
      deleteRecursively(logDir);
    }
    LOG.info("Kafka broker on {} stopped", bootstrapServers);
  }

  private static Properties brokerProperties(int clientPort, int controllerPort, Path logDir) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "false");
    // A single node: every internal topic gets one replica and few partitions, so it starts fast.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("log.flush.interval.messages", Long.toString(Long.MAX_VALUE));
    return p;
  }

  private static void format(Properties props, Path dir) throws IOException {
    Path config = Files.createTempFile("leukostream-kraft-", ".properties");
    try (OutputStream out = Files.newOutputStream(config)) {
      props.store(out, "embedded KRaft node");
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int status;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      status =
          StorageTool.execute(
              new String[] {
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString(),
                "--ignore-formatted"
              },
              print);
    } finally {
      Files.deleteIfExists(config);
    }
    if (status != 0) {
      throw new IllegalStateException(
          "Formatting the KRaft log dir failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}
