package org.leukostream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;

/** Writes one JSON object per line, the machine-readable output of every {@code --json} command. */
final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  /** {@code value} to three decimals, as figures are printed in JSON output. */
  static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }

  /** {@link #round} of a figure that may be absent (null stays null). */
  static Double roundOrNull(Double value) {
    return value == null ? null : round(value);
  }

  static void write(PrintWriter out, Map<String, ?> object) {
    try {
      out.println(JSON.writeValueAsString(object));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON output", e);
    }
  }
}
