package io.github.medsa.volume.nifti;

import static io.github.medsa.volume.nifti.NiftiTestFiles.colin27;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** read -> write -> read keeps data and geometry. */
class NiftiRoundTripTest {
  @TempDir
  Path dir;

  /** 20 degrees about (1, 2, 3), spacing 0.9 x 1.1 x 2.5; offsets exact in float32 (NIfTI-1 stores float32). */
  static double[][] oblique(boolean flipX) {
    double[] axis = {1, 2, 3};
    double n = Math.sqrt(14);
    double x = axis[0] / n;
    double y = axis[1] / n;
    double z = axis[2] / n;
    double th = Math.toRadians(20);
    double c = Math.cos(th);
    double s = Math.sin(th);
    double t = 1 - c;
    double[][] r = {{t * x * x + c, t * x * y - s * z, t * x * z + s * y},
        {t * x * y + s * z, t * y * y + c, t * y * z - s * x}, {t * x * z - s * y, t * y * z + s * x, t * z * z + c}};
    double[] sp = {flipX ? -0.9 : 0.9, 1.1, 2.5};
    double[] off = {-91.25, 12.5, -70.75};
    double[][] a = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        a[i][j] = r[i][j] * sp[j];
      }
      a[i][3] = off[i];
    }
    a[3][3] = 1;
    return a;
  }

  /** Arrays.mismatch: AssertJ's containsExactly is far too slow for 7 million voxels. */
  private static void assertSameData(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(java.util.Arrays.mismatch(actual, expected)).as("first differing voxel").isEqualTo(-1);
  }

  private static void assertAffine(double[][] actual, double[][] expected, double tol) {
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 4; c++) {
        assertThat(actual[r][c]).as("affine[%d][%d]", r, c).isCloseTo(expected[r][c], within(tol));
      }
    }
  }

  /** Values that the type stores exactly, including its extremes. */
  private static float[] values(NiftiDatatype type, int n) {
    Random rnd = new Random(type.code());
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = switch (type) {
        case FLOAT32, FLOAT64 -> (float) rnd.nextGaussian() * 1000;
        case UINT32 -> rnd.nextInt(1 << 24) * 256f;
        case INT32 -> (rnd.nextInt(1 << 24) - (1 << 23)) * 256f;
        default -> (float) (type.min() + rnd.nextInt((int) (type.max() - type.min() + 1)));
      };
    }
    v[0] = type.isInteger() ? (float) type.min() : Float.MIN_VALUE;
    v[1] = type.isInteger() ? (float) type.max() : -Float.MAX_VALUE;
    if (type == NiftiDatatype.UINT32) {
      v[1] = 4294967040f; // largest float below 2^32; 2^32 - 1 itself is not a float
    } else if (type == NiftiDatatype.INT32) {
      v[1] = 2147483520f;
    }
    if (type == NiftiDatatype.FLOAT64 || type == NiftiDatatype.FLOAT32) {
      v[2] = Float.NaN; // returned as-is, see NiftiReader
    }
    return v;
  }

  @ParameterizedTest
  @EnumSource(NiftiDatatype.class)
  void everyDatatypeRoundTripsPlainAndGzipped(NiftiDatatype type) throws Exception {
    Geometry g = new Geometry(new int[] {7, 5, 3}, new double[] {0.9, 1.1, 2.5}, oblique(true));
    Volume v = new Volume(g, values(type, 105), "test");
    for (String name : new String[] {"a.nii", "a.nii.gz"}) {
      Path f = dir.resolve(type + name);
      NiftiWriter.write(f, v, type, null);
      byte[] bytes = Files.readAllBytes(f);
      assertThat(bytes[0] == 0x1f && (bytes[1] & 0xFF) == 0x8b).isEqualTo(name.endsWith(".gz"));
      NiftiImage back = NiftiReader.read(f);
      assertSameData(back.volume().data(), v.data());
      assertThat(back.header().datatype()).contains(type);
      assertThat(back.header().voxOffset()).isEqualTo(352);
      assertThat(back.header().sformCode()).isEqualTo(2);
      assertThat(back.header().qformCode()).isEqualTo(2);
      assertThat(back.volume().geometry().dims()).containsExactly(7, 5, 3);
      assertThat(back.volume().geometry().spacing()).containsExactly(new double[] {0.9, 1.1, 2.5},
          within(1e-6));
      assertAffine(back.volume().geometry().affine(), g.affine(), 1e-6);
      if (type == NiftiDatatype.FLOAT32) {
        assertThat(back.volume().data()[2]).isNaN();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void derivedQformAloneReproducesAnObliqueAffine(boolean flipX) throws Exception {
    double[][] a = oblique(flipX);
    Geometry g = new Geometry(new int[] {4, 3, 2}, new double[] {0.9, 1.1, 2.5}, a);
    Path f = dir.resolve("oblique.nii");
    NiftiWriter.write(f, new Volume(g, new float[24], "test"), NiftiDatatype.UINT8, null);
    assertThat(NiftiReader.readHeader(f).qfac()).isEqualTo(flipX ? -1 : 1);
    // a copy with sform_code 0, so the reader must use the qform
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(254, (short) 0);
    Path qOnly = dir.resolve("qonly.nii");
    Files.write(qOnly, bytes);
    NiftiImage back = NiftiReader.read(qOnly);
    assertThat(back.header().sformCode()).isZero();
    assertThat(back.header().qformCode()).isEqualTo(2);
    // quatern_b/c/d are float32: the rotation is exact to ~5e-7 relative, i.e. 1e-6 per mm of voxel size
    // (measured worst: 1.19e-6 on the 2.5 mm column)
    assertAffine(back.volume().geometry().affine(), a, 1e-6 * 2.5);
  }

  @Test
  void shearedAffineGetsNoQform() throws Exception {
    double[][] a = {{1, 0.3, 0, 5}, {0, 1, 0, 6}, {0, 0, 1, 7}, {0, 0, 0, 1}};
    Geometry g = new Geometry(new int[] {2, 2, 2}, new double[] {1, 1.04403065, 1}, a);
    Path f = dir.resolve("shear.nii.gz");
    NiftiWriter.write(f, new Volume(g, new float[8], "test"), NiftiDatatype.FLOAT32, null);
    NiftiImage back = NiftiReader.read(f);
    assertThat(back.header().qformCode()).isZero();
    assertAffine(back.volume().geometry().affine(), a, 1e-6);
  }

  @Test
  void colin27RoundTripKeepsDataGeometryAndHeaderFields() throws Exception {
    NiftiImage aal = NiftiReader.read(colin27("aal.nii.gz"));
    Path f = dir.resolve("aal.nii.gz");
    NiftiWriter.write(f, aal.volume(), NiftiDatatype.UINT8, aal.header());
    NiftiImage back = NiftiReader.read(f);
    assertSameData(back.volume().data(), aal.volume().data());
    assertThat(back.volume().geometry()).isEqualTo(aal.volume().geometry());
    assertThat(back.header().sformCode()).isEqualTo(4);
    assertThat(back.header().intentCode()).isEqualTo(1002);
    // the template's qform (code 0, diag(1,-1,-1)) does not describe this affine: a derived one, code 2
    assertThat(back.header().qformCode()).isEqualTo(2);
    assertAffine(back.header().qformAffine(), aal.volume().geometry().affine(), 1e-6);
  }

  @Test
  void templateQformIsKeptWhenItMatches() throws Exception {
    NiftiImage img = NiftiReader.read(NiftiTestFiles.resource("anatomical.nii"));
    Path f = dir.resolve("anat.nii");
    NiftiWriter.write(f, img.volume(), NiftiDatatype.INT16, img.header());
    NiftiImage back = NiftiReader.read(f);
    assertThat(back.header().byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertSameData(back.volume().data(), img.volume().data());
    assertThat(back.volume().geometry()).isEqualTo(img.volume().geometry());
    assertThat(back.header().quatern()).containsExactly(img.header().quatern());
    assertThat(back.header().qfac()).isEqualTo(-1);
    assertThat(back.header().descrip()).isEqualTo("spm - 3D normalized");
    assertThat(back.header().xyztUnits()).isEqualTo(10);
  }

  @Test
  void sclSlopeAndInterAreAppliedUnlessSlopeIsZero() throws Exception {
    Volume v = new Volume(Geometry.identity(2, 1, 1), new float[] {3, -4}, "test");
    Path f = dir.resolve("s.nii");
    NiftiWriter.write(f, v, NiftiDatatype.INT16, null);
    byte[] bytes = Files.readAllBytes(f);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(112, 2.5f).putFloat(116, 10f);
    Files.write(f, bytes);
    assertThat(NiftiReader.read(f).volume().data()).containsExactly(17.5f, 0f);
    b.putFloat(112, 0f); // slope 0: the standard says the values are not scaled
    Files.write(f, bytes);
    assertThat(NiftiReader.read(f).volume().data()).containsExactly(3f, -4f);
    b.putFloat(112, Float.NaN);
    Files.write(f, bytes);
    assertThat(NiftiReader.read(f).volume().data()).containsExactly(3f, -4f);
  }

  @Test
  void outOfRangeValuesAreRefusedNamingTheValue() {
    Volume v = new Volume(Geometry.identity(2, 2, 1), new float[] {0, 1, 2, 300}, "test");
    Path f = dir.resolve("bad.nii");
    assertThatThrownBy(() -> NiftiWriter.write(f, v, NiftiDatatype.UINT8, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("300.0").hasMessageContaining("(1, 1, 0)").hasMessageContaining("uint8");
    Volume nan = new Volume(Geometry.identity(1, 1, 1), new float[] {Float.NaN}, "test");
    assertThatThrownBy(() -> NiftiWriter.write(f, nan, NiftiDatatype.INT16, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    assertThat(f).doesNotExist();
  }

  @Test
  void integerTypesRoundToNearest() throws Exception {
    Volume v = new Volume(Geometry.identity(4, 1, 1), new float[] {1.4f, 1.6f, -2.5f, 2.5f}, "test");
    Path f = dir.resolve("r.nii");
    NiftiWriter.write(f, v, NiftiDatatype.INT16, null);
    assertThat(NiftiReader.read(f).volume().data()).containsExactly(1f, 2f, -2f, 2f); // rint, like numpy
  }
}
