package org.leukostream.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chart rendered by real Helm ({@code helm template}) with one values file, parsed document by
 * document into fabric8's Kubernetes models (custom resources such as KEDA's ScaledObject and
 * Strimzi's KafkaTopic as generic resources).
 */
record Rendered(String yaml, List<HasMetadata> objects) {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path CHART = ROOT.resolve("helm").resolve("leukostream");
  static final String RELEASE = "leukostream";
  static final String NAMESPACE = "leukostream";
  static final String KUBE_VERSION = "1.30.0";

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final Map<String, Class<? extends HasMetadata>> KINDS =
      Map.ofEntries(
          Map.entry("Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
          Map.entry("StatefulSet", io.fabric8.kubernetes.api.model.apps.StatefulSet.class),
          Map.entry("Service", io.fabric8.kubernetes.api.model.Service.class),
          Map.entry("ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
          Map.entry("Secret", io.fabric8.kubernetes.api.model.Secret.class),
          Map.entry("ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
          Map.entry(
              "PodDisruptionBudget",
              io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
          Map.entry(
              "NetworkPolicy", io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
          Map.entry(
              "HorizontalPodAutoscaler",
              io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class));

  /** Renders the chart with {@code valuesFile} (a file of the chart folder, or null) and sets. */
  static Rendered render(String valuesFile, Map<String, Object> sets) {
    TemplateCommand template =
        new Helm(CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(CHART.resolve(valuesFile));
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return parse(template.call());
  }

  static Rendered render(String valuesFile) {
    return render(valuesFile, Map.of());
  }

  static Rendered parse(String yaml) {
    List<HasMetadata> objects = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(yaml)) {
      List<JsonNode> documents = new YAMLMapper().readValues(parser, JsonNode.class).readAll();
      for (JsonNode document : documents) {
        if (document == null || document.isNull() || document.isEmpty()) {
          continue;
        }
        Class<? extends HasMetadata> type =
            KINDS.getOrDefault(document.path("kind").asText(), GenericKubernetesResource.class);
        objects.add(JSON.treeToValue(document, type));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Rendered chart is not YAML", e);
    }
    return new Rendered(yaml, List.copyOf(objects));
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<GenericKubernetesResource> custom(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getKind().equals(kind))
        .toList();
  }

  <T extends HasMetadata> Optional<T> named(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst();
  }

  static String name(String component) {
    return RELEASE + "-" + component;
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
