package org.leukostream.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The chart's monitoring (ServiceMonitors, PrometheusRule, Grafana dashboard): off by default,
 * rendered by values, and naming only metrics the services export (the catalogue {@code
 * monitoring/metrics.txt}, which each service's integration test checks against its scrape).
 */
class MonitoringChartTest {
  static final Map<String, Object> ALL_ON =
      Map.of(
          "monitoring.serviceMonitors.enabled", true,
          "monitoring.serviceMonitors.labels.release", "kube-prometheus-stack",
          "monitoring.rules.enabled", true,
          "monitoring.dashboard.enabled", true);

  /** A metric in PromQL: a name directly followed by its label selector. */
  static final Pattern SELECTED_METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");

  static final List<String> ALERTS =
      List.of(
          "LeukostreamCasesNotReachingFinal",
          "LeukostreamCaseLatencyHigh",
          "LeukostreamDeadLetters",
          "LeukostreamClassifierLagRising",
          "LeukostreamServiceDown",
          "LeukostreamModelsFailedToLoad");

  @Test
  void nothingOfTheOperatorOrGrafanaIsRenderedByDefault() {
    for (String values : List.of("values.yaml", "values-cpu.yaml", "values-gpu.yaml")) {
      Rendered rendered = Rendered.render(values);
      assertThat(rendered.custom("ServiceMonitor")).isEmpty();
      assertThat(rendered.custom("PrometheusRule")).isEmpty();
      assertThat(rendered.named(ConfigMap.class, "leukostream-dashboard")).isEmpty();
    }
  }

  @Test
  void aServiceMonitorScrapesEachServiceOnItsMetricsPathOverHttpsWhereItServesTls() {
    Map<String, Object> sets = new LinkedHashMap<>(ALL_ON);
    sets.put("aggregator.tls.secretName", "aggregator-tls");
    Rendered rendered = Rendered.render("values.yaml", sets);
    List<GenericKubernetesResource> monitors = rendered.custom("ServiceMonitor");
    assertThat(monitors)
        .extracting(m -> m.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(
            ChartTest.SERVICES.stream().map(Rendered::name).toList());
    for (GenericKubernetesResource monitor : monitors) {
      String name = monitor.getMetadata().getName();
      Service service = rendered.named(Service.class, name).orElseThrow();
      Map<String, Object> spec = map(monitor.getAdditionalProperties().get("spec"));
      assertThat(map(map(spec.get("selector")).get("matchLabels")))
          .isEqualTo(service.getSpec().getSelector());
      assertThat(monitor.getMetadata().getLabels())
          .containsEntry("release", "kube-prometheus-stack");
      Map<String, Object> endpoint = map(((List<?>) spec.get("endpoints")).get(0));
      assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/q/metrics");
      assertThat(service.getSpec().getPorts()).anyMatch(p -> "http".equals(p.getName()));
      boolean tls = name.endsWith("aggregator");
      assertThat(endpoint).containsEntry("scheme", tls ? "https" : "http");
      if (tls) {
        assertThat(map(map(map(endpoint.get("tlsConfig")).get("ca")).get("secret")))
            .containsEntry("name", "aggregator-tls")
            .containsEntry("key", "ca.crt");
      }
    }
  }

  @Test
  void theRulesAlertOnWhatTheRunbookExplainsWithMetricsTheServicesExport() {
    Rendered rendered = Rendered.render("values.yaml", ALL_ON);
    GenericKubernetesResource rule = rendered.custom("PrometheusRule").get(0);
    List<Map<String, Object>> alerts = new ArrayList<>();
    for (Object group : (List<?>) map(rule.getAdditionalProperties().get("spec")).get("groups")) {
      for (Object r : (List<?>) map(group).get("rules")) {
        alerts.add(map(r));
      }
    }
    assertThat(alerts).extracting(a -> a.get("alert")).containsExactlyInAnyOrderElementsOf(ALERTS);
    String runbook = Rendered.read(Rendered.ROOT.resolve("k8s/README.md"));
    for (Map<String, Object> alert : alerts) {
      String name = (String) alert.get("alert");
      String expr = (String) alert.get("expr");
      assertThat(expr).as(name).contains("namespace=\"leukostream\"");
      assertThat(map(alert.get("labels")).get("severity")).isIn("warning", "critical");
      assertThat(runbook).as("runbook entry of " + name).contains("### " + name + "\n");
      assertThat((String) map(alert.get("annotations")).get("runbook_url"))
          .endsWith("#" + name.toLowerCase(java.util.Locale.ROOT));
      assertThat(unknownMetrics(expr)).as(name + ": " + expr).isEmpty();
    }
    assertThat(
            alerts.stream()
                .filter(a -> a.get("alert").equals("LeukostreamClassifierLagRising"))
                .map(a -> (String) a.get("expr")))
        .singleElement()
        .asString()
        .contains("group=\"leukostream-classifier\"")
        .contains("> 5000");
  }

  @Test
  void theDashboardParsesAndEveryPanelQueriesMetricsTheServicesExport() throws Exception {
    Rendered rendered = Rendered.render("values.yaml", ALL_ON);
    ConfigMap map = rendered.named(ConfigMap.class, "leukostream-dashboard").orElseThrow();
    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    JsonNode dashboard = new ObjectMapper().readTree(map.getData().get("leukostream.json"));
    assertThat(dashboard.path("uid").asText()).isEqualTo("leukostream");
    Set<String> used = new TreeSet<>();
    Set<String> titles = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      titles.add(panel.path("title").asText());
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText();
        assertThat(unknownMetrics(expr)).as(expr).isEmpty();
        Matcher m = SELECTED_METRIC.matcher(expr);
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    // The issue's panels: throughput, latency, lag, dead letters, GPU pods.
    assertThat(titles)
        .contains(
            "Cells per second by stage",
            "Case latency: CLOSED to FINAL",
            "Consumer lag by group",
            "Dead letters per minute",
            "Model pods by device");
    assertThat(used)
        .contains(
            "leukostream_case_latency_seconds_bucket",
            "leukostream_dead_letters_total",
            "kafka_consumer_fetch_manager_records_lag_max",
            "leukostream_consumer_group_lag_records",
            "leukostream_model_info");
  }

  @Test
  void tracingTurnsEveryServicesExporterOnTowardsTheCollector() {
    for (String component : ChartTest.SERVICES) {
      assertThat(ChartTest.container(Rendered.render("values.yaml"), component).getEnv())
          .noneMatch(e -> e.getName().startsWith("LEUKOSTREAM_TRACING"));
    }
    Rendered rendered =
        Rendered.render(
            "values.yaml",
            Map.of(
                "tracing.enabled",
                true,
                "tracing.otlpEndpoint",
                "http://collector.obs.svc:4317",
                "tracing.sampleRatio",
                "0.25"));
    for (String component : ChartTest.SERVICES) {
      Map<String, String> env = new LinkedHashMap<>();
      ChartTest.container(rendered, component)
          .getEnv()
          .forEach(e -> env.put(e.getName(), e.getValue()));
      assertThat(env)
          .as(component)
          .containsEntry("LEUKOSTREAM_TRACING_DISABLED", "false")
          .containsEntry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.obs.svc:4317");
      assertThat(env).containsEntry("LEUKOSTREAM_TRACING_SAMPLE_RATIO", "0.25");
    }
  }

  /** The metric families of the catalogue, and Prometheus's own {@code up}. */
  static final Set<String> KNOWN = known();

  private static Set<String> known() {
    Set<String> known = new TreeSet<>(Set.of("up"));
    for (String line :
        Rendered.read(Rendered.CHART.resolve("monitoring/metrics.txt")).split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        known.add(family(trimmed.split("\\s+")[1]));
      }
    }
    return known;
  }

  /** The metrics {@code expr} names that neither the catalogue nor Prometheus itself knows. */
  static List<String> unknownMetrics(String expr) {
    List<String> unknown = new ArrayList<>();
    Matcher m = SELECTED_METRIC.matcher(expr);
    while (m.find()) {
      if (!KNOWN.contains(family(m.group(1)))) {
        unknown.add(m.group(1));
      }
    }
    return unknown;
  }

  static String family(String metric) {
    return metric.replaceFirst("_(bucket|count|sum|max|total)$", "");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }
}
