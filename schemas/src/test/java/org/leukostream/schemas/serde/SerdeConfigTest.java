package org.leukostream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The serde settings a service's code builds its serdes from, read from its configuration. */
class SerdeConfigTest {

  @Test
  void aServicesRegistrySettingsUnderItsPrefixCredentialsIncludedReachItsSerdes() {
    Map<String, String> config =
        Map.of(
            "kafka-streams.schema.registry.url", "https://registry:8081",
            "kafka-streams.basic.auth.user.info", "svc:secret",
            "kafka-streams.schema.registry.request.timeout.ms", "2500",
            "kafka-streams.auto.register.schemas", "false",
            "mp.messaging.connector.smallrye-kafka.basic.auth.user.info", "other:secret",
            "kafka-streams.unrelated", "x");

    Map<String, Object> settings =
        SerdeConfig.settings(
            SerdeConfig.STREAMS_PREFIX, key -> Optional.ofNullable(config.get(key)));

    assertThat(settings)
        .containsOnlyKeys(
            SerdeConfig.SCHEMA_REGISTRY_URL,
            SerdeConfig.BASIC_AUTH_USER_INFO,
            SerdeConfig.REQUEST_TIMEOUT_MS,
            SerdeConfig.AUTO_REGISTER_SCHEMAS);
    SerdeConfig serde = SerdeConfig.from(settings);
    assertThat(serde)
        .isEqualTo(
            new SerdeConfig(
                "https://registry:8081", false, "svc:secret", Duration.ofMillis(2500), null));
  }

  @Test
  void blankSettingsAreLeftOut() {
    Map<String, Object> settings =
        SerdeConfig.settings(
            SerdeConfig.MESSAGING_PREFIX,
            key ->
                key.endsWith(SerdeConfig.BASIC_AUTH_USER_INFO)
                    ? Optional.of("")
                    : key.endsWith(SerdeConfig.SCHEMA_REGISTRY_URL)
                        ? Optional.of("http://r:8081")
                        : Optional.empty());
    assertThat(settings).isEqualTo(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, "http://r:8081"));
  }
}
