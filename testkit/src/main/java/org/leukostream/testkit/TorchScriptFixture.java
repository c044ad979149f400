package org.leukostream.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a TorchScript archive as {@code torch.jit.save} lays it out (a zip of the module's
 * TorchScript source under {@code code/}, its pickled state in {@code data.pkl}, {@code
 * constants.pkl} and a format {@code version}), without Python: a module trained elsewhere, for the
 * model store's TorchScript path and {@code leukostream import-model}. The module averages each
 * input channel: {@code (N, 3, H, W)} to {@code (N, 3)} "logits", so its outputs can be computed by
 * hand.
 */
public final class TorchScriptFixture {
  public static final String CLASS = "ChannelMean";

  private TorchScriptFixture() {}

  /** Writes the module's archive to {@code file}. */
  public static void write(Path file) throws IOException {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("archive/data.pkl", dataPickle());
    entries.put(
        "archive/code/__torch__.py",
        ("class "
                + CLASS
                + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__."
                + CLASS
                + ",\n"
                + "    x: Tensor) -> Tensor:\n"
                + "    return torch.mean(x, [2, 3])\n")
            .getBytes(StandardCharsets.UTF_8));
    entries.put("archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
    entries.put("archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ZipEntry entry = new ZipEntry(e.getKey());
        entry.setMethod(ZipEntry.STORED); // LibTorch's reader wants stored records
        CRC32 crc = new CRC32();
        crc.update(e.getValue());
        entry.setCrc(crc.getValue());
        entry.setSize(e.getValue().length);
        entry.setCompressedSize(e.getValue().length);
        zip.putNextEntry(entry);
        zip.write(e.getValue());
        zip.closeEntry();
      }
    }
  }

  /**
   * Pickle protocol 2 of {@code __torch__.ChannelMean()} with state {@code {"training": False}}.
   */
  private static byte[] dataPickle() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(0x80); // PROTO
    p.write(2);
    p.writeBytes(("c__torch__\n" + CLASS + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    p.write(')'); // EMPTY_TUPLE
    p.write(0x81); // NEWOBJ
    p.write('}'); // EMPTY_DICT
    p.write('('); // MARK
    unicode(p, "training");
    p.write(0x89); // NEWFALSE
    p.write('u'); // SETITEMS
    p.write('b'); // BUILD
    p.write('.'); // STOP
    return p.toByteArray();
  }

  private static void unicode(ByteArrayOutputStream p, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    p.write('X'); // BINUNICODE, 4-byte little-endian length
    p.write(bytes.length);
    p.write(0);
    p.write(0);
    p.write(0);
    p.writeBytes(bytes);
  }
}
