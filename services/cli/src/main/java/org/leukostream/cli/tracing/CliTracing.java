package org.leukostream.cli.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The command line's OpenTelemetry: off (the context still travels in the headers), exporting over
 * OTLP/HTTP ({@code --otlp-endpoint}), and/or keeping the spans in memory for {@code demo
 * --trace}'s timeline and the tests.
 */
public final class CliTracing implements AutoCloseable {
  private final SdkTracerProvider provider;
  private final Collected collected;
  private final Tracer tracer;

  private CliTracing(SdkTracerProvider provider, Collected collected) {
    this.provider = provider;
    this.collected = collected;
    this.tracer =
        provider == null
            ? OpenTelemetry.noop().getTracer("leukostream")
            : provider.get("org.leukostream");
  }

  /** No spans recorded: records still pass the context they carry on. */
  public static CliTracing off() {
    return new CliTracing(null, null);
  }

  /**
   * Real trace and span ids, nothing recorded or exported: what {@code scan} writes into its
   * records without {@code --otlp-endpoint}, so that the services' spans of one case still share
   * one trace (its root span missing from the backend).
   */
  public static CliTracing contextOnly() {
    return new CliTracing(SdkTracerProvider.builder().build(), null);
  }

  /**
   * @param otlpEndpoint an OTLP/HTTP traces endpoint ({@code http://collector:4318/v1/traces}), or
   *     empty for none
   * @param collect whether to keep every finished span in memory ({@link #spans()})
   */
  public static CliTracing of(Optional<String> otlpEndpoint, boolean collect) {
    if (otlpEndpoint.isEmpty() && !collect) {
      return off();
    }
    var builder =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                                "leukostream-cli"))));
    Collected collected = null;
    if (collect) {
      collected = new Collected();
      builder.addSpanProcessor(SimpleSpanProcessor.create(collected));
    }
    otlpEndpoint.ifPresent(
        endpoint ->
            builder.addSpanProcessor(
                BatchSpanProcessor.builder(
                        OtlpHttpSpanExporter.builder()
                            .setEndpoint(endpoint)
                            .setTimeout(Duration.ofSeconds(10))
                            .build())
                    .build()));
    return new CliTracing(builder.build(), collected);
  }

  /** Where the stages record their spans. */
  public Tracer tracer() {
    return tracer;
  }

  /** Every span finished so far (with {@code collect} only). */
  public List<SpanData> spans() {
    return collected == null ? List.of() : new ArrayList<>(collected.spans);
  }

  /** Exports what is pending and stops. */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }

  /** Keeps every finished span. */
  private static final class Collected implements SpanExporter {
    private final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
