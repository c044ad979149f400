package org.leukostream.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A service's own {@code @ConfigMapping} read outside Quarkus (the demo, benchmarks, tests that
 * build a topology without the service) by SmallRye Config, as the service reads it: its {@code
 * application.properties} (defaults, {@code ${...}} expressions, Quarkus' duration syntax, quoted
 * map keys) with the caller's overrides over it. Environment variables and system properties are
 * not read, so a run does not depend on the shell it starts in; profile lines are not applied.
 */
public final class ServiceSettings {
  private ServiceSettings() {}

  /**
   * Every setting of {@code application} (e.g. {@code leukostream-detector}), {@code overrides}
   * over its own, with {@code mappings} registered.
   */
  public static SmallRyeConfig config(
      String application, Properties overrides, Class<?>... mappings) {
    Properties own = ServiceProperties.load(ServiceSettings.class.getClassLoader(), application);
    SmallRyeConfigBuilder builder =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .withSources(new PropertiesConfigSource(map(own), application + " application", 250))
            .withSources(new PropertiesConfigSource(map(overrides), "overrides", 400))
            .withConverter(Duration.class, 200, new DurationConverter())
            .withValidateUnknown(false);
    for (Class<?> mapping : mappings) {
      builder.withMapping(mapping);
    }
    return builder.build();
  }

  /** The mapping {@code type} of {@code application}, {@code overrides} over its own settings. */
  public static <T> T load(Class<T> type, String application, Properties overrides) {
    return config(application, overrides, type).getConfigMapping(type);
  }

  private static Map<String, String> map(Properties p) {
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(name -> out.put(name, p.getProperty(name)));
    return out;
  }
}
