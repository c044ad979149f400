package org.leukostream.cli.pipeline;

import io.smallrye.config.SmallRyeConfig;
import java.util.Properties;
import org.leukostream.classifier.config.ClassifierConfig;
import org.leukostream.config.ServiceSettings;
import org.leukostream.detector.config.DetectorConfig;

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

  /** The {@code max.poll.records} of the service's incoming {@code channel}. */
  public int maxPollRecords(String channel) {
    return config.getValue("mp.messaging.incoming." + channel + ".max.poll.records", Integer.class);
  }

  static <T> ServiceConfigs<T> load(Class<T> mapping, String application, Properties overrides) {
    SmallRyeConfig config = ServiceSettings.config(application, overrides, mapping);
    return new ServiceConfigs<>(config.getConfigMapping(mapping), config);
  }
}
