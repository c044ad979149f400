package org.leukostream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsScrapeTest {
  static final String EXPOSITION =
      """
      # HELP leukostream_dead_letters_total Records dead-lettered
      # TYPE leukostream_dead_letters_total counter
      leukostream_dead_letters_total{reason="IllegalArgumentException",service="detector",topic="slide.fields.v1"} 3.0
      leukostream_dead_letters_total{reason="IOException",service="detector",topic="slide.fields.v1"} 1.0
      leukostream_case_latency_seconds_bucket{le="5.0"} 2
      leukostream_case_latency_seconds_count 4
      leukostream_models_ready 1.0 1733000000000
      """;

  @Test
  void samplesAreReadWithTheirLabelsAndSummedBySelector() {
    MetricsScrape scrape = MetricsScrape.parse(EXPOSITION);
    assertThat(scrape.sum("leukostream_dead_letters_total")).contains(4.0);
    assertThat(scrape.sum("leukostream_dead_letters_total", Map.of("reason", "IOException")))
        .contains(1.0);
    assertThat(scrape.sum("leukostream_dead_letters_total", Map.of("service", "classifier")))
        .isEmpty();
    assertThat(scrape.sum("leukostream_models_ready")).contains(1.0);
    assertThat(scrape.samples("leukostream_case_latency_seconds_bucket"))
        .singleElement()
        .satisfies(s -> assertThat(s.labels()).containsEntry("le", "5.0"));
    assertThat(scrape.families())
        .contains("leukostream_dead_letters", "leukostream_case_latency_seconds")
        .doesNotContain("leukostream_case_latency_seconds_bucket_count");
    assertThatThrownBy(() -> MetricsScrape.parse("not a sample line at all"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCatalogueIsReadAndAMissingMetricIsNamed() {
    assertThat(SloMetrics.catalogue())
        .extracting(SloMetrics.Entry::service)
        .contains("detector", "classifier", "aggregator", "ehr-bridge");
    MetricsScrape scrape = MetricsScrape.parse(EXPOSITION);
    assertThat(SloMetrics.missing("detector", scrape, Set.of(SloMetrics.AFTER_DEAD_LETTER)))
        .isEmpty();
    assertThat(SloMetrics.missing("detector", scrape, Set.of(SloMetrics.ALWAYS)))
        .contains("leukostream_detector_cells_total", "leukostream_model_info")
        .doesNotContain("leukostream_models_ready");
  }
}
