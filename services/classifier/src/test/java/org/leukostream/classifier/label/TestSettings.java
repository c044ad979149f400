package org.leukostream.classifier.label;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.leukostream.classifier.config.ClassifierConfig;

/** The service's settings mapping as SmallRye Config builds it: its own file, overrides over it. */
final class TestSettings {
  private TestSettings() {}

  static ClassifierConfig classifier(Properties overrides) {
    Properties own = new Properties();
    try (InputStream in = TestSettings.class.getResourceAsStream("/application.properties")) {
      own.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new SmallRyeConfigBuilder()
        .addDefaultInterceptors()
        .withSources(new PropertiesConfigSource(map(own), "application.properties", 250))
        .withSources(new PropertiesConfigSource(map(overrides), "overrides", 400))
        .withConverter(Duration.class, 200, new DurationConverter())
        .withMapping(ClassifierConfig.class)
        .withValidateUnknown(false)
        .build()
        .getConfigMapping(ClassifierConfig.class);
  }

  private static Map<String, String> map(Properties p) {
    Map<String, String> out = new HashMap<>();
    p.stringPropertyNames().forEach(name -> out.put(name, p.getProperty(name)));
    return out;
  }
}
