package org.leukostream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;

/**
 * Writes one JSON object per line, the machine-readable output of every {@code --json} command:
 * each line is a record of the command's, its components in order as the fields, under the event's
 * name.
 */
public final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  /** {@code value} to three decimals, as figures are printed in JSON output. */
  public static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** {@link #round} of a figure that may be absent (null stays null). */
  public static Double roundOrNull(Double value) {
    return value == null ? null : round(value);
  }

  /** {@code {"event": event, ...the record's components}}. */
  public static void write(PrintWriter out, String event, Record line) {
    ObjectNode node = JSON.createObjectNode().put("event", event);
    node.setAll((ObjectNode) JSON.valueToTree(line));
    print(out, node);
  }

  /** The record's components as one line (results that are not events, e.g. {@code describe}). */
  public static void write(PrintWriter out, Record line) {
    print(out, line);
  }

  /**
   * An object built from records (e.g. {@code evaluate}'s context, metrics and per-set results).
   */
  public static void write(PrintWriter out, ObjectNode object) {
    print(out, object);
  }

  /** {@code value} as a JSON tree, to add to such an object. */
  public static JsonNode tree(Object value) {
    return JSON.valueToTree(value);
  }

  /**
   * The record's components as a two-column table, one per line, for people (the same names and
   * values as its JSON line; records of any package, public or not).
   */
  public static void table(PrintWriter out, Record line) {
    JSON.<ObjectNode>valueToTree(line)
        .properties()
        .forEach(
            e ->
                out.printf(
                    "%-24s %s%n",
                    e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
    out.flush();
  }

  private static void print(PrintWriter out, Object value) {
    try {
      out.println(JSON.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON output", e);
    }
  }
}
