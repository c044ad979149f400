package org.leukostream.aggregator.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The {@code case-state} store's value: a compact, versioned binary layout, read and written with
 * every record of a case (the store is read, changed and written back per label), so it is sized
 * for that: a few hundred bytes, no reflection.
 *
 * <p>The first byte is the layout version. Version 4 is written by this release: version 3 and the
 * number of reviewed cells after it. Version 3: version 2 and the case's trace context after it
 * (the {@code traceparent} of its scan, and of its last label).
 * Version 2 (version 1 and the order (accession) number after it) and version 1 are still read,
 * without what they lack; a value that starts with {@code '{'} is the JSON that releases before that wrote
 * (changelogs and state dirs of an upgraded aggregator), read through {@link JsonSerde}. A value of
 * an unknown, later version is refused with a clear error (a downgrade over a newer changelog is
 * not supported) instead of being misread.
 */
public final class CaseStateSerde implements Serde<CaseState> {
  /** The layout this release writes. */
  public static final byte VERSION = 4;

  /** Version 4 without the number of reviewed cells. */
  static final byte VERSION_3 = 3;

  /** Version 3 without the trace context. */
  static final byte VERSION_2 = 2;

  /** The first binary layout: version 2 without the accession. */
  static final byte VERSION_1 = 1;

  private static final byte JSON_START = '{';
  private static final int NULL = -1;

  private final JsonSerde<CaseState> legacy = new JsonSerde<>(CaseState.class);

  @Override
  public Serializer<CaseState> serializer() {
    return (topic, state) -> state == null ? null : write(state);
  }

  @Override
  public Deserializer<CaseState> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length > 0 && bytes[0] == JSON_START) {
        return legacy.deserializer().deserialize(topic, bytes);
      }
      return read(bytes);
    };
  }

  static byte[] write(CaseState s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      string(out, s.caseId);
      string(out, s.patientKey);
      string(out, s.specimenType);
      nullableLong(out, s.openedAtMillis);
      nullableLong(out, s.closedAtMillis);
      out.writeInt(s.expectedFields == null ? NULL : s.expectedFields);
      out.writeInt(s.fieldsSeen.size());
      for (int field : s.fieldsSeen) {
        out.writeInt(field);
      }
      out.writeInt(s.fieldsRejected);
      out.writeInt(s.cellsDetected);
      out.writeInt(s.cellsLabelled);
      out.writeInt(s.cellsLabelledAndDetected);
      out.writeInt(s.cellsUncountable);
      out.writeInt(s.classCounts.size());
      for (Map.Entry<String, Integer> count : s.classCounts.entrySet()) {
        string(out, count.getKey());
        out.writeInt(count.getValue());
      }
      out.writeInt(s.counted);
      out.writeInt(s.blasts);
      out.writeInt(s.blastsByA);
      out.writeInt(s.blastsByB);
      out.writeInt(s.models.size());
      for (String model : s.models) {
        string(out, model);
      }
      out.writeLong(s.sequence);
      out.writeLong(s.lastActivityMillis);
      out.writeLong(s.lastPreliminaryMillis);
      out.writeByte((s.ensembleASeen ? 1 : 0) | (s.dirty ? 2 : 0) | (s.finalEmitted ? 4 : 0));
      out.writeInt(s.reopenings);
      nullableLong(out, s.finalEmittedAtMillis);
      out.writeByte(s.cellKeys);
      string(out, s.accession);
      string(out, s.traceparent);
      string(out, s.lastLabelTraceparent);
      out.writeInt(s.cellsReviewed);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  static CaseState read(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version < VERSION_1 || version > VERSION) {
        throw new SerializationException(
            "case state written in layout version "
                + version
                + ", this aggregator reads up to "
                + VERSION
                + " (and the JSON of earlier releases): a newer release wrote this state");
      }
      CaseState s = new CaseState();
      s.caseId = string(in);
      s.patientKey = string(in);
      s.specimenType = string(in);
      s.openedAtMillis = nullableLong(in);
      s.closedAtMillis = nullableLong(in);
      int expected = in.readInt();
      s.expectedFields = expected == NULL ? null : expected;
      for (int i = in.readInt(); i > 0; i--) {
        s.fieldsSeen.add(in.readInt());
      }
      s.fieldsRejected = in.readInt();
      s.cellsDetected = in.readInt();
      s.cellsLabelled = in.readInt();
      s.cellsLabelledAndDetected = in.readInt();
      s.cellsUncountable = in.readInt();
      for (int i = in.readInt(); i > 0; i--) {
        s.classCounts.put(string(in), in.readInt());
      }
      s.counted = in.readInt();
      s.blasts = in.readInt();
      s.blastsByA = in.readInt();
      s.blastsByB = in.readInt();
      for (int i = in.readInt(); i > 0; i--) {
        s.models.add(string(in));
      }
      s.sequence = in.readLong();
      s.lastActivityMillis = in.readLong();
      s.lastPreliminaryMillis = in.readLong();
      int flags = in.readByte();
      s.ensembleASeen = (flags & 1) != 0;
      s.dirty = (flags & 2) != 0;
      s.finalEmitted = (flags & 4) != 0;
      s.reopenings = in.readInt();
      s.finalEmittedAtMillis = nullableLong(in);
      s.cellKeys = in.readByte();
      if (version >= 2) {
        s.accession = string(in);
      }
      if (version >= 3) {
        s.traceparent = string(in);
        s.lastLabelTraceparent = string(in);
      }
      if (version >= 4) {
        s.cellsReviewed = in.readInt();
      }
      if (in.available() > 0) {
        throw new SerializationException(
            in.available() + " bytes after a version " + version + " case state");
      }
      return s;
    } catch (IOException e) {
      throw new SerializationException("Cannot read a case state: truncated or not one", e);
    }
  }

  private static void string(DataOutputStream out, String value) throws IOException {
    if (value == null) {
      out.writeInt(NULL);
      return;
    }
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String string(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length == NULL) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IOException("string of " + length + " bytes in a case state");
    }
    byte[] utf8 = new byte[length];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  private static void nullableLong(DataOutputStream out, Long value) throws IOException {
    out.writeBoolean(value != null);
    if (value != null) {
      out.writeLong(value);
    }
  }

  private static Long nullableLong(DataInputStream in) throws IOException {
    return in.readBoolean() ? in.readLong() : null;
  }
}
