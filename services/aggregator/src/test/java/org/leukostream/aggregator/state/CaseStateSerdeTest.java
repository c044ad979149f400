package org.leukostream.aggregator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class CaseStateSerdeTest {
  private final CaseStateSerde serde = new CaseStateSerde();
  private final JsonSerde<CaseState> json = new JsonSerde<>(CaseState.class);

  @Test
  void everyFieldSurvivesTheBinaryLayout() {
    for (CaseState state : List.of(full(), new CaseState("case-empty", 42L))) {
      byte[] bytes = serde.serializer().serialize("t", state);

      assertThat(bytes[0]).isEqualTo(CaseStateSerde.VERSION);
      assertThat(asJson(serde.deserializer().deserialize("t", bytes))).isEqualTo(asJson(state));
    }
  }

  @Test
  void readsTheJsonThatEarlierReleasesWrote() {
    byte[] written = json.serializer().serialize("t", full());

    CaseState read = serde.deserializer().deserialize("t", written);

    assertThat(asJson(read)).isEqualTo(asJson(full()));
    assertThat(read.classCounts).containsEntry("lymphoblast", 31).containsEntry("Ä-ß", 2);
  }

  @Test
  void aCaseStateOfAnEarlierReleaseKeepsItsCellsUnderTheLegacyKeys() {
    String earlierRelease =
        "{\"caseId\":\"c-1\",\"patientKey\":\"pk-0123456789abcdef\",\"fieldsSeen\":[0,2],"
            + "\"cellsDetected\":4,\"classCounts\":{\"lymphocyte\":3},\"models\":[],"
            + "\"sequence\":2,\"lastActivityMillis\":5,\"dirty\":true}";

    CaseState read =
        serde
            .deserializer()
            .deserialize("t", earlierRelease.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    assertThat(read.cellKeys).isEqualTo(CellKey.LEGACY);
    assertThat(read.fieldsSeen).containsExactly(0, 2);
    assertThat(read.classCounts).containsEntry("lymphocyte", 3);
    assertThat(read.dirty).isTrue();
    assertThat(new CaseState("c-2", 0).cellKeys).isEqualTo(CellKey.CURRENT);
    assertThat(
            serde.deserializer().deserialize("t", serde.serializer().serialize("t", read)).cellKeys)
        .isEqualTo(CellKey.LEGACY);
  }

  @Test
  void isSmallerThanTheJson() {
    assertThat(serde.serializer().serialize("t", full()).length)
        .isLessThan(json.serializer().serialize("t", full()).length / 2);
  }

  @Test
  void refusesALaterLayoutInsteadOfMisreadingIt() {
    byte[] bytes = serde.serializer().serialize("t", full());
    bytes[0] = CaseStateSerde.VERSION + 1;

    assertThatThrownBy(() -> serde.deserializer().deserialize("t", bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("layout version " + (CaseStateSerde.VERSION + 1))
        .hasMessageContaining("newer release");
  }

  @Test
  void refusesTruncatedAndTrailingBytes() {
    byte[] bytes = serde.serializer().serialize("t", full());
    byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
    byte[] trailing = Arrays.copyOf(bytes, bytes.length + 2);

    assertThatThrownBy(() -> serde.deserializer().deserialize("t", truncated))
        .isInstanceOf(SerializationException.class);
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", trailing))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("bytes after");
  }

  @Test
  void readsTheLayoutOfTheReleaseBeforeWhichHadNoReviews() {
    CaseState before = full();
    before.cellsReviewed = 0;
    byte[] current = serde.serializer().serialize("t", before);
    // Version 3 is version 4 without the number of reviewed cells at the end (one int).
    byte[] version3 = Arrays.copyOf(current, current.length - 4);
    version3[0] = 3;

    CaseState read = serde.deserializer().deserialize("t", version3);

    assertThat(asJson(read)).isEqualTo(asJson(before));
    assertThat(read.traceparent).isEqualTo(full().traceparent);
    byte[] reviewed = serde.serializer().serialize("t", full());
    reviewed[0] = 3;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", reviewed))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("after a version 3 case state");
  }

  @Test
  void readsTheLayoutOfTheReleaseBeforeWhichHadNoTraceContext() {
    CaseState before = full();
    before.traceparent = null;
    before.lastLabelTraceparent = null;
    before.cellsReviewed = 0;
    byte[] current = serde.serializer().serialize("t", before);
    // Version 2 is version 4 without the two trace contexts (two null strings) and the number of
    // reviewed cells at the end.
    byte[] version2 = Arrays.copyOf(current, current.length - 12);
    version2[0] = 2;

    CaseState read = serde.deserializer().deserialize("t", version2);

    assertThat(asJson(read)).isEqualTo(asJson(before));
    assertThat(read.accession).isEqualTo("ACC-2026-0042");
    assertThat(read.traceparent).isNull();
    byte[] withTraces = serde.serializer().serialize("t", full());
    withTraces[0] = 2;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", withTraces))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("after a version 2 case state");
  }

  @Test
  void readsTheLayoutOfTheReleaseBeforeWhichHadNoAccession() {
    CaseState before = full();
    before.accession = null;
    before.traceparent = null;
    before.lastLabelTraceparent = null;
    before.cellsReviewed = 0;
    byte[] current = serde.serializer().serialize("t", before);
    // Version 1 is version 4 without the accession and the two trace contexts (three null
    // strings: 12 bytes) and the number of reviewed cells at the end (4 bytes).
    byte[] version1 = Arrays.copyOf(current, current.length - 16);
    version1[0] = 1;

    CaseState read = serde.deserializer().deserialize("t", version1);

    assertThat(asJson(read)).isEqualTo(asJson(before));
    assertThat(read.accession).isNull();
    // The accession a version-2 state carries is not taken for trailing bytes of version 1.
    byte[] withAccession = serde.serializer().serialize("t", full());
    withAccession[0] = 1;
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", withAccession))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("after a version 1 case state");
  }

  @Test
  void nullStaysNull() {
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(serde.deserializer().deserialize("t", null)).isNull();
  }

  private String asJson(CaseState state) {
    return new String(
        json.serializer().serialize("t", state), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static CaseState full() {
    CaseState s = new CaseState("case-7", 1_700_000_000_123L);
    s.patientKey = "pk-0123456789abcdef";
    s.specimenType = "BONE_MARROW";
    s.openedAtMillis = 1_700_000_000_000L;
    s.closedAtMillis = 1_700_000_100_000L;
    s.expectedFields = 5;
    s.fieldsSeen.addAll(List.of(0, 1, 3));
    s.fieldsRejected = 1;
    s.cellsDetected = 120;
    s.cellsLabelled = 118;
    s.cellsLabelledAndDetected = 117;
    s.cellsUncountable = 9;
    s.cellsReviewed = 4;
    s.classCounts.put("lymphoblast", 31);
    s.classCounts.put("neutrophil", 70);
    s.classCounts.put("Ä-ß", 2);
    s.counted = 103;
    s.blasts = 31;
    s.blastsByA = 29;
    s.blastsByB = 33;
    s.ensembleASeen = true;
    s.models.addAll(List.of("detector@2026.11.30", "stage1@1", "ensemble-b@3"));
    s.sequence = 12;
    s.lastPreliminaryMillis = 1_700_000_050_000L;
    s.dirty = true;
    s.finalEmitted = true;
    s.reopenings = 2;
    s.finalEmittedAtMillis = 1_700_000_200_000L;
    s.accession = "ACC-2026-0042";
    s.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    s.lastLabelTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-b7ad6b7169203331-01";
    return s;
  }
}
