package org.leukostream.review.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.leukostream.review.views.ReviewTopology;
import org.leukostream.review.views.ReviewViews;
import org.leukostream.schemas.serde.SerdeConfig;

/**
 * Hands Quarkus the view's topology (serdes with every registry setting under {@code
 * kafka-streams.}) and the pages the view's stores on this instance. One instance holds the whole
 * view (the chart runs one replica): a case's crops and its labels live in different tasks.
 */
@ApplicationScoped
public class ReviewStreams {
  private final Config config;
  private final Duration retention;

  public ReviewStreams(
      Config config,
      @ConfigProperty(name = "leukostream.review.retention", defaultValue = "P14D")
          Duration retention) {
    this.config = config;
    this.retention = retention;
  }

  @Produces
  public Topology topology() {
    return ReviewTopology.build(
        SerdeConfig.settings(
            SerdeConfig.STREAMS_PREFIX, key -> config.getOptionalValue(key, String.class)),
        retention);
  }

  @Produces
  @ApplicationScoped
  public ReviewViews views(KafkaStreams streams) {
    return new ReviewViews(
        new ReviewViews.Stores() {
          @Override
          public <V> ReadOnlyKeyValueStore<String, V> store(String name) {
            return streams.store(
                StoreQueryParameters.fromNameAndType(
                    name, QueryableStoreTypes.<String, V>keyValueStore()));
          }
        });
  }
}
