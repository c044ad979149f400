package org.leukostream.schemas.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The W3C trace context ({@code traceparent}, {@code tracestate}) in Kafka record headers: every
 * stage reads the context of the record it works on and writes the context of its own span on what
 * it produces, so one case is one trace from {@code scan} to the EHR bridge. Absent headers give
 * the root context (a new trace); a malformed one is ignored, never an error.
 */
public final class TraceHeaders {
  public static final String TRACEPARENT = "traceparent";

  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<Headers> GETTER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
          List<String> keys = new ArrayList<>();
          for (Header header : headers) {
            keys.add(header.key());
          }
          return keys;
        }

        @Override
        public String get(Headers headers, String key) {
          if (headers == null) {
            return null;
          }
          Header header = headers.lastHeader(key);
          return header == null || header.value() == null
              ? null
              : new String(header.value(), StandardCharsets.UTF_8);
        }
      };

  private TraceHeaders() {}

  /** The context {@code headers} carry, on top of the root context. */
  public static Context extract(Headers headers) {
    return headers == null ? Context.root() : W3C.extract(Context.root(), headers, GETTER);
  }

  /** The span context {@code headers} carry; invalid when they carry none. */
  public static SpanContext spanContext(Headers headers) {
    return Span.fromContext(extract(headers)).getSpanContext();
  }

  /** Headers carrying {@code span}'s context (none when the span is not recording or sampled). */
  public static Headers of(Span span) {
    Headers headers = new RecordHeaders();
    inject(span, headers);
    return headers;
  }

  /** Writes {@code span}'s context into {@code headers}, replacing any there. */
  public static void inject(Span span, Headers headers) {
    W3C.inject(
        Context.root().with(span),
        headers,
        (carrier, key, value) -> {
          carrier.remove(key);
          carrier.add(key, value.getBytes(StandardCharsets.UTF_8));
        });
  }

  /** A copy of the trace context {@code headers} carry, and nothing else of them. */
  public static Headers only(Headers headers) {
    Headers copy = new RecordHeaders();
    if (headers != null) {
      for (String key : W3C.fields()) {
        Header header = headers.lastHeader(key);
        if (header != null) {
          copy.add(key, header.value());
        }
      }
    }
    return copy;
  }

  /** The {@code traceparent} value {@code headers} carry, or null: what a state store keeps. */
  public static String traceparent(Headers headers) {
    return GETTER.get(headers, TRACEPARENT);
  }

  /** The span context of a stored {@code traceparent} value; invalid for null or garbage. */
  public static SpanContext fromTraceparent(String traceparent) {
    if (traceparent == null) {
      return SpanContext.getInvalid();
    }
    Headers headers = new RecordHeaders();
    headers.add(TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
    return spanContext(headers);
  }
}
