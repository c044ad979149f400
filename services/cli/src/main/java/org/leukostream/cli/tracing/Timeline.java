package org.leukostream.cli.tracing;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One case's spans as a timeline (what {@code demo --trace} prints): the spans of its trace and
 * those linked to them (the classifier's batches, which may hold other cases' crops), by start.
 */
public final class Timeline {
  /** Spans that only mark a record sent: counted in one line each, not listed. */
  private static final Map<String, String> SUMMARISED =
      new java.util.TreeMap<>(
          Map.of(
              "scan field",
              "children of the case, one per field sent",
              "detector crop",
              "children of their fields, one per crop sent"));

  private Timeline() {}

  /** The spans of {@code traceId} and every span that links one of them, by start time. */
  public static List<SpanData> of(String traceId, List<SpanData> spans) {
    Set<String> inTrace = new HashSet<>();
    for (SpanData span : spans) {
      if (span.getTraceId().equals(traceId)) {
        inTrace.add(span.getSpanId());
      }
    }
    List<SpanData> out = new ArrayList<>();
    for (SpanData span : spans) {
      boolean linked = false;
      for (LinkData link : span.getLinks()) {
        SpanContext c = link.getSpanContext();
        linked |= c.getTraceId().equals(traceId) && inTrace.contains(c.getSpanId());
      }
      if (span.getTraceId().equals(traceId) || linked) {
        out.add(span);
      }
    }
    out.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return out;
  }

  /**
   * Prints {@code timeline}: per span its stage, start after the first span, duration, and how it
   * joins the case (child of a span, or links to its crops/labels). The spans of the fields sent
   * and of the crops are counted in one line each.
   */
  public static void print(PrintWriter out, String caseId, List<SpanData> timeline) {
    if (timeline.isEmpty()) {
      out.printf("trace of %s: no spans%n", caseId);
      return;
    }
    long t0 = timeline.get(0).getStartEpochNanos();
    out.printf(
        "trace %s of case %s: %d spans%n", timeline.get(0).getTraceId(), caseId, timeline.size());
    out.printf("%-22s %10s %10s  %s%n", "span", "start ms", "took ms", "joins the case as");
    Map<String, Integer> summarised = new LinkedHashMap<>();
    SUMMARISED.keySet().forEach(name -> summarised.put(name, 0));
    for (SpanData span : timeline) {
      if (summarised.containsKey(span.getName())) {
        summarised.merge(span.getName(), 1, Integer::sum);
        continue;
      }
      out.printf(
          Locale.ROOT,
          "%-22s %10.1f %10.1f  %s%n",
          span.getName(),
          (span.getStartEpochNanos() - t0) / 1e6,
          (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6,
          joins(span));
    }
    summarised.forEach(
        (name, count) -> {
          if (count > 0) {
            out.printf("%-22s %10s %10s  %s%n", name + " x" + count, "", "", SUMMARISED.get(name));
          }
        });
  }

  /** How {@code span} joins the case: the root, a child, and/or by links. */
  private static String joins(SpanData span) {
    String parent = span.getParentSpanContext().isValid() ? "child" : "root";
    return span.getLinks().isEmpty() ? parent : parent + ", " + span.getLinks().size() + " links";
  }
}
