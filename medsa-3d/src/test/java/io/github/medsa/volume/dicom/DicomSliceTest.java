package io.github.medsa.volume.dicom;

import static io.github.medsa.volume.dicom.DicomTestFiles.bytes;
import static io.github.medsa.volume.dicom.DicomTestFiles.insertAtDatasetStart;
import static io.github.medsa.volume.dicom.DicomTestFiles.resource;
import static io.github.medsa.volume.dicom.DicomTestFiles.withoutMeta;
import static io.github.medsa.volume.dicom.DicomTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One file at a time. Expected values were printed by Debian's /usr/bin/python3 with pydicom 2.3.1 and numpy
 * 1.24 ({@code ds = pydicom.dcmread(f); ds.pixel_array.astype(float) * ds.RescaleSlope + ds.RescaleIntercept}
 * at {@code [row, col]}, and {@code ds.Rows}, {@code ds.PixelSpacing}, ... ); see resources/dicom/README.md.
 */
class DicomSliceTest {
  private static final String MR_IMPLICIT = "1.2.840.10008.1.2";
  private static final String MR_EXPLICIT = "1.2.840.10008.1.2.1";
  private static final String MR_BIG = "1.2.840.10008.1.2.2";

  /** pydicom: {row, col, rescaled value} in CT_small.dcm. */
  private static final int[][] CT_VALUES = {{0, 0, -849}, {10, 20, -839}, {64, 64, 904}, {100, 30, 65},
      {127, 127, -115}, {31, 17, -644}, {63, 63, 819}};
  /** pydicom: {row, col, value} in MR_small.dcm (no rescale attributes: slope 1, intercept 0). */
  private static final int[][] MR_VALUES = {{0, 0, 905}, {10, 20, 316}, {31, 17, 287}, {63, 63, 862}};

  @TempDir
  Path tmp;

  @Test
  void ctSmallHeaderAndRescaledValuesMatchPydicom() throws IOException {
    DicomSlice ct = DicomSlice.read(resource("CT_small.dcm"));
    assertThat(ct.transferSyntaxUid()).isEqualTo(MR_EXPLICIT);
    assertThat(ct.modality()).isEqualTo("CT");
    assertThat(ct.rows()).isEqualTo(128);
    assertThat(ct.columns()).isEqualTo(128);
    assertThat(ct.pixelSpacing()).containsExactly(0.661468, 0.661468);
    assertThat(ct.sliceThickness()).isEqualTo(5.0);
    assertThat(ct.rescaleSlope()).isEqualTo(1.0);
    assertThat(ct.rescaleIntercept()).isEqualTo(-1024.0);
    assertThat(ct.imagePosition()).containsExactly(-158.135803, -179.035797, -75.699997);
    assertThat(ct.imageOrientation()).containsExactly(1, 0, 0, 0, 1, 0);
    assertThat(ct.instanceNumber()).hasValue(1);
    assertThat(ct.seriesInstanceUid()).isEqualTo("1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322");
    assertThat(ct.photometricInterpretation()).isEqualTo("MONOCHROME2");
    for (int[] v : CT_VALUES) {
      assertThat(ct.pixel(v[0], v[1])).as("row %s col %s", v[0], v[1]).isEqualTo((float) v[2]);
    }
    // pydicom: min -896, max 1167, sum -1950906 over all 16384 pixels (signed 16-bit, intercept -1024).
    float[] p = ct.pixels();
    double sum = 0;
    for (float f : p) {
      sum += f;
    }
    assertThat(sum).isEqualTo(-1950906.0);
    assertThat(min(p)).isEqualTo(-896f);
    assertThat(max(p)).isEqualTo(1167f);
  }

  @Test
  void mrSmallIsIdenticalInExplicitImplicitAndBigEndian() throws IOException {
    DicomSlice explicit = DicomSlice.read(resource("MR_small.dcm"));
    DicomSlice implicit = DicomSlice.read(resource("MR_small_implicit.dcm"));
    DicomSlice big = DicomSlice.read(resource("MR_small_bigendian.dcm"));
    assertThat(explicit.transferSyntaxUid()).isEqualTo(MR_EXPLICIT);
    assertThat(implicit.transferSyntaxUid()).isEqualTo(MR_IMPLICIT);
    assertThat(big.transferSyntaxUid()).isEqualTo(MR_BIG);
    for (DicomSlice mr : new DicomSlice[] {explicit, implicit, big}) {
      assertThat(mr.rows()).as(mr.toString()).isEqualTo(64);
      assertThat(mr.columns()).isEqualTo(64);
      assertThat(mr.modality()).isEqualTo("MR");
      assertThat(mr.pixelSpacing()).containsExactly(0.3125, 0.3125);
      assertThat(mr.sliceThickness()).isEqualTo(0.8);
      assertThat(mr.imagePosition()).containsExactly(-83.9063, -91.2, 6.6406);
      assertThat(mr.imageOrientation()).containsExactly(1, 0, 0, 0, 1, 0);
      assertThat(mr.rescaleSlope()).isEqualTo(1.0);
      assertThat(mr.rescaleIntercept()).isEqualTo(0.0);
      for (int[] v : MR_VALUES) {
        assertThat(mr.pixel(v[0], v[1])).as("%s row %s col %s", mr, v[0], v[1]).isEqualTo((float) v[2]);
      }
      float[] p = mr.pixels();
      // pydicom: min 127, max 2145.
      assertThat(min(p)).isEqualTo(127f);
      assertThat(max(p)).isEqualTo(2145f);
    }
    assertThat(implicit.pixels()).containsExactly(explicit.pixels());
    assertThat(big.pixels()).containsExactly(explicit.pixels());
  }

  @Test
  void filesWithoutPreambleAndMetaAreReadByGuessingTheirVrEncoding() throws IOException {
    float[] expected = DicomSlice.read(resource("MR_small.dcm")).pixels();
    DicomSlice implicit =
        DicomSlice.read(write(tmp, "implicit_no_meta.dcm", withoutMeta(bytes("MR_small_implicit.dcm"))));
    DicomSlice explicit = DicomSlice.read(write(tmp, "explicit_no_meta.dcm", withoutMeta(bytes("MR_small.dcm"))));
    assertThat(implicit.transferSyntaxUid()).isEqualTo(MR_IMPLICIT);
    assertThat(explicit.transferSyntaxUid()).isEqualTo(MR_EXPLICIT);
    assertThat(implicit.pixels()).containsExactly(expected);
    assertThat(explicit.pixels()).containsExactly(expected);
    assertThat(implicit.imagePosition()).containsExactly(-83.9063, -91.2, 6.6406);
  }

  @Test
  void undefinedLengthSequencesAreSkippedAndTheirNestedAttributesIgnored() throws IOException {
    float[] expected = DicomSlice.read(resource("MR_small.dcm")).pixels();
    DicomSlice explicit = DicomSlice.read(write(tmp, "seq_explicit.dcm",
        insertAtDatasetStart(bytes("MR_small.dcm"), nestedSequences(true))));
    DicomSlice implicit = DicomSlice.read(write(tmp, "seq_implicit.dcm",
        insertAtDatasetStart(bytes("MR_small_implicit.dcm"), nestedSequences(false))));
    for (DicomSlice s : new DicomSlice[] {explicit, implicit}) {
      // The nested intercept 100 and slope 2 belong to items, not to the image: MR_small has no rescale.
      assertThat(s.rescaleIntercept()).as(s.toString()).isEqualTo(0.0);
      assertThat(s.rescaleSlope()).isEqualTo(1.0);
      assertThat(s.pixels()).containsExactly(expected);
    }
  }

  @Test
  void compressedTransferSyntaxesAreRefusedByName() {
    assertThatThrownBy(() -> DicomSlice.read(resource("MR_small_RLE.dcm")))
        .isInstanceOf(UnsupportedDicomException.class)
        .isInstanceOf(DicomFormatException.class)
        .hasMessageContaining("MR_small_RLE.dcm: compressed transfer syntax RLE Lossless (1.2.840.10008.1.2.5)"
            + " is not supported; convert to uncompressed");
    assertThatThrownBy(() -> DicomSlice.read(resource("MR_small_jp2klossless.dcm")))
        .isInstanceOf(UnsupportedDicomException.class)
        .hasMessageContaining("MR_small_jp2klossless.dcm")
        .hasMessageContaining("JPEG 2000 Lossless (1.2.840.10008.1.2.4.90)");
  }

  @Test
  void truncatedFilesAreErrorsNamingTheFile() throws IOException {
    byte[] ct = bytes("CT_small.dcm");
    Path inPixels = write(tmp, "cut_in_pixels.dcm", Arrays.copyOf(ct, ct.length - 5000));
    Path inHeader = write(tmp, "cut_in_header.dcm", Arrays.copyOf(ct, 1000));
    Path afterMeta = write(tmp, "cut_after_meta.dcm", Arrays.copyOf(ct, DicomTestFiles.datasetStart(ct)));
    for (Path p : new Path[] {inPixels, inHeader, afterMeta}) {
      assertThatThrownBy(() -> DicomSlice.read(p))
          .isExactlyInstanceOf(DicomFormatException.class)
          .hasMessageStartingWith(p.toString() + ": ")
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void notDicomAndEmptyFilesAreErrorsNamingTheFile() throws IOException {
    Path text = write(tmp, "notes.txt", "Patient notes, not an image. ".repeat(20).getBytes(StandardCharsets.UTF_8));
    Path empty = write(tmp, "empty.dcm", new byte[0]);
    Path tiny = write(tmp, "tiny.dcm", new byte[] {1, 2, 3});
    assertThatThrownBy(() -> DicomSlice.read(text)).isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(text + ": not a DICOM file");
    assertThatThrownBy(() -> DicomSlice.read(empty)).isExactlyInstanceOf(DicomFormatException.class)
        .hasMessage(empty + ": empty file, not DICOM");
    assertThatThrownBy(() -> DicomSlice.read(tiny)).isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(tiny + ": not a DICOM file");
  }

  @Test
  void arraysReturnedAreCopies() throws IOException {
    DicomSlice mr = DicomSlice.read(resource("MR_small.dcm"));
    mr.pixels()[0] = -1;
    mr.imagePosition()[0] = 0;
    assertThat(mr.pixel(0, 0)).isEqualTo(905f);
    assertThat(mr.imagePosition()[0]).isCloseTo(-83.9063, within(1e-9));
  }

  /**
   * (0008,1140) SQ of undefined length: an undefined-length item holding Rescale Intercept 100 and a nested
   * undefined-length sequence, then a defined-length item; then an undefined-length UN element holding Rescale
   * Slope 2 (its content is implicit VR LE even in an explicit file).
   */
  private static byte[] nestedSequences(boolean explicitVr) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    header(out, 0x0008, 0x1140, "SQ", 0xFFFFFFFFL, explicitVr);
    item(out, 0xE000, 0xFFFFFFFFL);
    header(out, 0x0028, 0x1052, "DS", 4, explicitVr);
    out.write("100 ".getBytes(StandardCharsets.US_ASCII));
    header(out, 0x0040, 0x0555, "SQ", 0xFFFFFFFFL, explicitVr);
    item(out, 0xE000, 0);
    item(out, 0xE0DD, 0);
    item(out, 0xE00D, 0);
    item(out, 0xE000, 4);
    out.write(new byte[] {(byte) 0xDE, (byte) 0xAD, (byte) 0xBE, (byte) 0xEF});
    item(out, 0xE0DD, 0);
    header(out, 0x0009, 0x1010, "UN", 0xFFFFFFFFL, explicitVr);
    item(out, 0xE000, 0xFFFFFFFFL);
    header(out, 0x0028, 0x1053, "DS", 2, false);
    out.write("2 ".getBytes(StandardCharsets.US_ASCII));
    item(out, 0xE00D, 0);
    item(out, 0xE0DD, 0);
    return out.toByteArray();
  }

  private static void header(ByteArrayOutputStream out, int group, int element, String vr, long length,
      boolean explicitVr) {
    le16(out, group);
    le16(out, element);
    if (!explicitVr) {
      le32(out, length);
      return;
    }
    out.write(vr.charAt(0));
    out.write(vr.charAt(1));
    if (vr.equals("SQ") || vr.equals("UN")) {
      le16(out, 0);
      le32(out, length);
    } else {
      le16(out, (int) length);
    }
  }

  private static void item(ByteArrayOutputStream out, int element, long length) {
    le16(out, 0xFFFE);
    le16(out, element);
    le32(out, length);
  }

  private static void le16(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >> 8);
  }

  private static void le32(ByteArrayOutputStream out, long v) {
    le16(out, (int) (v & 0xFFFF));
    le16(out, (int) (v >>> 16));
  }

  private static float min(float[] a) {
    float m = Float.POSITIVE_INFINITY;
    for (float f : a) {
      m = Math.min(m, f);
    }
    return m;
  }

  private static float max(float[] a) {
    float m = Float.NEGATIVE_INFINITY;
    for (float f : a) {
      m = Math.max(m, f);
    }
    return m;
  }
}
