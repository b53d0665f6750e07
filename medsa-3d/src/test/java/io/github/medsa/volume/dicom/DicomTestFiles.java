package io.github.medsa.volume.dicom;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The pydicom sample files in src/test/resources/dicom and byte-level edits of them for error cases. */
final class DicomTestFiles {
  private DicomTestFiles() {}

  static Path resource(String name) {
    try {
      return Path.of(DicomTestFiles.class.getResource("/dicom/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String name) throws IOException {
    return Files.readAllBytes(resource(name));
  }

  /** Offset of an explicit VR little endian element header (tag then VR) after the preamble. */
  static int find(byte[] file, int group, int element, String vr) {
    byte[] key = {(byte) group, (byte) (group >> 8), (byte) element, (byte) (element >> 8), (byte) vr.charAt(0),
        (byte) vr.charAt(1)};
    outer:
    for (int i = 132; i + key.length <= file.length; i++) {
      for (int k = 0; k < key.length; k++) {
        if (file[i + k] != key[k]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException(String.format("(%04X,%04X) %s not found", group, element, vr));
  }

  /**
   * Overwrites a short-VR text value in place (explicit VR LE), padded with spaces to its original length, so
   * no offsets move: enough to give copies of one file new positions, UIDs or intercepts.
   */
  static byte[] patchText(byte[] file, int group, int element, String vr, String value) {
    byte[] out = file.clone();
    int at = find(out, group, element, vr);
    int len = (out[at + 6] & 0xFF) | (out[at + 7] & 0xFF) << 8;
    byte[] v = value.getBytes(StandardCharsets.US_ASCII);
    if (v.length > len) {
      throw new IllegalArgumentException("'" + value + "' longer than the " + len + " bytes of the original");
    }
    Arrays.fill(out, at + 8, at + 8 + len, (byte) ' ');
    System.arraycopy(v, 0, out, at + 8, v.length);
    return out;
  }

  /** Overwrites a US value in place (explicit VR LE). */
  static byte[] patchUs(byte[] file, int group, int element, int value) {
    byte[] out = file.clone();
    int at = find(out, group, element, "US");
    out[at + 8] = (byte) value;
    out[at + 9] = (byte) (value >> 8);
    return out;
  }

  /** Renames an element's tag (keeps its value), e.g. to make an attribute disappear. */
  static byte[] retag(byte[] file, int group, int element, String vr, int newElement) {
    byte[] out = file.clone();
    int at = find(out, group, element, vr);
    out[at + 2] = (byte) newElement;
    out[at + 3] = (byte) (newElement >> 8);
    return out;
  }

  /** Where the dataset starts: after preamble, "DICM" and the meta group, whose length is (0002,0000). */
  static int datasetStart(byte[] file) {
    // (0002,0000) UL 4 is the first meta element: tag(4) VR(2) len(2) value(4) at byte 132.
    int groupLength = (file[140] & 0xFF) | (file[141] & 0xFF) << 8 | (file[142] & 0xFF) << 16
        | (file[143] & 0xFF) << 24;
    return 132 + 12 + groupLength;
  }

  /** The dataset alone, as in old files without preamble and meta header. */
  static byte[] withoutMeta(byte[] file) {
    return Arrays.copyOfRange(file, datasetStart(file), file.length);
  }

  /** {@code insert} spliced in at the start of the dataset. */
  static byte[] insertAtDatasetStart(byte[] file, byte[] insert) {
    int at = datasetStart(file);
    byte[] out = new byte[file.length + insert.length];
    System.arraycopy(file, 0, out, 0, at);
    System.arraycopy(insert, 0, out, at, insert.length);
    System.arraycopy(file, at, out, at + insert.length, file.length - at);
    return out;
  }

  static Path write(Path dir, String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }
}
