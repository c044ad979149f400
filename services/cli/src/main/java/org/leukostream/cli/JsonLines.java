package org.leukostream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;

/** Writes one JSON object per line, the machine-readable output of every {@code --json} command. */
final class JsonLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonLines() {}

  static void write(PrintWriter out, Map<String, ?> object) {
    try {
      out.println(JSON.writeValueAsString(object));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write JSON output", e);
    }
  }
}
