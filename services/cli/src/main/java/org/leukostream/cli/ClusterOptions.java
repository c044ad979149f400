package org.leukostream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.leukostream.schemas.TopicReader;
import picocli.CommandLine.Option;

/** Where a command finds a running system: Kafka, the schema registry, client security settings. */
public final class ClusterOptions {
  @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap.")
  public String bootstrap;

  @Option(
      names = "--registry",
      defaultValue = "http://localhost:8081",
      description = "Schema registry URL.")
  public String registry;

  @Option(
      names = "--kafka-config",
      description = "Client properties file (security.protocol, sasl.*, ssl.*, ...).")
  public Path kafkaConfig;

  /** Client settings for producers and consumers: broker, registry, then the properties file. */
  public Map<String, Object> clientConfig() throws IOException {
    Map<String, Object> config = new HashMap<>(TopicReader.clientConfig(bootstrap, registry));
    if (kafkaConfig != null) {
      Properties extra = new Properties();
      try (InputStream in = Files.newInputStream(kafkaConfig)) {
        extra.load(in);
      }
      extra.forEach((k, v) -> config.put(k.toString(), v));
    }
    return config;
  }
}
