package org.leukostream.review.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.leukostream.review.views.ReviewViews;

/**
 * The review service's own metrics (helm/leukostream/monitoring/metrics.txt): cells reclassified,
 * sign-offs by outcome, and the cases the view holds (NaN while it is being rebuilt).
 */
@ApplicationScoped
public class ReviewMeters {
  private final MeterRegistry registry;
  private final Counter reclassified;

  public ReviewMeters(MeterRegistry registry, ReviewViews views) {
    this.registry = registry;
    this.reclassified =
        Counter.builder("leukostream.review.cells.reclassified")
            .description("Cells reviewers moved to another class or out of the count")
            .register(registry);
    Gauge.builder(
            "leukostream.review.view.cases",
            views,
            v -> {
              try {
                return v.approximateCases();
              } catch (InvalidStateStoreException e) {
                return Double.NaN;
              }
            })
        .description("Cases in the review view (estimate)")
        .register(registry);
  }

  void reclassified(int cells) {
    reclassified.increment(cells);
  }

  /** A sign-off forwarded to the bridge: signed, refused (its answer), bridge-unreachable. */
  void signOff(String outcome) {
    Counter.builder("leukostream.review.signoffs")
        .description("Sign-offs forwarded to the EHR bridge, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }
}
