package org.leukostream.schemas.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {
  static final SpanContext CONTEXT =
      SpanContext.create(
          "4bf92f3577b34da6a3ce929d0e0e4736",
          "00f067aa0ba902b7",
          TraceFlags.getSampled(),
          TraceState.getDefault());

  @Test
  void aSpansContextTravelsThroughHeadersAndReplacesAnOlderOne() {
    Headers headers = new RecordHeaders();
    headers.add("seal", "kept".getBytes(StandardCharsets.UTF_8));
    headers.add(TraceHeaders.TRACEPARENT, "00-old".getBytes(StandardCharsets.UTF_8));

    TraceHeaders.inject(Span.wrap(CONTEXT), headers);

    assertThat(headers.headers(TraceHeaders.TRACEPARENT)).hasSize(1);
    assertThat(TraceHeaders.traceparent(headers))
        .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    SpanContext read = TraceHeaders.spanContext(headers);
    assertThat(read.getTraceId()).isEqualTo(CONTEXT.getTraceId());
    assertThat(read.getSpanId()).isEqualTo(CONTEXT.getSpanId());
    assertThat(read.isRemote()).isTrue();
    assertThat(TraceHeaders.fromTraceparent(TraceHeaders.traceparent(headers)).getSpanId())
        .isEqualTo(CONTEXT.getSpanId());
    // only() copies the trace context and nothing else (a seal stays with its record).
    Headers copy = TraceHeaders.only(headers);
    assertThat(copy.lastHeader("seal")).isNull();
    assertThat(TraceHeaders.traceparent(copy)).isEqualTo(TraceHeaders.traceparent(headers));
  }

  @Test
  void noOrAMalformedContextIsTheRootNeverAnError() {
    assertThat(TraceHeaders.spanContext(new RecordHeaders()).isValid()).isFalse();
    assertThat(TraceHeaders.spanContext(null).isValid()).isFalse();
    Headers garbage = new RecordHeaders();
    garbage.add(TraceHeaders.TRACEPARENT, "not-a-traceparent".getBytes(StandardCharsets.UTF_8));
    assertThat(TraceHeaders.spanContext(garbage).isValid()).isFalse();
    assertThat(TraceHeaders.fromTraceparent(null).isValid()).isFalse();
    // An invalid span writes nothing: no header that would mislead the next stage.
    assertThat(TraceHeaders.of(Span.getInvalid()).lastHeader(TraceHeaders.TRACEPARENT)).isNull();
  }
}
