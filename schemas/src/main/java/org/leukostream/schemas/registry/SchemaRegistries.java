package org.leukostream.schemas.registry;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a registry URL into a client, one shared caching client per distinct setting in a JVM.
 * {@code mock://<scope>} gives the in-memory registry of that scope, shared by every serde of the
 * JVM that names it; {@code http(s)://a,http(s)://b} a REST client over those base URLs.
 */
public final class SchemaRegistries {
  public static final String MOCK_SCHEME = "mock://";

  private record Setting(String urls, String userInfo, Duration timeout, RegistryTrust trust) {}

  private static final Map<String, InMemorySchemaRegistry> MOCK_SCOPES = new ConcurrentHashMap<>();
  private static final Map<Setting, SchemaRegistryClient> CLIENTS = new ConcurrentHashMap<>();

  private SchemaRegistries() {}

  /**
   * The client for {@code urls} (comma-separated), with basic auth {@code user:password} or null,
   * and a time limit per request.
   */
  public static SchemaRegistryClient forUrl(String urls, String userInfo, Duration timeout) {
    return forUrl(urls, userInfo, timeout, null);
  }

  /**
   * The shared client for these settings, trusting {@code trust}'s certificates for an https
   * registry (null: the JVM's default trust store).
   */
  public static SchemaRegistryClient forUrl(
      String urls, String userInfo, Duration timeout, RegistryTrust trust) {
    if (urls == null || urls.isBlank()) {
      throw new IllegalArgumentException("No schema registry URL configured");
    }
    String trimmed = urls.trim();
    if (trimmed.startsWith(MOCK_SCHEME)) {
      return mockScope(trimmed.substring(MOCK_SCHEME.length()));
    }
    return CLIENTS.computeIfAbsent(
        new Setting(trimmed, userInfo, timeout, trust),
        s ->
            new CachingSchemaRegistryClient(
                new HttpSchemaRegistryClient(
                    split(s.urls()), s.userInfo(), s.timeout(), s.trust())));
  }

  /** The in-memory registry behind {@code mock://<scope>}, created on first use. */
  public static InMemorySchemaRegistry mockScope(String scope) {
    return MOCK_SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
  }

  /** Forgets a mock scope, so a later test that names it starts empty. */
  public static void dropMockScope(String scope) {
    MOCK_SCOPES.remove(scope);
  }

  private static List<String> split(String urls) {
    return Arrays.stream(urls.split(",")).map(String::trim).filter(u -> !u.isEmpty()).toList();
  }
}
