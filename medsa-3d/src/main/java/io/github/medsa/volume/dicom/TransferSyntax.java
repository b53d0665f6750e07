package io.github.medsa.volume.dicom;

import java.util.Map;

/**
 * The three uncompressed transfer syntaxes this reader decodes, and the names of the compressed ones it refuses
 * (so the error tells the user what the file is, not only a UID).
 */
enum TransferSyntax {
  IMPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2", false, false),
  EXPLICIT_VR_LITTLE_ENDIAN("1.2.840.10008.1.2.1", true, false),
  /** Retired in 2004, but old archives and pydicom's samples still have it. */
  EXPLICIT_VR_BIG_ENDIAN("1.2.840.10008.1.2.2", true, true);

  final String uid;
  final boolean explicitVr;
  final boolean bigEndian;

  TransferSyntax(String uid, boolean explicitVr, boolean bigEndian) {
    this.uid = uid;
    this.explicitVr = explicitVr;
    this.bigEndian = bigEndian;
  }

  /** Names as in DICOM PS3.6 Table A-1 (the ones a user is likely to meet). */
  private static final Map<String, String> COMPRESSED = Map.ofEntries(
      Map.entry("1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian"),
      Map.entry("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)"),
      Map.entry("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)"),
      Map.entry("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)"),
      Map.entry("1.2.840.10008.1.2.4.70", "JPEG Lossless, Non-Hierarchical, First-Order Prediction"),
      Map.entry("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless"),
      Map.entry("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless)"),
      Map.entry("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless"),
      Map.entry("1.2.840.10008.1.2.4.91", "JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Lossless"),
      Map.entry("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component"),
      Map.entry("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"),
      Map.entry("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level"),
      Map.entry("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile"),
      Map.entry("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile"),
      Map.entry("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Lossless"),
      Map.entry("1.2.840.10008.1.2.4.202", "High-Throughput JPEG 2000 with RPCL Lossless"),
      Map.entry("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000"),
      Map.entry("1.2.840.10008.1.2.5", "RLE Lossless"));

  /** The uncompressed syntax with this UID, or null. */
  static TransferSyntax of(String uid) {
    for (TransferSyntax ts : values()) {
      if (ts.uid.equals(uid)) {
        return ts;
      }
    }
    return null;
  }

  /** The error for a syntax we do not decode: names it so the user knows what to convert from. */
  static UnsupportedDicomException unsupported(String file, String uid) {
    String name = COMPRESSED.get(uid);
    if (name == null) {
      if (uid.startsWith("1.2.840.10008.1.2.4.")) {
        name = "JPEG family";
      } else {
        return new UnsupportedDicomException(file + ": unknown transfer syntax " + uid
            + " is not supported (only Implicit VR Little Endian, Explicit VR Little Endian and Explicit VR Big Endian"
            + " are read); convert to uncompressed (e.g. dcmdjpeg/gdcmconv --raw)");
      }
    }
    return new UnsupportedDicomException(file + ": compressed transfer syntax " + name + " (" + uid
        + ") is not supported; convert to uncompressed (e.g. dcmdjpeg/gdcmconv --raw)");
  }
}
