package org.leukostream.ehr.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.leukostream.config.ServiceSettings;
import org.leukostream.ehr.delivery.ClientCredentials;

/** The FHIR server's token settings as the service reads them (SmallRye Config, its mapping). */
class BridgeConfigTest {
  @TempDir Path dir;

  private static BridgeConfig load(Properties overrides) {
    return ServiceSettings.load(BridgeConfig.class, "leukostream-ehr-bridge", overrides);
  }

  @Test
  void oauthSettingsMakeTokensComeFromTheTokenEndpoint() throws Exception {
    Path secret = Files.writeString(dir.resolve("client-secret"), "s3cret");
    Properties p = new Properties();
    p.setProperty("leukostream.ehr.server.base-url", "https://fhir.example.org/r4");
    p.setProperty("leukostream.ehr.server.oauth.token-url", "https://ehr.example.org/oauth2/token");
    p.setProperty("leukostream.ehr.server.oauth.client-id", "leukostream");
    p.setProperty("leukostream.ehr.server.oauth.client-secret-file", secret.toString());

    assertThat(load(p).server().accessTokens()).isInstanceOf(ClientCredentials.class);
  }

  @Test
  void withoutOauthTheTokenFileIsReadAtEveryRequest() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), "first\n");
    Properties p = new Properties();
    p.setProperty("leukostream.ehr.server.bearer-token-file", token.toString());
    var tokens = load(p).server().accessTokens();

    assertThat(tokens.current()).contains("first");
    Files.writeString(token, "rotated\n");
    assertThat(tokens.current()).contains("rotated");
  }

  @Test
  void oauthWithBothASecretAndAKeyIsRefused() {
    Properties p = new Properties();
    p.setProperty("leukostream.ehr.server.oauth.token-url", "https://ehr.example.org/oauth2/token");
    p.setProperty("leukostream.ehr.server.oauth.client-id", "leukostream");
    p.setProperty("leukostream.ehr.server.oauth.client-secret-file", "/s");
    p.setProperty("leukostream.ehr.server.oauth.private-key-file", "/k");

    assertThatThrownBy(() -> load(p).server().accessTokens()).hasMessageContaining("exactly one");
  }
}
