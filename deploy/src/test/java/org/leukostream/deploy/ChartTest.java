package org.leukostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart, linted and rendered by real Helm for the default, CPU and GPU values; the objects
 * are read back as Kubernetes models and checked for what an SRE relies on.
 */
class ChartTest {
  static final List<String> SERVICES =
      List.of("detector", "classifier", "aggregator", "ehr-bridge", "review");

  /** Keys whose value must never be written into a manifest. */
  static final Pattern SECRET_PROPERTY =
      Pattern.compile(
          "(?m)^\\s*[\\w.\\-\"]*(password|jaas\\.config|secret-access-key|access-key-id|bearer-token"
              + "|user\\.info)=(.*)$");

  static Map<String, PodSpec> pods(Rendered rendered) {
    Map<String, PodSpec> pods = new LinkedHashMap<>();
    rendered
        .all(Deployment.class)
        .forEach(d -> pods.put(d.getMetadata().getName(), d.getSpec().getTemplate().getSpec()));
    rendered
        .all(StatefulSet.class)
        .forEach(s -> pods.put(s.getMetadata().getName(), s.getSpec().getTemplate().getSpec()));
    return pods;
  }

  static Container container(Rendered rendered, String component) {
    return pods(rendered).get(Rendered.name(component)).getContainers().get(0);
  }

  @Test
  void helmLintsTheChartStrictly() {
    LintResult lint = new Helm(Rendered.CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  /**
   * The aggregator forwards a case query, the bridge a sign-off, to the replica that owns the case:
   * with two replicas each must reach the other on its HTTP port, in and out. The detector and the
   * classifier talk to no replica of theirs.
   */
  @Test
  void replicasThatForwardToTheOwnerOfACaseMayReachEachOther() {
    Rendered rendered = Rendered.render("values.yaml");
    for (String component : SERVICES) {
      String name = Rendered.name(component);
      NetworkPolicy policy = rendered.named(NetworkPolicy.class, name).orElseThrow();
      Map<String, String> own = podLabels(rendered, name);
      int port = container(rendered, component).getPorts().get(0).getContainerPort();
      boolean in =
          policy.getSpec().getIngress().stream()
              .anyMatch(
                  rule ->
                      rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port)
                          && rule.getFrom().stream()
                              .anyMatch(
                                  peer ->
                                      peer.getNamespaceSelector() == null
                                          && peer.getPodSelector() != null
                                          && own.entrySet()
                                              .containsAll(
                                                  peer.getPodSelector()
                                                      .getMatchLabels()
                                                      .entrySet())));
      boolean out =
          policy.getSpec().getEgress().stream()
              .anyMatch(
                  rule ->
                      rule.getPorts().stream().anyMatch(p -> p.getPort().getIntVal() == port)
                          && rule.getTo().stream()
                              .anyMatch(
                                  peer ->
                                      peer.getPodSelector() != null
                                          && own.entrySet()
                                              .containsAll(
                                                  peer.getPodSelector()
                                                      .getMatchLabels()
                                                      .entrySet())));
      boolean forwards = component.equals("aggregator") || component.equals("ehr-bridge");
      assertThat(in).as(component + " replicas reach it").isEqualTo(forwards);
      assertThat(out).as(component + " reaches its replicas").isEqualTo(forwards);
    }
  }

  static String properties(Rendered rendered, String component) {
    return rendered
        .named(ConfigMap.class, Rendered.name(component))
        .orElseThrow()
        .getData()
        .get("application.properties");
  }

  static List<String> egressBlocks(Rendered rendered, String component) {
    return rendered
        .named(NetworkPolicy.class, Rendered.name(component))
        .orElseThrow()
        .getSpec()
        .getEgress()
        .stream()
        .flatMap(rule -> rule.getTo().stream())
        .filter(peer -> peer.getIpBlock() != null)
        .map(peer -> peer.getIpBlock().getCidr())
        .toList();
  }

  /**
   * Installed with its defaults, the chart signs only with a reviewer's token, talks to the
   * registry over TLS, reads no file:// claim check and lets no pod out to the internet.
   */
  @Test
  void theDefaultsAreTheSecureOnes() {
    Rendered rendered = Rendered.render("values.yaml");
    assertThat(properties(rendered, "ehr-bridge"))
        .contains("leukostream.sign.oidc=true")
        .contains("quarkus.oidc.auth-server-url=https://")
        .contains("quarkus.http.auth.permission.sign.policy=reviewer");
    for (String component : SERVICES) {
      assertThat(properties(rendered, component))
          .as(component)
          .contains("registry.url=https://")
          .doesNotContain("registry.url=http://")
          .doesNotContain("file-root");
      assertThat(egressBlocks(rendered, component))
          .as(component + " egress to addresses")
          .isEmpty();
    }
  }

  @Test
  void anInsecureChoiceMustBeSaidOutLoudAndEgressGoesOnlyWhereItIsSent() {
    assertThatThrownBy(
            () ->
                Rendered.render(
                    "values.yaml", Map.of("schemaRegistry.url", "http://registry:8081")))
        .hasMessageContaining("is plain http");
    assertThat(
            properties(
                Rendered.render(
                    "values.yaml",
                    Map.of(
                        "schemaRegistry.url",
                        "http://registry:8081",
                        "schemaRegistry.allowPlaintext",
                        true)),
                "detector"))
        .contains("schema.registry.url=http://registry:8081");
    assertThatThrownBy(
            () -> Rendered.render("values.yaml", Map.of("ehrBridge.oidc.authServerUrl", "")))
        .hasMessageContaining("needs ehrBridge.oidc.authServerUrl");
    assertThat(
            properties(
                Rendered.render("values.yaml", Map.of("ehrBridge.oidc.enabled", false)),
                "ehr-bridge"))
        .doesNotContain("leukostream.sign.oidc=true");

    Rendered sent =
        Rendered.render(
            "values.yaml",
            Map.of("ehrBridge.egressCidr", "10.30.0.0/16", "detector.egressCidr", "10.20.0.0/16"));
    assertThat(egressBlocks(sent, "ehr-bridge")).containsExactly("10.30.0.0/16");
    assertThat(egressBlocks(sent, "detector")).containsExactly("10.20.0.0/16");
    assertThat(egressBlocks(sent, "classifier")).isEmpty();
    assertThatThrownBy(
            () -> Rendered.render("values.yaml", Map.of("detector.egressCidr", "anywhere")))
        .hasMessageContaining("egressCidr");
  }

  /**
   * Reading a case needs a reader's token by default; with a certificate the aggregator serves
   * HTTPS only, its probes follow, and a query forwarded between replicas goes over TLS trusting
   * the Secret's CA.
   */
  @Test
  void readingACaseNeedsAReadersTokenAndReplicasTalkHttpsWhenGivenACertificate() {
    Rendered defaults = Rendered.render("values.yaml");
    assertThat(properties(defaults, "aggregator"))
        .contains("leukostream.read.oidc=true")
        .contains("quarkus.oidc.auth-server-url=https://")
        .contains("quarkus.oidc.token.audience=leukostream-aggregator")
        .contains("quarkus.http.auth.permission.read.policy=viewer")
        .doesNotContain("forwarding.scheme=https");
    assertThat(container(defaults, "aggregator").getReadinessProbe().getHttpGet().getScheme())
        .isEqualTo("HTTP");
    assertThat(
            properties(
                Rendered.render("values.yaml", Map.of("aggregator.oidc.enabled", false)),
                "aggregator"))
        .doesNotContain("leukostream.read.oidc=true");

    Rendered tls =
        Rendered.render(
            "values.yaml",
            Map.of(
                "aggregator.tls.secretName",
                "aggregator-tls",
                "aggregator.egressCidr",
                "10.40.0.0/16"));
    assertThat(properties(tls, "aggregator"))
        .contains("quarkus.http.insecure-requests=disabled")
        .contains("leukostream.aggregator.forwarding.scheme=https")
        .contains(
            "leukostream.aggregator.forwarding.trusted-certificates=/etc/leukostream/tls/ca.crt");
    Container aggregator = container(tls, "aggregator");
    assertThat(aggregator.getEnv())
        .as("the aggregator checks reopenings against the bridge's seal")
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("LEUKOSTREAM_SIGNOFF_SEAL_KEY");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("seal-key");
            });
    assertThat(aggregator.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(aggregator.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(aggregator.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/leukostream/tls"));
    assertThat(pods(tls).get(Rendered.name("aggregator")).getVolumes())
        .filteredOn(v -> v.getName().equals("tls"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("aggregator-tls"));
    assertThat(container(tls, "ehr-bridge").getReadinessProbe().getHttpGet().getScheme())
        .isEqualTo("HTTP");
    Rendered bridgeTls =
        Rendered.render("values.yaml", Map.of("ehrBridge.tls.secretName", "bridge-tls"));
    assertThat(properties(bridgeTls, "ehr-bridge"))
        .contains("quarkus.http.insecure-requests=disabled")
        .contains("leukostream.ehr.forwarding.scheme=https")
        .contains("leukostream.ehr.forwarding.trusted-certificates=/etc/leukostream/tls/ca.crt");
    assertThat(container(bridgeTls, "ehr-bridge").getLivenessProbe().getHttpGet().getScheme())
        .isEqualTo("HTTPS");
    assertThat(pods(bridgeTls).get(Rendered.name("ehr-bridge")).getVolumes())
        .filteredOn(v -> v.getName().equals("tls"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("bridge-tls"));
    assertThat(egressBlocks(tls, "aggregator")).containsExactly("10.40.0.0/16");
    assertThatThrownBy(
            () ->
                Rendered.render(
                    "values.yaml",
                    Map.of("aggregator.oidc.authServerUrl", "http://keycloak/realms/lab")))
        .hasMessageContaining("aggregator.oidc.enabled needs");
  }

  /** A registry behind a private CA: every serde of every service trusts the mounted store. */
  @Test
  void aRegistryTrustStoreReachesEverySerdeOfEveryService() {
    Rendered rendered =
        Rendered.render(
            "values.yaml", Map.of("schemaRegistry.tls.truststoreSecret", "registry-ca"));
    for (String component : SERVICES) {
      assertThat(properties(rendered, component))
          .as(component)
          .contains("schema.registry.ssl.truststore.location=/etc/leukostream/registry-ca/ca.p12")
          .contains(
              "schema.registry.ssl.truststore.password=${SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD}");
      Container container = container(rendered, component);
      assertThat(container.getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD");
                assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("registry-ca");
              });
      assertThat(container.getVolumeMounts())
          .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/leukostream/registry-ca"));
    }
    assertThat(properties(Rendered.render("values.yaml"), "detector"))
        .doesNotContain("schema.registry.ssl.truststore");
  }

  /** OAuth client credentials: the key (or secret) is a mounted file, the settings say which. */
  @Test
  void fhirTokensFromTheEhrsTokenEndpointUseAMountedKey() {
    Rendered rendered =
        Rendered.render(
            "values.yaml",
            Map.of(
                "ehrBridge.fhir.baseUrl", "https://fhir.example.org/r4",
                "ehrBridge.fhir.oauth.tokenUrl", "https://ehr.example.org/oauth2/token",
                "ehrBridge.fhir.oauth.clientId", "leukostream",
                "ehrBridge.fhir.oauth.keyId", "key-1",
                "ehrBridge.fhir.oauth.secretName", "fhir-oauth"));
    assertThat(properties(rendered, "ehr-bridge"))
        .contains("leukostream.ehr.server.oauth.token-url=https://ehr.example.org/oauth2/token")
        .contains(
            "leukostream.ehr.server.oauth.private-key-file=/deployments/secrets/fhir-oauth/private-key.pem")
        .contains("leukostream.ehr.server.oauth.key-id=key-1")
        .doesNotContain("client-secret-file");
    assertThat(pods(rendered).get(Rendered.name("ehr-bridge")).getVolumes())
        .filteredOn(v -> v.getName().equals("fhir-oauth"))
        .singleElement()
        .satisfies(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("fhir-oauth"));
    assertThatThrownBy(
            () ->
                Rendered.render(
                    "values.yaml",
                    Map.of(
                        "ehrBridge.fhir.oauth.tokenUrl", "https://ehr.example.org/oauth2/token")))
        .hasMessageContaining("needs clientId and secretName");
    assertThatThrownBy(
            () ->
                Rendered.render(
                    "values.yaml",
                    Map.of("ehrBridge.fhir.oauth.tokenUrl", "http://ehr.example.org/token")))
        .hasMessageContaining("tokenUrl");
  }

  /** A rotated FHIR token reaches the bridge without a restart: a Secret file, not a variable. */
  @Test
  void theFhirTokenIsAFileTheKubeletRefreshes() {
    Rendered rendered =
        Rendered.render(
            "values.yaml",
            Map.of(
                "ehrBridge.fhir.baseUrl",
                "https://fhir.example.org/r4",
                "ehrBridge.fhir.tokenSecret",
                "fhir-token"));
    assertThat(properties(rendered, "ehr-bridge"))
        .contains("leukostream.ehr.server.bearer-token-file=/deployments/secrets/fhir/token");
    PodSpec pod = pods(rendered).get(Rendered.name("ehr-bridge"));
    assertThat(pod.getVolumes())
        .filteredOn(v -> v.getName().equals("fhir-token"))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.getSecret().getSecretName()).isEqualTo("fhir-token");
              assertThat(v.getSecret().getItems().get(0).getPath()).isEqualTo("token");
            });
    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/deployments/secrets/fhir"));
    assertThat(pod.getContainers().get(0).getEnv())
        .noneSatisfy(e -> assertThat(e.getName()).contains("FHIR"));
  }

  @Test
  void withOidcOnlyAReviewersTokenForTheBridgeMaySign() {
    Rendered rendered =
        Rendered.render(
            "values.yaml",
            Map.of(
                "ehrBridge.oidc.enabled",
                true,
                "ehrBridge.oidc.authServerUrl",
                "https://idp.example.org/realms/lab"));
    assertThat(
            rendered
                .named(ConfigMap.class, Rendered.name("ehr-bridge"))
                .orElseThrow()
                .getData()
                .get("application.properties"))
        .contains("leukostream.sign.oidc=true")
        .contains("quarkus.oidc.token.audience=leukostream-ehr-bridge")
        .contains("quarkus.http.auth.policy.reviewer.roles-allowed=reviewer")
        .contains("quarkus.http.auth.permission.sign.policy=reviewer")
        .doesNotContain("sign.policy=authenticated");
    assertThat(container(rendered, "ehr-bridge").getEnv())
        .as("the sign-off seal key comes from a Secret, never the ConfigMap")
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("LEUKOSTREAM_SIGNOFF_SEAL_KEY");
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("leukostream-ehr-bridge-signoff");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("seal-key");
            });
  }

  static Map<String, String> podLabels(Rendered rendered, String name) {
    return rendered
        .named(Deployment.class, name)
        .map(d -> d.getSpec().getTemplate().getMetadata().getLabels())
        .or(
            () ->
                rendered
                    .named(StatefulSet.class, name)
                    .map(st -> st.getSpec().getTemplate().getMetadata().getLabels()))
        .orElseThrow();
  }

  @ParameterizedTest
  @ValueSource(strings = {"values.yaml", "values-cpu.yaml", "values-gpu.yaml"})
  void everyServiceRunsNonRootWithProbesResourcesADisruptionBudgetAndANetworkPolicy(String values) {
    Rendered rendered = Rendered.render(values);

    Map<String, PodSpec> pods = pods(rendered);
    assertThat(pods.keySet())
        .containsExactlyInAnyOrderElementsOf(SERVICES.stream().map(Rendered::name).toList());
    assertThat(rendered.named(StatefulSet.class, Rendered.name("aggregator")))
        .get()
        .satisfies(
            s ->
                assertThat(s.getSpec().getVolumeClaimTemplates())
                    .singleElement()
                    .satisfies(
                        pvc ->
                            assertThat(pvc.getSpec().getResources().getRequests().get("storage"))
                                .isEqualTo(new Quantity("10Gi"))));
    pods.forEach(
        (name, pod) -> {
          assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(name).isTrue();
          assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isPositive();
          Container c = pod.getContainers().get(0);
          assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(name).isFalse();
          assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
          assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(name).contains("ALL");
          assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
          assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
          assertThat(c.getResources().getRequests()).as(name).containsKeys("cpu", "memory");
          assertThat(c.getResources().getLimits()).as(name).containsKeys("cpu", "memory");
          assertThat(c.getVolumeMounts())
              .as(name + " reads its application.properties from the ConfigMap")
              .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/deployments/config"));
          int port = c.getPorts().get(0).getContainerPort();
          assertThat(rendered.named(Service.class, name))
              .as(name + " service")
              .get()
              .satisfies(s -> assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(port));
          assertThat(rendered.named(PodDisruptionBudget.class, name)).as(name + " PDB").isPresent();
          assertThat(rendered.named(NetworkPolicy.class, name))
              .as(name + " network policy")
              .get()
              .satisfies(
                  p -> {
                    assertThat(p.getSpec().getPolicyTypes()).contains("Ingress", "Egress");
                    assertThat(
                            p.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal())
                        .isEqualTo(port);
                  });
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"values.yaml", "values-cpu.yaml", "values-gpu.yaml"})
  void noSecretValueIsInClear(String values) {
    Rendered rendered = Rendered.render(values);

    assertThat(rendered.all(Secret.class)).as("the chart only references Secrets").isEmpty();
    for (ConfigMap map : rendered.all(ConfigMap.class)) {
      String properties = map.getData().get("application.properties");
      var secret = SECRET_PROPERTY.matcher(properties);
      int found = 0;
      while (secret.find()) {
        found++;
        assertThat(secret.group(2))
            .as("%s: %s", map.getMetadata().getName(), secret.group(0).trim())
            .matches("\\$\\{[A-Z_]+:?}");
      }
      assertThat(found)
          .as("%s has SASL and registry credentials", map.getMetadata().getName())
          .isGreaterThanOrEqualTo(2);
    }
    pods(rendered)
        .forEach(
            (name, pod) -> {
              for (EnvVar env : pod.getContainers().get(0).getEnv()) {
                if (env.getName()
                    .matches(".*(PASSWORD|JAAS|TOKEN|SECRET|USER_INFO|ACCESS_KEY).*")) {
                  assertThat(env.getValue()).as("%s %s", name, env.getName()).isNull();
                  assertThat(env.getValueFrom().getSecretKeyRef()).as(env.getName()).isNotNull();
                }
              }
            });
  }

  @Test
  void theGpuValuesPutTheClassifierOnGpuNodesScaledByKedaOnCropLag() {
    Rendered rendered = Rendered.render("values-gpu.yaml");

    PodSpec pod = pods(rendered).get(Rendered.name("classifier"));
    Container classifier = pod.getContainers().get(0);
    assertThat(classifier.getResources().getLimits().get("nvidia.com/gpu"))
        .isEqualTo(new Quantity("1"));
    assertThat(classifier.getImage()).endsWith(":0.1.0-cuda");
    assertThat(pod.getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
    assertThat(pod.getTolerations())
        .anySatisfy(t -> assertThat(t.getKey()).isEqualTo("nvidia.com/gpu"));
    assertThat(
            rendered
                .named(ConfigMap.class, Rendered.name("classifier"))
                .orElseThrow()
                .getData()
                .get("application.properties"))
        .contains("leukostream.classifier.device=cuda");
    for (String other : List.of("detector", "aggregator", "ehr-bridge")) {
      assertThat(container(rendered, other).getResources().getLimits())
          .doesNotContainKey("nvidia.com/gpu");
    }

    GenericKubernetesResource scaler = rendered.custom("ScaledObject").get(0);
    Map<String, Object> spec = scaler.get("spec");
    assertThat(scaler.<String>get("spec", "scaleTargetRef", "name"))
        .isEqualTo(Rendered.name("classifier"));
    @SuppressWarnings("unchecked")
    Map<String, Object> trigger = ((List<Map<String, Object>>) spec.get("triggers")).get(0);
    assertThat(trigger).containsEntry("type", "kafka");
    @SuppressWarnings("unchecked")
    Map<String, Object> metadata = (Map<String, Object>) trigger.get("metadata");
    assertThat(metadata)
        .containsEntry("topic", "cell.crops.v1")
        .containsEntry("consumerGroup", "leukostream-classifier")
        .containsEntry("lagThreshold", "2048")
        .containsEntry("activationLagThreshold", "64")
        .containsEntry("excludePersistentLag", "true");
    int partitions = partitions(rendered, "cell.crops.v1");
    assertThat(((Number) spec.get("maxReplicaCount")).intValue())
        .isBetween(((Number) spec.get("minReplicaCount")).intValue(), partitions);
    assertThat(rendered.all(HorizontalPodAutoscaler.class)).isEmpty();
    assertThat(rendered.named(Deployment.class, Rendered.name("classifier")))
        .get()
        .satisfies(d -> assertThat(d.getSpec().getReplicas()).as("left to KEDA").isNull());
  }

  @Test
  void theCpuValuesUseNoGpuAndFallBackToAnHpa() {
    Rendered rendered = Rendered.render("values-cpu.yaml");

    assertThat(container(rendered, "classifier").getResources().getLimits())
        .doesNotContainKey("nvidia.com/gpu");
    assertThat(container(rendered, "classifier").getImage()).endsWith(":0.1.0");
    assertThat(pods(rendered).get(Rendered.name("classifier")).getNodeSelector()).isNullOrEmpty();
    assertThat(rendered.custom("ScaledObject")).isEmpty();
    HorizontalPodAutoscaler hpa = rendered.all(HorizontalPodAutoscaler.class).get(0);
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(Rendered.name("classifier"));
    assertThat(hpa.getSpec().getMaxReplicas())
        .isLessThanOrEqualTo(partitions(rendered, "cell.crops.v1"));
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
  }

  @Test
  void theDefaultValuesScaleOnLagWithoutGpusAndDefineEveryTopicWithItsDeadLetters() {
    Rendered rendered = Rendered.render(null);

    assertThat(rendered.custom("ScaledObject")).hasSize(1);
    assertThat(container(rendered, "classifier").getResources().getLimits())
        .doesNotContainKey("nvidia.com/gpu");
    List<GenericKubernetesResource> topics = rendered.custom("KafkaTopic");
    assertThat(topics)
        .extracting(t -> t.<String>get("spec", "topicName"))
        .containsExactlyInAnyOrder(
            "slide.fields.v1",
            "case.events.v1",
            "cell.crops.v1",
            "field.results.v1",
            "cell.labels.v1",
            "cell.reviews.v1",
            "diagnoses.v1",
            "fhir.reports.v1",
            "slide.fields.dlq",
            "cell.crops.dlq",
            "aggregator.dlq",
            "fhir.reports.dlq");
    for (GenericKubernetesResource topic : topics) {
      assertThat(topic.getMetadata().getLabels()).containsKey("strimzi.io/cluster");
      assertThat(topic.<String>get("spec", "config", "max.message.bytes")).matches("\\d+");
      assertThat(topic.<String>get("spec", "config", "retention.ms")).matches("\\d+");
    }
    // A dead-letter record carries the refused record whole: its topic takes a larger message.
    assertThat(
            Long.parseLong(
                topic(rendered, "slide.fields.dlq").get("spec", "config", "max.message.bytes")))
        .isGreaterThan(
            Long.parseLong(
                topic(rendered, "slide.fields.v1").get("spec", "config", "max.message.bytes")));
  }

  @Test
  void valuesOutsideTheSchemaOrMoreReplicasThanPartitionsAreRefused() {
    assertThatThrownBy(() -> Rendered.render(null, Map.of("classifier.device", "tpu")))
        .hasMessageContaining("device");
    assertThatThrownBy(
            () -> Rendered.render(null, Map.of("kafka.securityProtocol", "SASL_PLAINTEXT")))
        .hasMessageContaining("securityProtocol");
    assertThatThrownBy(
            () -> Rendered.render(null, Map.of("classifier.autoscaling.maxReplicas", "48")))
        .hasMessageContaining("exceeds the 24 partitions of cell.crops.v1");
  }

  /**
   * With the default SASL_SSL values KEDA can read the classifier's lag: a TriggerAuthentication
   * from the same Secrets (CA as PEM, the SCRAM password, the user name from the classifier's env),
   * the trigger says scram_sha512 over TLS and names it, and a fallback holds replicas when the lag
   * cannot be read.
   */
  @Test
  @SuppressWarnings("unchecked")
  void kedaReadsTheLagWithTheServicesCredentialsOverScramAndFallsBackWhenItCannot() {
    Rendered rendered = Rendered.render(null);

    GenericKubernetesResource auth = rendered.custom("TriggerAuthentication").get(0);
    assertThat(auth.getMetadata().getName()).isEqualTo(Rendered.name("classifier") + "-kafka");
    List<Map<String, Object>> secrets = auth.get("spec", "secretTargetRef");
    assertThat(secrets)
        .extracting(s -> s.get("parameter") + "=" + s.get("name") + "/" + s.get("key"))
        .containsExactlyInAnyOrder(
            "ca=leukostream-cluster-ca-cert/ca.crt", "password=leukostream-kafka-user/password");
    List<Map<String, Object>> env = auth.get("spec", "env");
    assertThat(env)
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .containsEntry("parameter", "username")
                    .containsEntry("name", "KAFKA_SASL_USERNAME")
                    .containsEntry("containerName", "classifier"));
    assertThat(container(rendered, "classifier").getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KAFKA_SASL_USERNAME");
              assertThat(e.getValue()).isEqualTo("leukostream-kafka-user");
            });

    GenericKubernetesResource scaler = rendered.custom("ScaledObject").get(0);
    Map<String, Object> trigger =
        ((List<Map<String, Object>>) scaler.get("spec", "triggers")).get(0);
    assertThat((Map<String, Object>) trigger.get("metadata"))
        .containsEntry("sasl", "scram_sha512")
        .containsEntry("tls", "enable");
    assertThat((Map<String, Object>) trigger.get("authenticationRef"))
        .containsEntry("name", Rendered.name("classifier") + "-kafka");
    assertThat(((Number) scaler.get("spec", "fallback", "replicas")).intValue()).isEqualTo(2);
    assertThat(((Number) scaler.get("spec", "fallback", "failureThreshold")).intValue())
        .isEqualTo(3);

    // mTLS: the user's certificate and key instead of a password; no SASL.
    Rendered mtls =
        Rendered.render(
            null,
            Map.of(
                "kafka.securityProtocol", "SSL", "kafka.tls.keystoreSecret", "leukostream-user"));
    List<Map<String, Object>> tls =
        mtls.custom("TriggerAuthentication").get(0).get("spec", "secretTargetRef");
    assertThat(tls)
        .extracting(s -> s.get("parameter") + "=" + s.get("name") + "/" + s.get("key"))
        .containsExactlyInAnyOrder(
            "ca=leukostream-cluster-ca-cert/ca.crt",
            "cert=leukostream-user/user.crt",
            "key=leukostream-user/user.key");
    Map<String, Object> tlsTrigger =
        ((List<Map<String, Object>>) mtls.custom("ScaledObject").get(0).get("spec", "triggers"))
            .get(0);
    assertThat((Map<String, Object>) tlsTrigger.get("metadata"))
        .containsEntry("tls", "enable")
        .doesNotContainKey("sasl");

    // Your own TriggerAuthentication: none rendered, yours named.
    Rendered own =
        Rendered.render(
            null, Map.of("classifier.autoscaling.keda.authenticationRef", "platform-kafka-auth"));
    assertThat(own.custom("TriggerAuthentication")).isEmpty();
    assertThat(
            (Map<String, Object>)
                ((List<Map<String, Object>>)
                        own.custom("ScaledObject").get(0).get("spec", "triggers"))
                    .get(0)
                    .get("authenticationRef"))
        .containsEntry("name", "platform-kafka-auth");

    // What KEDA could not log in with is refused at render time.
    assertThatThrownBy(() -> Rendered.render(null, Map.of("kafka.sasl.username", "")))
        .hasMessageContaining("kafka.sasl.username");
    assertThatThrownBy(() -> Rendered.render(null, Map.of("kafka.sasl.mechanism", "OAUTHBEARER")))
        .hasMessageContaining("authenticationRef");
    assertThatThrownBy(
            () ->
                Rendered.render(
                    null, Map.of("classifier.autoscaling.keda.fallback.replicas", "30")))
        .hasMessageContaining("fallback.replicas");
  }

  /**
   * With kafka.users.create each service gets a Strimzi KafkaUser whose ACLs cover what its own
   * application.properties reads and writes (channels' topics and groups, Kafka Streams' input
   * topics, application id, internal topics and transactional ids, dead-letter topics, the
   * aggregator's watermark over the upstream groups), and reads that user's Secret.
   */
  @Test
  void kafkaUsersGrantEachServiceWhatItsConfigurationReadsAndWrites() throws IOException {
    Rendered rendered = Rendered.render(null, Map.of("kafka.users.create", "true"));

    Map<String, GenericKubernetesResource> users = new LinkedHashMap<>();
    rendered.custom("KafkaUser").forEach(u -> users.put(u.getMetadata().getName(), u));
    assertThat(users).hasSize(SERVICES.size());
    Map<String, List<String>> outputsInCode =
        Map.of(
            "aggregator",
            List.of("diagnoses.v1"),
            "ehr-bridge",
            List.of("fhir.reports.v1"),
            "review",
            List.of("cell.reviews.v1"));
    for (String component : SERVICES) {
      GenericKubernetesResource user = users.get(Rendered.name(component));
      assertThat(user).as(component).isNotNull();
      assertThat(user.getMetadata().getNamespace()).isEqualTo("kafka");
      assertThat(user.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "leukostream");
      assertThat(user.<String>get("spec", "authentication", "type")).isEqualTo("scram-sha-512");
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> acls = user.get("spec", "authorization", "acls");
      Properties config = new Properties();
      try (var in =
          java.nio.file.Files.newBufferedReader(
              Rendered.ROOT.resolve(
                  "services/" + component + "/src/main/resources/application.properties"))) {
        config.load(in);
      }
      List<String[]> needed = new java.util.ArrayList<>();
      for (String key : config.stringPropertyNames()) {
        String value = config.getProperty(key).trim();
        if (key.startsWith("%")) {
          continue; // test and dev profiles
        }
        if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
          needed.add(new String[] {"topic", value, "Read"});
        } else if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id")) {
          needed.add(new String[] {"group", value, "Read"});
        } else if (key.matches("mp\\.messaging\\.outgoing\\.[^.]+\\.topic")
            || key.endsWith("dead-letter.topic")) {
          needed.add(new String[] {"topic", value, "Write"});
        } else if (key.equals("quarkus.kafka-streams.topics")) {
          for (String topic : value.split(",")) {
            needed.add(new String[] {"topic", topic.trim(), "Read"});
          }
        } else if (key.equals("quarkus.kafka-streams.application-id")) {
          needed.add(new String[] {"group", value, "Read"});
          needed.add(new String[] {"topic", value + "-repartition", "Create"});
          needed.add(new String[] {"topic", value + "-store-changelog", "Write"});
          needed.add(new String[] {"transactionalId", value + "-0_0", "Write"});
        } else if (key.matches("leukostream\\.aggregator\\.upstream\\.stages\\[\\d+]\\.group")) {
          needed.add(new String[] {"group", value, "Describe"});
        } else if (key.matches("leukostream\\.aggregator\\.upstream\\.stages\\[\\d+]\\.topics")) {
          needed.add(new String[] {"topic", value, "Describe"});
        }
      }
      outputsInCode
          .getOrDefault(component, List.of())
          .forEach(t -> needed.add(new String[] {"topic", t, "Write"}));
      assertThat(needed).as(component + " reads and writes something").hasSizeGreaterThan(3);
      for (String[] need : needed) {
        assertThat(acls)
            .as("%s needs %s on %s %s", component, need[2], need[0], need[1])
            .anySatisfy(acl -> assertThat(grants(acl, need[0], need[1], need[2])).isTrue());
      }
      assertThat(acls)
          .as("no wildcard")
          .allSatisfy(acl -> assertThat(acl.toString()).doesNotContain("name=*"));
      if (!component.equals("detector")) {
        continue;
      }
      assertThat(container(rendered, component).getEnv())
          .anySatisfy(
              e -> {
                assertThat(e.getName()).isEqualTo("KAFKA_SASL_JAAS_CONFIG");
                assertThat(e.getValueFrom().getSecretKeyRef().getName())
                    .isEqualTo(Rendered.name(component));
              });
    }
    // The detector may not read what the classifier reads: least privilege, not one shared user.
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> detector =
        users.get(Rendered.name("detector")).get("spec", "authorization", "acls");
    assertThat(detector)
        .noneSatisfy(acl -> assertThat(grants(acl, "topic", "cell.crops.v1", "Read")).isTrue());
    assertThatThrownBy(
            () ->
                Rendered.render(
                    null,
                    Map.of("kafka.users.create", "true", "kafka.securityProtocol", "PLAINTEXT")))
        .hasMessageContaining("kafka.users.create needs");
  }

  /** Whether a Strimzi ACL allows {@code operation} on the resource {@code type}/{@code name}. */
  @SuppressWarnings("unchecked")
  static boolean grants(Map<String, Object> acl, String type, String name, String operation) {
    Map<String, Object> resource = (Map<String, Object>) acl.get("resource");
    List<String> operations = (List<String>) acl.get("operations");
    if (!type.equals(resource.get("type"))) {
      return false;
    }
    String pattern = (String) resource.get("name");
    boolean matches =
        "prefix".equals(resource.get("patternType"))
            ? name.startsWith(pattern)
            : name.equals(pattern);
    return matches && (operations.contains(operation) || operations.contains("All"));
  }

  @Test
  void everyWorkloadHasItsOwnServiceAccountWithoutAnApiToken() {
    Rendered rendered = Rendered.render(null);

    Map<String, io.fabric8.kubernetes.api.model.ServiceAccount> accounts = new LinkedHashMap<>();
    rendered
        .all(io.fabric8.kubernetes.api.model.ServiceAccount.class)
        .forEach(a -> accounts.put(a.getMetadata().getName(), a));
    Map<String, PodSpec> pods = pods(rendered);
    assertThat(pods).hasSize(SERVICES.size());
    pods.forEach(
        (name, pod) -> {
          assertThat(pod.getServiceAccountName()).as(name).isEqualTo(name);
          assertThat(pod.getAutomountServiceAccountToken()).as(name).isFalse();
          assertThat(accounts.get(name)).as(name).isNotNull();
          assertThat(accounts.get(name).getAutomountServiceAccountToken()).as(name).isFalse();
        });
    assertThat(accounts).hasSameSizeAs(pods);
  }

  @Test
  void mutualTlsMountsTheUserKeystoreAndReadsItsPasswordFromTheSecret() {
    Rendered rendered =
        Rendered.render(
            null,
            Map.of(
                "kafka.securityProtocol", "SSL", "kafka.tls.keystoreSecret", "leukostream-user"));
    Container detector = container(rendered, "detector");
    assertThat(detector.getVolumeMounts())
        .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/leukostream/kafka-user"));
    assertThat(detector.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("KAFKA_KEYSTORE_PASSWORD");
              assertThat(e.getValueFrom().getSecretKeyRef().getName())
                  .isEqualTo("leukostream-user");
            });
    assertThat(
            rendered
                .named(ConfigMap.class, Rendered.name("detector"))
                .orElseThrow()
                .getData()
                .get("application.properties"))
        .contains(
            "kafka.security.protocol=SSL", "kafka.ssl.keystore.password=${KAFKA_KEYSTORE_PASSWORD}")
        .doesNotContain("sasl.jaas.config");
  }

  static GenericKubernetesResource topic(Rendered rendered, String name) {
    return rendered.custom("KafkaTopic").stream()
        .filter(t -> name.equals(t.get("spec", "topicName")))
        .findFirst()
        .orElseThrow();
  }

  static int partitions(Rendered rendered, String name) {
    return ((Number) topic(rendered, name).get("spec", "partitions")).intValue();
  }
}
