package org.leukostream.schemas.serde;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.leukostream.schemas.registry.RegistryTrust;
import org.leukostream.schemas.registry.SchemaRegistries;
import org.leukostream.schemas.registry.SchemaRegistryClient;

/**
 * The serde settings, under the same keys as Confluent's serdes so that Kafka client, Kafka Streams
 * and SmallRye configuration can pass them through unchanged.
 *
 * @param registryUrl {@value #SCHEMA_REGISTRY_URL}: comma-separated base URLs, or {@code
 *     mock://<scope>}
 * @param autoRegister {@value #AUTO_REGISTER_SCHEMAS}: a serializer registers its schema (true, for
 *     development) or only looks it up (false, for clusters where schemas are registered by CI)
 * @param basicAuthUserInfo {@value #BASIC_AUTH_USER_INFO}: {@code user:password}, or null
 * @param requestTimeout {@value #REQUEST_TIMEOUT_MS}: limit for one registry request
 * @param trust {@value #TRUSTSTORE_LOCATION} (with its password and type): what an https registry's
 *     certificate is checked against; null: the JVM's default trust store
 */
public record SerdeConfig(
    String registryUrl,
    boolean autoRegister,
    String basicAuthUserInfo,
    Duration requestTimeout,
    RegistryTrust trust) {
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String SPECIFIC_KEY_TYPE = "specific.avro.key.type";
  public static final String SPECIFIC_VALUE_TYPE = "specific.avro.value.type";

  static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** Where the Quarkus messaging services set their Kafka clients' serde settings. */
  public static final String MESSAGING_PREFIX = "mp.messaging.connector.smallrye-kafka.";

  /** Where the Kafka Streams services set them. */
  public static final String STREAMS_PREFIX = "kafka-streams.";

  /** Every key a serde reads, as the services' configuration names them under a prefix. */
  public static final List<String> KEYS =
      List.of(
          SCHEMA_REGISTRY_URL,
          AUTO_REGISTER_SCHEMAS,
          BASIC_AUTH_USER_INFO,
          REQUEST_TIMEOUT_MS,
          TRUSTSTORE_LOCATION,
          TRUSTSTORE_PASSWORD,
          TRUSTSTORE_TYPE);

  /**
   * The serde settings a service configures under {@code prefix} (e.g. {@code kafka-streams.} or
   * {@code mp.messaging.connector.smallrye-kafka.}), registry credentials included, for the serdes
   * its code builds itself: the same settings its Kafka clients get.
   *
   * @param lookup a setting's value by its full name, empty when unset
   */
  public static Map<String, Object> settings(
      String prefix, Function<String, Optional<String>> lookup) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (String key : KEYS) {
      lookup.apply(prefix + key).filter(v -> !v.isBlank()).ifPresent(v -> out.put(key, v));
    }
    return out;
  }

  /** Reads the settings from a Kafka client configuration map. */
  public static SerdeConfig from(Map<String, ?> configs) {
    Object url = configs.get(SCHEMA_REGISTRY_URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException(
          "Missing '" + SCHEMA_REGISTRY_URL + "' in the serde configuration");
    }
    Object autoRegister = configs.get(AUTO_REGISTER_SCHEMAS);
    Object userInfo = configs.get(BASIC_AUTH_USER_INFO);
    Object timeout = configs.get(REQUEST_TIMEOUT_MS);
    Object trustStore = configs.get(TRUSTSTORE_LOCATION);
    Object trustPassword = configs.get(TRUSTSTORE_PASSWORD);
    Object trustType = configs.get(TRUSTSTORE_TYPE);
    return new SerdeConfig(
        url.toString(),
        autoRegister == null || Boolean.parseBoolean(autoRegister.toString()),
        userInfo == null ? null : userInfo.toString(),
        timeout == null
            ? DEFAULT_REQUEST_TIMEOUT
            : Duration.ofMillis(Long.parseLong(timeout.toString())),
        trustStore == null || trustStore.toString().isBlank()
            ? null
            : new RegistryTrust(
                Path.of(trustStore.toString()),
                trustPassword == null ? null : trustPassword.toString(),
                trustType == null ? null : trustType.toString()));
  }

  /** The shared registry client these settings name. */
  public SchemaRegistryClient client() {
    return SchemaRegistries.forUrl(registryUrl, basicAuthUserInfo, requestTimeout, trust);
  }
}
