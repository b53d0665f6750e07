package io.github.medsa.volume.dicom;

import static io.github.medsa.volume.dicom.DicomTestFiles.bytes;
import static io.github.medsa.volume.dicom.DicomTestFiles.patchText;
import static io.github.medsa.volume.dicom.DicomTestFiles.patchUs;
import static io.github.medsa.volume.dicom.DicomTestFiles.resource;
import static io.github.medsa.volume.dicom.DicomTestFiles.retag;
import static io.github.medsa.volume.dicom.DicomTestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Series built from copies of CT_small.dcm whose Image Position (Patient), Rescale Intercept (a per-slice marker:
 * slice value = pydicom's value + offset) and other attributes are patched in place. Reference values from
 * pydicom 2.3.1, as in {@link DicomSliceTest}.
 */
class DicomSeriesReaderTest {
  /** CT_small (0020,0032) in LPS mm. */
  private static final double X0 = -158.135803;
  private static final double Y0 = -179.035797;
  private static final double Z0 = -75.699997;
  private static final double PIXEL = 0.661468;
  private static final String UID = "1.3.6.1.4.1.5962.1.3.1.1.20040119072730.12322";

  @TempDir
  Path tmp;

  @Test
  void singleCtFileIsAOneSliceVolumeWithRasAffine() throws IOException {
    Volume v = DicomSeriesReader.read(resource("CT_small.dcm"));
    Geometry g = v.geometry();
    assertThat(g.dims()).containsExactly(128, 128, 1);
    // One slice: the third spacing is SliceThickness (5.0).
    assertThat(g.spacing()).containsExactly(PIXEL, PIXEL, 5.0);
    // Identity orientation in LPS; RAS negates x and y, including the origin.
    double[][] expected = {{-PIXEL, 0, 0, -X0}, {0, -PIXEL, 0, -Y0}, {0, 0, 5.0, Z0}, {0, 0, 0, 1}};
    assertAffine(g, expected);
    // pydicom pixel_array[row, col] + intercept; x = column, y = row.
    assertThat(v.get(0, 0, 0)).isEqualTo(-849f);
    assertThat(v.get(20, 10, 0)).isEqualTo(-839f);
    assertThat(v.get(30, 100, 0)).isEqualTo(65f);
    assertThat(v.get(17, 31, 0)).isEqualTo(-644f);
    assertThat(v.get(127, 127, 0)).isEqualTo(-115f);
    assertThat(v.source()).contains("CT_small.dcm");
    // World position of voxel (0, 0, 0) is the RAS image position.
    assertThat(g.toWorld(0, 0, 0)).containsExactly(new double[] {-X0, -Y0, Z0}, within(1e-9));
  }

  @Test
  void singleFileAsListIsTheSame() throws IOException {
    Volume a = DicomSeriesReader.read(List.of(resource("MR_small_bigendian.dcm")));
    Volume b = DicomSeriesReader.read(resource("MR_small.dcm"));
    assertThat(a.data()).containsExactly(b.data());
    assertThat(a.geometry()).isEqualTo(b.geometry());
    assertThat(a.geometry().spacing()).containsExactly(0.3125, 0.3125, 0.8);
  }

  @Test
  void slicesAreSortedAlongTheNormalAndSpacingComesFromPositions() throws IOException {
    // File names in an order unrelated to position; slice k sits at Z0 + 2.5 k with intercept -1024 + k.
    int[] k = {2, 0, 3, 1};
    List<Path> files = new ArrayList<>();
    for (int n = 0; n < k.length; n++) {
      files.add(write(tmp, "IM" + n + ".dcm", ctCopy(Z0 + 2.5 * k[n], k[n], UID)));
    }
    for (Volume v : new Volume[] {DicomSeriesReader.read(files), DicomSeriesReader.read(tmp)}) {
      Geometry g = v.geometry();
      assertThat(g.dims()).containsExactly(128, 128, 4);
      assertThat(g.spacing()[2]).isCloseTo(2.5, within(1e-6));
      assertAffine(g, new double[][] {{-PIXEL, 0, 0, -X0}, {0, -PIXEL, 0, -Y0}, {0, 0, 2.5, Z0}, {0, 0, 0, 1}});
      for (int z = 0; z < 4; z++) {
        assertThat(v.get(0, 0, z)).as("slice %s", z).isEqualTo(-849f + z);
        assertThat(v.get(30, 100, z)).isEqualTo(65f + z);
      }
    }
  }

  @Test
  void positionsDecreasingAlongTheNormalStillGiveAscendingSlices() throws IOException {
    // Positions given from high to low z: the normal (0,0,1) orders them low to high.
    List<Path> files = new ArrayList<>();
    for (int n = 0; n < 3; n++) {
      files.add(write(tmp, "s" + n + ".dcm", ctCopy(Z0 - 3.0 * n, n, UID)));
    }
    Volume v = DicomSeriesReader.read(files);
    assertThat(v.geometry().affine()[2][3]).isCloseTo(Z0 - 6.0, within(1e-6));
    assertThat(v.geometry().spacing()[2]).isCloseTo(3.0, within(1e-6));
    assertThat(v.get(0, 0, 0)).isEqualTo(-849f + 2);
    assertThat(v.get(0, 0, 2)).isEqualTo(-849f);
  }

  @Test
  void withoutPositionsInstanceNumberOrdersTheSlices() throws IOException {
    List<Path> files = new ArrayList<>();
    int[] instance = {3, 1, 2};
    for (int n = 0; n < 3; n++) {
      byte[] b = ctCopy(Z0, instance[n], UID);
      b = patchText(b, 0x0020, 0x0013, "IS", Integer.toString(instance[n]));
      // Retag (0020,0032) to (0020,0030), a retired attribute this reader ignores: the position is gone.
      b = retag(b, 0x0020, 0x0032, "DS", 0x0030);
      files.add(write(tmp, "n" + n + ".dcm", b));
    }
    Volume v = DicomSeriesReader.read(files);
    assertThat(v.geometry().spacing()[2]).isEqualTo(5.0);
    for (int z = 0; z < 3; z++) {
      assertThat(v.get(0, 0, z)).isEqualTo(-849f + z + 1);
    }
  }

  @Test
  void unevenSpacingIsAnErrorNamingTheGap() throws IOException {
    Path a = write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    Path b = write(tmp, "b.dcm", ctCopy(Z0 + 2.5, 0, UID));
    Path c = write(tmp, "c.dcm", ctCopy(Z0 + 7.5, 0, UID));
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(c, a, b)))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageContaining("uneven slice spacing: gap of 5.0000 mm between " + b + " (at -73.2000) and " + c)
        .hasMessageContaining("smallest gap is 2.5000 mm");
  }

  @Test
  void duplicatePositionsAreAnError() throws IOException {
    Path a = write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    Path b = write(tmp, "b.dcm", ctCopy(Z0, 1, UID));
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(a, b)))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageContaining("two slices at the same position");
  }

  @Test
  void mixedSeriesIsAnErrorNamingBothUids() throws IOException {
    String other = UID.substring(0, UID.length() - 1) + "9";
    Path a = write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    Path b = write(tmp, "b.dcm", ctCopy(Z0 + 2.5, 0, other));
    assertThatThrownBy(() -> DicomSeriesReader.read(tmp))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageContaining("2 series")
        .hasMessageContaining(UID + " (e.g. " + a + ")")
        .hasMessageContaining(other + " (e.g. " + b + ")");
  }

  @Test
  void aSliceOfAnotherSizeIsAnErrorNamingIt() throws IOException {
    Path a = write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    // 64 columns still fit in the 128x128 pixel data, so only the consistency check can catch it.
    Path b = write(tmp, "b.dcm", patchUs(ctCopy(Z0 + 2.5, 0, UID), 0x0028, 0x0011, 64));
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(a, b)))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(b + ": size 64x128 differs from " + a);
  }

  @Test
  void otherPixelSpacingOrOrientationIsAnErrorNamingTheFile() throws IOException {
    Path a = write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    Path b = write(tmp, "b.dcm", patchText(ctCopy(Z0 + 2.5, 0, UID), 0x0028, 0x0030, "DS", "0.7\\0.7"));
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(a, b)))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(b + ": Pixel Spacing differs from " + a);
    Path c = write(tmp, "c.dcm", patchText(ctCopy(Z0 + 2.5, 0, UID), 0x0020, 0x0037, "DS", "0\\1\\0\\1\\0\\0"));
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(a, c)))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(c + ": Image Orientation (Patient) differs from " + a);
  }

  @Test
  void aFolderWithANonDicomFileFailsNamingThatFile() throws IOException {
    write(tmp, "a.dcm", ctCopy(Z0, 0, UID));
    Path notes = write(tmp, "notes.txt", "not an image".repeat(20).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThatThrownBy(() -> DicomSeriesReader.read(tmp))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageStartingWith(notes + ": not a DICOM file");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    assertThatThrownBy(() -> DicomSeriesReader.read(empty))
        .isExactlyInstanceOf(DicomFormatException.class)
        .hasMessageContaining("no DICOM files");
  }

  @Test
  void compressedSliceInASeriesIsUnsupported() {
    assertThatThrownBy(() -> DicomSeriesReader.read(List.of(resource("MR_small.dcm"), resource("MR_small_RLE.dcm"))))
        .isInstanceOf(UnsupportedDicomException.class)
        .hasMessageContaining("RLE Lossless");
  }

  /** CT_small with z position {@code z}, intercept -1024 + {@code marker} and the given series UID. */
  private static byte[] ctCopy(double z, int marker, String seriesUid) throws IOException {
    byte[] b = bytes("CT_small.dcm");
    String position = String.format(Locale.ROOT, "%.6f\\%.6f\\%.6f", X0, Y0, z);
    b = patchText(b, 0x0020, 0x0032, "DS", position);
    b = patchText(b, 0x0028, 0x1052, "DS", Integer.toString(-1024 + marker));
    // UI values pad with NUL, not space; a space would be trimmed all the same.
    b = patchText(b, 0x0020, 0x000E, "UI", seriesUid);
    return b;
  }

  private static void assertAffine(Geometry g, double[][] expected) {
    double[][] a = g.affine();
    for (int r = 0; r < 4; r++) {
      assertThat(a[r]).as("affine row %s of %s", r, g).containsExactly(expected[r], within(1e-9));
    }
  }
}
