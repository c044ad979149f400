package org.leukostream.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.leukostream.avro.CaseEvent;
import org.leukostream.avro.CaseEventType;
import org.leukostream.schemas.Topics;
import org.leukostream.schemas.registry.InMemorySchemaRegistry;

class WireFormatTest {

  @Test
  void headerIsMagicByteThenBigEndianId() {
    assertThat(WireFormat.header(0x01020304)).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void fixedVectorPinsTheByteLayout() {
    var registry = new InMemorySchemaRegistry();
    var serializer = new AvroSerializer<CaseEvent>(registry, true, false);
    CaseEvent closed =
        CaseEvent.newBuilder()
            .setCaseId("c1")
            .setPatientKey("p")
            .setType(CaseEventType.CLOSED)
            .setExpectedFields(5)
            .setOccurredAt(Instant.ofEpochMilli(1000))
            .build();

    byte[] bytes = serializer.serialize(Topics.CASE_EVENTS.name(), closed);

    // Worked by hand from the Avro 1.12 binary encoding: strings are a zig-zag varint length then
    // UTF-8,
    // enums and union branches a zig-zag varint index, ints and longs zig-zag varints.
    String expected =
        "00"
            + "00000001" // magic byte, schema id 1 (first registration)
            + "046331" // caseId "c1"
            + "0270" // patientKey "p"
            + "02" // type: CLOSED is symbol 1
            + "00" // specimenType: null branch
            + "020a" // expectedFields: int branch, 5
            + "d00f" // occurredAt: 1000 ms
            + "00"
            + "00"
            + "00"
            + "00"
            + "00"; // reviewerId, correctedDecision, comment, accession, amendmentReason: null
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo(expected);
  }

  @Test
  void payloadShorterThanHeaderIsRejected() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("shorter than the 5-byte wire-format header");
  }

  @Test
  void wrongMagicByteIsRejected() {
    assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {'{', '"', 'a', '"', ':', '1', '}'}))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("Unknown magic byte 0x7b");
  }
}
