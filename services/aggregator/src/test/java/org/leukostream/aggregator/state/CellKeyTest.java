package org.leukostream.aggregator.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Test;

class CellKeyTest {
  private static final String CASE = "8c1f6a8e-2b7d-4d3e-9a51-0c6f2f1b7e44";

  @Test
  void legacyKeysAreTheBytesEarlierReleasesWrote() {
    byte[] written = new StringSerializer().serialize("t", CASE + '\u0000' + CASE + "/0/1,2,3,4");

    assertThat(CellKey.of(CellKey.LEGACY, CASE, CASE + "/0/1,2,3,4").get()).isEqualTo(written);
    assertThat(
            startsWith(CellKey.of(CellKey.LEGACY, CASE, "x"), CellKey.prefix(CellKey.LEGACY, CASE)))
        .isTrue();
  }

  @Test
  void cellsOfACaseDifferRightAfterTheHashAndTheCaseIdIsWrittenOnce() {
    Bytes a = CellKey.of(CellKey.HASHED, CASE, CASE + "/0/10,20,30,40");
    Bytes b = CellKey.of(CellKey.HASHED, CASE, CASE + "/0/11,20,30,40");

    int common = 0;
    while (a.get()[common] == b.get()[common]) {
      common++;
    }
    assertThat(common).isEqualTo(8 + 1 + "0/1".length());
    assertThat(a.get().length).isEqualTo(8 + 1 + "0/10,20,30,40".length() + 1 + CASE.length());
    assertThat(startsWith(a, CellKey.prefix(CellKey.HASHED, CASE))).isTrue();
  }

  @Test
  void aStrippedIdAndTheSameTextAsAnIdOfItsOwnAreTwoCells() {
    Bytes stripped = CellKey.of(CellKey.HASHED, CASE, CASE + "/0/1,2,3,4");
    Bytes literal = CellKey.of(CellKey.HASHED, CASE, "0/1,2,3,4");
    Bytes otherCase = CellKey.of(CellKey.HASHED, "case-2", "0/1,2,3,4");

    assertThat(stripped).isNotEqualTo(literal).isNotEqualTo(otherCase);
    assertThat(literal).isNotEqualTo(otherCase);
    // a case id that merely starts like the cell id is not stripped
    assertThat(CellKey.of(CellKey.HASHED, "c", "c2/0"))
        .isNotEqualTo(CellKey.of(CellKey.HASHED, "c", "2/0"));
  }

  @Test
  void aScanByHashKeepsOnlyTheCasesOwnCells() {
    Bytes own = CellKey.of(CellKey.HASHED, CASE, CASE + "/3/1,1,9,9");
    Bytes other = CellKey.of(CellKey.HASHED, "x" + CASE, "x" + CASE + "/3/1,1,9,9");
    // a key of another case under the same hash, as a collision would give
    byte[] collided = Arrays.copyOf(own.get(), own.get().length);
    collided[collided.length - 1] ^= 1;

    assertThat(CellKey.belongsTo(CellKey.HASHED, own, CASE)).isTrue();
    assertThat(CellKey.belongsTo(CellKey.HASHED, other, CASE)).isFalse();
    assertThat(CellKey.belongsTo(CellKey.HASHED, Bytes.wrap(collided), CASE)).isFalse();
  }

  @Test
  void anUnknownLayoutIsRefused() {
    assertThatThrownBy(() -> CellKey.of(7, CASE, "c"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("layout 7");
  }

  @Test
  void idsAreUtf8() {
    Bytes key = CellKey.of(CellKey.HASHED, "fälle", "zelle-ß");

    assertThat(new String(key.get(), 9, key.get().length - 9, StandardCharsets.UTF_8))
        .isEqualTo("zelle-ß\u0000fälle");
  }

  private static boolean startsWith(Bytes key, Bytes prefix) {
    return key.get().length >= prefix.get().length
        && Arrays.equals(key.get(), 0, prefix.get().length, prefix.get(), 0, prefix.get().length);
  }
}
