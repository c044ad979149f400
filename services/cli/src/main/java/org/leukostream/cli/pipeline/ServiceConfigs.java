package org.leukostream.cli.pipeline;

import io.smallrye.config.SmallRyeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.classifier.core.ClassifierModels;
import org.leukostream.config.ServiceSettings;
import org.leukostream.detector.config.DetectorConfig;
import org.leukostream.training.data.HeldOut;
import org.leukostream.training.data.Tasks;

/**
 * A service's own settings mapping ({@link DetectorConfig}, {@link ClassifierConfig}) read outside
 * Quarkus by SmallRye Config, as the service reads it: the service's {@code application.properties}
 * (defaults, expressions, Quarkus' duration syntax) with the caller's overrides over it.
 * Environment and system properties are not read, so a demo run does not depend on the shell it
 * starts in.
 *
 * @param settings the typed mapping
 * @param config every setting of the service, for its messaging channels' client settings
 */
public record ServiceConfigs<T>(T settings, SmallRyeConfig config) {

  /** The detector service's settings, {@code overrides} over its own. */
  public static ServiceConfigs<DetectorConfig> detector(Properties overrides) {
    return load(DetectorConfig.class, "leukostream-detector", overrides);
  }

  /** The classifier service's settings, {@code overrides} over its own. */
  public static ServiceConfigs<ClassifierConfig> classifier(Properties overrides) {
    return load(ClassifierConfig.class, "leukostream-classifier", overrides);
  }

  /**
   * The held-out lists of the classifier's configured stages ({@code overrides} over its own
   * settings), by stage: each stage's first member's list, where its model ships one.
   */
  public static Map<String, HeldOut> classifierHeldOut(Properties overrides) {
    ClassifierConfig classifier = classifier(overrides).settings();
    Map<String, HeldOut> stages = new LinkedHashMap<>();
    for (String stage : Tasks.NAMES) {
      ClassifierModels.weights(classifier, stage)
          .flatMap(members -> HeldOut.of(members.keySet().iterator().next()))
          .ifPresent(h -> stages.put(stage, h));
    }
    return stages;
  }

  /**
   * The settings of a {@code --config} file (a properties file over the services' own settings,
   * e.g. other models); none for null.
   */
  public static Properties overrides(Path file) throws IOException {
    Properties p = new Properties();
    if (file != null) {
      try (var in = Files.newInputStream(file)) {
        p.load(in);
      }
    }
    return p;
  }

  /** The {@code max.poll.records} of the service's incoming {@code channel}. */
  public int maxPollRecords(String channel) {
    return config.getValue("mp.messaging.incoming." + channel + ".max.poll.records", Integer.class);
  }

  static <T> ServiceConfigs<T> load(Class<T> mapping, String application, Properties overrides) {
    SmallRyeConfig config = ServiceSettings.config(application, overrides, mapping);
    return new ServiceConfigs<>(config.getConfigMapping(mapping), config);
  }
}
