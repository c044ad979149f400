package org.leukostream.aggregator.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys of the {@code case-cells} store. The store's cache and RocksDB keep keys sorted, and every
 * label and every cell of a field result looks its cell up, so the bytes that tell two keys apart
 * come first. Two layouts, chosen per case ({@link CaseState#cellKeys}):
 *
 * <ul>
 *   <li>{@link #LEGACY} (cases opened by releases before the binary case state): the UTF-8 of case
 *       id, NUL, cell id. Cell ids that the detector makes begin with the case id, so two cells of
 *       a case shared twice the case id before they differed.
 *   <li>{@link #HASHED} (cases opened since): 8 bytes of a 64-bit hash of the case id, a flag byte
 *       (1 when the cell id began with {@code caseId + "/"}, which is then left out), the rest of
 *       the cell id, NUL, the case id. Cells of a case differ right after the 9 bytes; the case id
 *       at the end keeps keys of two cases apart even when their hashes collide, and a prefix scan
 *       by hash checks it ({@link #belongsTo}).
 * </ul>
 *
 * Ids never contain NUL (the legacy layout relied on that too).
 */
public final class CellKey {
  public static final int LEGACY = 0;
  public static final int HASHED = 1;

  /** The layout a case opened by this release uses. */
  public static final int CURRENT = HASHED;

  private static final int HASH_BYTES = Long.BYTES;

  private CellKey() {}

  /** The store key of a cell of a case whose cells use {@code layout}. */
  public static Bytes of(int layout, String caseId, String cellId) {
    if (layout == LEGACY) {
      return Bytes.wrap((caseId + '\u0000' + cellId).getBytes(StandardCharsets.UTF_8));
    }
    requireKnown(layout);
    byte[] caseBytes = caseId.getBytes(StandardCharsets.UTF_8);
    boolean stripped =
        cellId.length() > caseId.length()
            && cellId.startsWith(caseId)
            && cellId.charAt(caseId.length()) == '/';
    byte[] cellBytes =
        (stripped ? cellId.substring(caseId.length() + 1) : cellId)
            .getBytes(StandardCharsets.UTF_8);
    return Bytes.wrap(
        ByteBuffer.allocate(HASH_BYTES + 1 + cellBytes.length + 1 + caseBytes.length)
            .putLong(hash(caseBytes))
            .put((byte) (stripped ? 1 : 0))
            .put(cellBytes)
            .put((byte) 0)
            .put(caseBytes)
            .array());
  }

  /** What every key of the case's cells starts with (possibly also another case's: see below). */
  public static Bytes prefix(int layout, String caseId) {
    if (layout == LEGACY) {
      return Bytes.wrap((caseId + '\u0000').getBytes(StandardCharsets.UTF_8));
    }
    requireKnown(layout);
    return Bytes.wrap(
        ByteBuffer.allocate(HASH_BYTES)
            .putLong(hash(caseId.getBytes(StandardCharsets.UTF_8)))
            .array());
  }

  /** Whether a key found by a {@link #prefix} scan is one of this case's cells. */
  public static boolean belongsTo(int layout, Bytes key, String caseId) {
    if (layout == LEGACY) {
      return true; // the prefix holds the whole case id and its terminator
    }
    byte[] k = key.get();
    byte[] suffix = ("\u0000" + caseId).getBytes(StandardCharsets.UTF_8);
    return k.length >= HASH_BYTES + 1 + suffix.length
        && Arrays.equals(k, k.length - suffix.length, k.length, suffix, 0, suffix.length);
  }

  /** 64-bit FNV-1a. */
  static long hash(byte[] bytes) {
    long h = 0xcbf29ce484222325L;
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  private static void requireKnown(int layout) {
    if (layout != HASHED) {
      throw new IllegalStateException(
          "cell key layout " + layout + " is unknown to this aggregator (a newer release's?)");
    }
  }
}
