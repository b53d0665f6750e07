package io.github.medsa.volume.nifti;

import static io.github.medsa.volume.nifti.NiftiTestFiles.colin27;
import static io.github.medsa.volume.nifti.NiftiTestFiles.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real files against nibabel. Every expected value below was printed by Debian's python3-nibabel 5.0.0 with
 * {@code img = nibabel.load(f); img.affine; img.header.get_qform(); np.asanyarray(img.dataobj)[i, j, k]},
 * sums and counts with numpy ({@code a.astype(float64).sum()}, {@code (a == 77).sum()}).
 */
class NiftiReaderRealFilesTest {

  private static void assertAffine(double[][] actual, double[][] expected, double tol) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        assertThat(actual[r][c]).as("affine[%d][%d]", r, c).isCloseTo(expected[r][c], within(tol));
      }
    }
  }

  private static double sum(Volume v) {
    double s = 0;
    for (float f : v.data()) {
      s += f;
    }
    return s;
  }

  @Test
  void colin27T1MatchesNibabel() throws Exception {
    NiftiImage img = NiftiReader.read(colin27("ch2.nii.gz"));
    Volume v = img.volume();
    Geometry g = v.geometry();
    assertThat(g.dims()).containsExactly(181, 217, 181);
    assertThat(g.spacing()).containsExactly(1, 1, 1);
    // nibabel: sform_code 4 -> affine [[1,0,0,-90],[0,1,0,-125],[0,0,1,-71]] (not -126/-72 as often quoted)
    assertAffine(g.affine(), new double[][] {{1, 0, 0, -90}, {0, 1, 0, -125}, {0, 0, 1, -71}, {0, 0, 0, 1}}, 0);
    NiftiHeader h = img.header();
    assertThat(h.version()).isEqualTo(1);
    assertThat(h.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(h.datatype()).contains(NiftiDatatype.UINT8);
    assertThat(h.sformCode()).isEqualTo(4);
    assertThat(h.qformCode()).isZero();
    assertThat(h.voxOffset()).isEqualTo(352);
    assertThat(h.descrip()).isEqualTo("spm - algebra");
    // qform_code 0 but quatern_b = 1: nibabel's get_qform() gives diag(1, -1, -1)
    assertAffine(h.qformAffine(), new double[][] {{1, 0, 0, 0}, {0, -1, 0, 0}, {0, 0, -1, 0}, {0, 0, 0, 1}}, 0);
    assertThat(v.get(90, 108, 90)).isEqualTo(33f);
    assertThat(v.get(60, 100, 80)).isEqualTo(113f);
    assertThat(v.get(120, 150, 100)).isEqualTo(103f);
    assertThat(v.get(0, 0, 0)).isZero();
    assertThat(sum(v)).isEqualTo(317151210.0);
  }

  @Test
  void aalAtlasSharesTheColinGridAndHas117Labels() throws Exception {
    NiftiImage t1 = NiftiReader.read(colin27("ch2.nii.gz"));
    NiftiImage aal = NiftiReader.read(colin27("aal.nii.gz"));
    assertThat(aal.volume().geometry().sameAs(t1.volume().geometry())).isTrue();
    assertThat(aal.header().intentCode()).isEqualTo(1002); // NIFTI_INTENT_LABEL
    Set<Float> labels = new HashSet<>();
    int count77 = 0;
    int count0 = 0;
    for (float f : aal.volume().data()) {
      labels.add(f);
      count77 += f == 77 ? 1 : 0;
      count0 += f == 0 ? 1 : 0;
    }
    assertThat(labels).hasSize(117);
    for (int l = 0; l <= 116; l++) {
      assertThat(labels).contains((float) l);
    }
    assertThat(count77).isEqualTo(8700); // Thalamus_L in aal.nii.txt
    assertThat(count0).isEqualTo(5629168);
    assertThat(aal.volume().get(67, 98, 76)).isEqualTo(77f); // np.argwhere(a == 77)[0]
    assertThat(aal.volume().get(60, 120, 80)).isEqualTo(73f);
    assertThat(aal.volume().get(100, 110, 80)).isEqualTo(78f);
  }

  @Test
  void nifti2TimeSeriesNeedsATimePoint() throws Exception {
    var file = resource("example_nifti2.nii.gz");
    assertThatThrownBy(() -> NiftiReader.read(file))
        .isInstanceOf(NiftiTimeSeriesException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("2 time points")
        .satisfies(e -> assertThat(((NiftiTimeSeriesException) e).timePoints()).isEqualTo(2));

    NiftiImage t0 = NiftiReader.read(file, 0);
    NiftiImage t1 = NiftiReader.read(file, 1);
    NiftiHeader h = t0.header();
    assertThat(h.version()).isEqualTo(2);
    assertThat(h.dim()).containsExactly(4, 32, 20, 12, 2, 1, 1, 1);
    assertThat(h.datatype()).contains(NiftiDatatype.INT16);
    assertThat(h.voxOffset()).isEqualTo(608);
    assertThat(h.qformCode()).isEqualTo(1);
    assertThat(h.sformCode()).isEqualTo(1);
    assertThat(h.qfac()).isEqualTo(-1);
    assertThat(h.xyztUnits()).isEqualTo(10);
    assertThat(h.calMax()).isEqualTo(1162.0);
    Geometry g = t0.volume().geometry();
    assertThat(g.dims()).containsExactly(32, 20, 12);
    assertThat(g.spacing()[0]).isEqualTo(2.0);
    assertThat(g.spacing()[2]).isCloseTo(2.2, within(1e-6));
    assertAffine(g.affine(), new double[][] {{-2, 0, 0, 117.8551025391}, {0, 1.9737114906, -0.3555282354,
        -35.7229423523}, {0, 0.3232076168, 2.1710817814, -7.2487983704}, {0, 0, 0, 1}}, 1e-9);
    // nibabel's get_qform() of the same file: quaternion with qfac -1, close to but not equal to the sform
    assertAffine(h.qformAffine(), new double[][] {
        {-1.999999995978187, 1.0282396754185892e-05, 0.00013905980362440367, 117.8551025390625},
        {-1.0282396754185892e-05, 1.9737114380364735, -0.3555282247524397, -35.72294235229492},
        {0.00012641805535562603, 0.32320761014906196, 2.1710816833341227, -7.248798370361328},
        {0, 0, 0, 1}}, 1e-9);
    assertThat(t0.volume().get(0, 0, 0)).isEqualTo(424f);
    assertThat(t1.volume().get(0, 0, 0)).isEqualTo(439f);
    assertThat(t0.volume().get(16, 10, 6)).isEqualTo(265f);
    assertThat(t1.volume().get(16, 10, 6)).isEqualTo(266f);
    assertThat(t0.volume().get(31, 19, 11)).isEqualTo(484f);
    assertThat(t1.volume().get(31, 19, 11)).isEqualTo(457f);
    assertThat(sum(t0.volume())).isEqualTo(3461748.0);
    assertThat(sum(t1.volume())).isEqualTo(3465054.0);
    assertThat(t1.volume().source()).endsWith("[t=1]");

    assertThatThrownBy(() -> NiftiReader.read(file, 2)).isInstanceOf(NiftiFormatException.class)
        .hasMessageContaining("time point 2").hasMessageContaining(file.toString());
  }

  @Test
  void bigEndianInt16MatchesNibabel() throws Exception {
    NiftiImage img = NiftiReader.read(resource("anatomical.nii"));
    assertThat(img.header().byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
    assertThat(img.header().datatype()).contains(NiftiDatatype.INT16);
    Volume v = img.volume();
    assertThat(v.geometry().dims()).containsExactly(33, 41, 25);
    assertThat(v.geometry().spacing()).containsExactly(2, 2, 2);
    assertAffine(v.geometry().affine(), new double[][] {{-2, 0, 0, 32}, {0, 2, 0, -40}, {0, 0, 2, -16},
        {0, 0, 0, 1}}, 0);
    // its qform (quatern 0,1,0, qfac -1) gives the same affine
    assertAffine(img.header().qformAffine(), v.geometry().affine(), 1e-12);
    assertThat(v.get(0, 0, 0)).isEqualTo(10712f);
    assertThat(v.get(10, 20, 5)).isEqualTo(8577f);
    assertThat(v.get(16, 10, 6)).isEqualTo(3156f);
    assertThat(v.get(32, 20, 12)).isEqualTo(9861f);
    assertThat(v.get(16, 20, 12)).isEqualTo(11881f);
    assertThat(v.get(17, 23, 0)).isEqualTo(30393f); // the maximum
    assertThat(sum(v)).isEqualTo(284166082.0);
  }

  @Test
  void sformOnlyFileUsesTheSform() throws Exception {
    NiftiImage img = NiftiReader.read(resource("standard.nii.gz"));
    assertThat(img.header().qformCode()).isZero();
    assertThat(img.header().sformCode()).isEqualTo(2);
    Geometry g = img.volume().geometry();
    assertThat(g.dims()).containsExactly(4, 5, 7);
    assertThat(g.spacing()).containsExactly(1, 3, 2);
    assertAffine(g.affine(), new double[][] {{1, 0, 0, 0}, {0, 3, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 1}}, 0);
    assertThat(img.volume().get(1, 2, 3)).isEqualTo(255f);
    assertThat(img.volume().get(3, 4, 6)).isEqualTo(255f);
    assertThat(img.volume().get(2, 0, 1)).isZero();
    assertThat(sum(img.volume())).isEqualTo(7650.0);
  }
}
