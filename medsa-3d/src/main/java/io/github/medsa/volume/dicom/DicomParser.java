package io.github.medsa.volume.dicom;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Byte-level reader of one DICOM file in an uncompressed transfer syntax (PS3.5 section 7). It walks the
 * top-level dataset, keeps the raw bytes of the few attributes a volume needs, skips everything else (including
 * nested sequences, whose contents are never read as top-level attributes) and stops at Pixel Data.
 *
 * <p>The whole file is read into memory: single-frame slices are at most a few MB, and random access makes the
 * bounds checks (and so the "truncated" errors) simple.
 */
final class DicomParser {
  private static final long UNDEFINED = 0xFFFFFFFFL;
  private static final int ITEM = 0xFFFEE000;
  private static final int ITEM_END = 0xFFFEE00D;
  private static final int SEQUENCE_END = 0xFFFEE0DD;

  static final int TRANSFER_SYNTAX = 0x00020010;
  static final int MODALITY = 0x00080060;
  static final int SLICE_THICKNESS = 0x00180050;
  static final int SERIES_INSTANCE_UID = 0x0020000E;
  static final int INSTANCE_NUMBER = 0x00200013;
  static final int IMAGE_POSITION = 0x00200032;
  static final int IMAGE_ORIENTATION = 0x00200037;
  static final int SAMPLES_PER_PIXEL = 0x00280002;
  static final int PHOTOMETRIC = 0x00280004;
  static final int NUMBER_OF_FRAMES = 0x00280008;
  static final int ROWS = 0x00280010;
  static final int COLUMNS = 0x00280011;
  static final int PIXEL_SPACING = 0x00280030;
  static final int BITS_ALLOCATED = 0x00280100;
  static final int BITS_STORED = 0x00280101;
  static final int PIXEL_REPRESENTATION = 0x00280103;
  static final int RESCALE_INTERCEPT = 0x00281052;
  static final int RESCALE_SLOPE = 0x00281053;
  static final int PIXEL_DATA = 0x7FE00010;

  private static final Set<Integer> WANTED = Set.of(MODALITY, SLICE_THICKNESS, SERIES_INSTANCE_UID,
      INSTANCE_NUMBER, IMAGE_POSITION, IMAGE_ORIENTATION, SAMPLES_PER_PIXEL, PHOTOMETRIC, NUMBER_OF_FRAMES, ROWS,
      COLUMNS, PIXEL_SPACING, BITS_ALLOCATED, BITS_STORED, PIXEL_REPRESENTATION, RESCALE_INTERCEPT, RESCALE_SLOPE);

  /** VRs with a 2-byte reserved field and a 4-byte length in explicit VR (PS3.5 table 7.1-1); all others: 2. */
  private static final Set<String> LONG_VRS = Set.of("OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN",
      "UR", "UT", "UV");
  private static final Set<String> SHORT_VRS = Set.of("AE", "AS", "AT", "CS", "DA", "DS", "DT", "FL", "FD", "IS",
      "LO", "LT", "PN", "SH", "SL", "SS", "ST", "TM", "UI", "UL", "US");

  /** Where a kept attribute's value lies in the file. */
  private record Value(int offset, int length, String vr) {}

  private final Path file;
  private final String name;
  private final byte[] b;
  private int pos;
  private boolean explicitVr;
  private boolean bigEndian;

  private DicomParser(Path file, byte[] bytes) {
    this.file = file;
    this.name = file.toString();
    this.b = bytes;
  }

  static DicomSlice parse(Path file) throws IOException {
    return new DicomParser(file, Files.readAllBytes(file)).parse();
  }

  private DicomSlice parse() throws IOException {
    if (b.length == 0) {
      throw new DicomFormatException(name + ": empty file, not DICOM");
    }
    String tsUid = null;
    boolean hasMeta;
    if (b.length >= 132 && b[128] == 'D' && b[129] == 'I' && b[130] == 'C' && b[131] == 'M') {
      pos = 132;
      hasMeta = true;
    } else if (b.length >= 8 && le16(0) == 0x0002 && isVr(2 + 2)) {
      // Some writers omit the preamble but keep the file meta group.
      pos = 0;
      hasMeta = true;
    } else if (b.length >= 8 && le16(0) == 0x0008) {
      // Old (ACR-NEMA style) files start directly with the dataset; group 0008 comes first in practice.
      pos = 0;
      hasMeta = false;
    } else {
      throw new DicomFormatException(name + ": not a DICOM file (no 'DICM' marker at byte 128 and does not start"
          + " with a group 0002 or 0008 element)");
    }
    if (hasMeta) {
      tsUid = readMeta();
    }
    TransferSyntax ts;
    if (tsUid == null) {
      // No transfer syntax to go by: the VR letters, if present, tell explicit from implicit. Big endian
      // without a meta header is too rare to guess at.
      ts = pos + 6 <= b.length && isVr(pos + 4) ? TransferSyntax.EXPLICIT_VR_LITTLE_ENDIAN
          : TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN;
    } else {
      ts = TransferSyntax.of(tsUid);
      if (ts == null) {
        throw TransferSyntax.unsupported(name, tsUid);
      }
    }
    explicitVr = ts.explicitVr;
    bigEndian = ts.bigEndian;
    Map<Integer, Value> values = new HashMap<>();
    Value pixelData = readDataset(values);
    return decode(ts, values, pixelData);
  }

  /** Group 0002, always explicit VR little endian; returns the Transfer Syntax UID or null. */
  private String readMeta() throws IOException {
    explicitVr = true;
    bigEndian = false;
    String ts = null;
    // Loop on the group number rather than trusting (0002,0000): some writers get the group length wrong.
    while (pos + 2 <= b.length && le16(pos) == 0x0002) {
      int start = pos;
      Header h = header();
      if (h.length == UNDEFINED) {
        throw new DicomFormatException(name + ": undefined length in file meta element " + tag(h.tag));
      }
      need(h.length, h.tag);
      if (h.tag == TRANSFER_SYNTAX) {
        ts = string(pos, (int) h.length);
      }
      pos += (int) h.length;
      if (pos <= start) {
        throw new DicomFormatException(name + ": corrupt file meta header at byte " + start);
      }
    }
    return ts == null || ts.isEmpty() ? null : ts;
  }

  private record Header(int tag, String vr, long length) {}

  private Header header() throws IOException {
    if (pos + 8 > b.length) {
      throw truncated("an element header");
    }
    int group = u16(pos);
    int element = u16(pos + 2);
    int tag = group << 16 | element;
    pos += 4;
    if (group == 0xFFFE) {
      // Item and delimiters carry no VR in any transfer syntax.
      long len = u32(pos);
      pos += 4;
      return new Header(tag, null, len);
    }
    if (!explicitVr) {
      long len = u32(pos);
      pos += 4;
      return new Header(tag, null, len);
    }
    String vr = new String(b, pos, 2, StandardCharsets.US_ASCII);
    pos += 2;
    if (LONG_VRS.contains(vr)) {
      if (pos + 6 > b.length) {
        throw truncated("the header of " + tag(tag));
      }
      long len = u32(pos + 2);
      pos += 6;
      return new Header(tag, vr, len);
    }
    if (!SHORT_VRS.contains(vr)) {
      throw new DicomFormatException(name + ": invalid VR '" + printable(vr) + "' for " + tag(tag) + " at byte "
          + (pos - 6) + " (corrupt file, or the transfer syntax does not match the data)");
    }
    int len = u16(pos);
    pos += 2;
    return new Header(tag, vr, len);
  }

  /** Walks the top-level dataset, keeping {@link #WANTED} values; returns Pixel Data's location. */
  private Value readDataset(Map<Integer, Value> values) throws IOException {
    while (pos < b.length) {
      Header h = header();
      if (h.length == UNDEFINED) {
        if (h.tag == PIXEL_DATA) {
          throw new DicomFormatException(name + ": encapsulated (compressed) Pixel Data in an uncompressed"
              + " transfer syntax");
        }
        // Undefined length outside Pixel Data means a sequence (SQ, or UN / implicit VR holding one).
        skipSequence("UN".equals(h.vr));
        continue;
      }
      need(h.length, h.tag);
      int len = (int) h.length;
      if (h.tag == PIXEL_DATA) {
        // Everything after Pixel Data (padding, signatures) is irrelevant: stop here.
        return new Value(pos, len, h.vr == null ? "OW" : h.vr);
      }
      if (WANTED.contains(h.tag)) {
        values.put(h.tag, new Value(pos, len, h.vr));
      }
      pos += len;
    }
    throw new DicomFormatException(name + ": no Pixel Data (7FE0,0010) before the end of the file (truncated, or"
        + " not an image)");
  }

  /**
   * Skips an undefined-length sequence up to and including its Sequence Delimitation Item. Items of defined
   * length are jumped over; items of undefined length are walked element by element (they may nest further
   * sequences) until their Item Delimitation Item. {@code implicitInside}: an undefined-length UN element holds
   * implicit VR little endian data (PS3.5 6.2.2), whatever the file's syntax.
   */
  private void skipSequence(boolean implicitInside) throws IOException {
    boolean savedExplicit = explicitVr;
    boolean savedBig = bigEndian;
    if (implicitInside) {
      explicitVr = false;
      bigEndian = false;
    }
    try {
      while (true) {
        Header item = header();
        if (item.tag == SEQUENCE_END) {
          return;
        }
        if (item.tag != ITEM) {
          throw new DicomFormatException(name + ": expected an item (FFFE,E000) in a sequence but found "
              + tag(item.tag) + " at byte " + (pos - 8));
        }
        if (item.length != UNDEFINED) {
          need(item.length, item.tag);
          pos += (int) item.length;
          continue;
        }
        while (true) {
          Header h = header();
          if (h.tag == ITEM_END) {
            break;
          }
          if (h.length == UNDEFINED) {
            skipSequence("UN".equals(h.vr));
          } else {
            need(h.length, h.tag);
            pos += (int) h.length;
          }
        }
      }
    } finally {
      explicitVr = savedExplicit;
      bigEndian = savedBig;
    }
  }

  private DicomSlice decode(TransferSyntax ts, Map<Integer, Value> v, Value pixelData) throws IOException {
    int samples = intValue(v, SAMPLES_PER_PIXEL, 1);
    String photometric = text(v, PHOTOMETRIC);
    if (samples != 1) {
      throw new UnsupportedDicomException(name + ": " + samples + " samples per pixel (" + photometric
          + "); only greyscale images (1 sample per pixel) are supported");
    }
    if (photometric == null) {
      photometric = "MONOCHROME2";
    }
    if (!photometric.equals("MONOCHROME1") && !photometric.equals("MONOCHROME2")) {
      throw new UnsupportedDicomException(name + ": photometric interpretation " + photometric
          + " is not supported; only MONOCHROME1/MONOCHROME2 values are intensities");
    }
    String framesText = text(v, NUMBER_OF_FRAMES);
    int frames = framesText == null || framesText.isEmpty() ? 1 : (int) number(framesText, NUMBER_OF_FRAMES);
    if (frames != 1) {
      // Multi-frame geometry lives in per-frame functional group sequences; out of scope for this reader.
      throw new UnsupportedDicomException(name + ": multi-frame image (" + frames + " frames) is not supported;"
          + " only single-frame slices are read");
    }
    if (!v.containsKey(ROWS) || !v.containsKey(COLUMNS)) {
      throw new DicomFormatException(name + ": Rows (0028,0010) or Columns (0028,0011) missing");
    }
    int rows = intValue(v, ROWS, 0);
    int columns = intValue(v, COLUMNS, 0);
    int bitsAllocated = intValue(v, BITS_ALLOCATED, 16);
    int bitsStored = intValue(v, BITS_STORED, bitsAllocated);
    int representation = intValue(v, PIXEL_REPRESENTATION, 0);
    if (rows <= 0 || columns <= 0) {
      throw new DicomFormatException(name + ": empty image (" + rows + " rows, " + columns + " columns)");
    }
    if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32) {
      throw new UnsupportedDicomException(name + ": " + bitsAllocated + " bits allocated per pixel is not"
          + " supported (8, 16 or 32)");
    }
    if (bitsStored < 1 || bitsStored > bitsAllocated) {
      throw new DicomFormatException(name + ": Bits Stored " + bitsStored + " with Bits Allocated "
          + bitsAllocated);
    }
    double slope = v.containsKey(RESCALE_SLOPE) ? number(text(v, RESCALE_SLOPE), RESCALE_SLOPE) : 1;
    double intercept = v.containsKey(RESCALE_INTERCEPT) ? number(text(v, RESCALE_INTERCEPT), RESCALE_INTERCEPT)
        : 0;
    int bytes = bitsAllocated / 8;
    long needed = (long) rows * columns * bytes;
    if (pixelData.length < needed) {
      throw new DicomFormatException(name + ": Pixel Data has " + pixelData.length + " bytes but " + rows + "x"
          + columns + " pixels of " + bitsAllocated + " bits need " + needed);
    }
    float[] pixels = new float[rows * columns];
    long mask = (1L << bitsStored) - 1;
    // 8-bit data written as OW in big endian is byte-swapped in 16-bit words (PS3.5 8.1.1).
    boolean swapBytes = bigEndian && bytes == 1 && "OW".equals(pixelData.vr);
    for (int i = 0; i < pixels.length; i++) {
      int at = pixelData.offset + i * bytes;
      long raw = switch (bytes) {
        case 1 -> b[swapBytes ? pixelData.offset + (i ^ 1) : at] & 0xFF;
        case 2 -> u16(at);
        default -> u32(at);
      };
      // Bits above Bits Stored may hold overlays or garbage; the sign bit is bit (Bits Stored - 1).
      raw &= mask;
      if (representation == 1 && (raw & (1L << (bitsStored - 1))) != 0) {
        raw -= 1L << bitsStored;
      }
      pixels[i] = (float) (raw * slope + intercept);
    }
    double[] spacing = numbers(v, PIXEL_SPACING, 2);
    if (spacing != null && (spacing[0] <= 0 || spacing[1] <= 0)) {
      throw new DicomFormatException(name + ": Pixel Spacing must be positive, got " + spacing[0] + "\\"
          + spacing[1]);
    }
    String thickness = text(v, SLICE_THICKNESS);
    String instance = text(v, INSTANCE_NUMBER);
    return new DicomSlice(file, ts.uid, text(v, MODALITY), text(v, SERIES_INSTANCE_UID), rows, columns,
        photometric, slope, intercept, spacing,
        thickness == null || thickness.isEmpty() ? Double.NaN : number(thickness, SLICE_THICKNESS),
        numbers(v, IMAGE_POSITION, 3), numbers(v, IMAGE_ORIENTATION, 6),
        instance == null || instance.isEmpty() ? null : (int) number(instance, INSTANCE_NUMBER), pixels);
  }

  /** US attributes; tolerates a 4-byte value (some writers use UL). */
  private int intValue(Map<Integer, Value> v, int tag, int absent) throws IOException {
    Value value = v.get(tag);
    if (value == null || value.length == 0) {
      return absent;
    }
    if (value.length == 4) {
      return (int) u32(value.offset);
    }
    if (value.length != 2) {
      throw new DicomFormatException(name + ": " + tag(tag) + " has " + value.length + " bytes, expected 2");
    }
    return u16(value.offset);
  }

  /** A text value without DICOM's space / NUL padding, or null when absent. */
  private String text(Map<Integer, Value> v, int tag) {
    Value value = v.get(tag);
    return value == null ? null : string(value.offset, value.length);
  }

  /** A multi-valued DS of exactly {@code count} numbers, or null when absent or empty. */
  private double[] numbers(Map<Integer, Value> v, int tag, int count) throws IOException {
    String s = text(v, tag);
    if (s == null || s.isEmpty()) {
      return null;
    }
    String[] parts = s.split("\\\\");
    if (parts.length != count) {
      throw new DicomFormatException(name + ": " + tag(tag) + " needs " + count + " values, got '" + s + "'");
    }
    double[] out = new double[count];
    for (int i = 0; i < count; i++) {
      out[i] = number(parts[i], tag);
    }
    return out;
  }

  private double number(String s, int tag) throws IOException {
    try {
      double d = Double.parseDouble(s.trim());
      if (!Double.isFinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new DicomFormatException(name + ": " + tag(tag) + " is not a number: '" + printable(s) + "'");
    }
  }

  private String string(int offset, int length) {
    String s = new String(b, offset, length, StandardCharsets.ISO_8859_1);
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
      end--;
    }
    return s.substring(0, end).strip();
  }

  private void need(long length, int tag) throws IOException {
    if (pos + length > b.length) {
      throw truncated("the value of " + tag(tag) + " (" + length + " bytes at byte " + pos + ")");
    }
  }

  private DicomFormatException truncated(String what) {
    return new DicomFormatException(name + ": truncated file: " + b.length + " bytes end inside " + what);
  }

  private boolean isVr(int at) {
    if (at + 2 > b.length) {
      return false;
    }
    String vr = new String(b, at, 2, StandardCharsets.US_ASCII);
    return LONG_VRS.contains(vr) || SHORT_VRS.contains(vr);
  }

  private int le16(int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  private int u16(int at) {
    return bigEndian ? (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF) : le16(at);
  }

  private long u32(int at) {
    long lo = u16(at);
    long hi = u16(at + 2);
    return bigEndian ? (lo << 16 | hi) : (hi << 16 | lo);
  }

  static String tag(int tag) {
    return String.format("(%04X,%04X)", tag >>> 16, tag & 0xFFFF);
  }

  private static String printable(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      out.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
    }
    return out.toString();
  }
}
