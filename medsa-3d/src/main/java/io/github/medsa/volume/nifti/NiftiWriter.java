package io.github.medsa.volume.nifti;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a {@link Volume} as a single-file NIfTI-1 ({@code n+1}, little endian, vox_offset 352, no extensions),
 * gzip-compressed when the name ends in {@code .gz}.
 *
 * <p>Geometry: the sform is the volume's affine (sform_code from the template, else 2 "aligned"); the qform is
 * the template's when it describes the same affine, else derived from the affine as nibabel's {@code set_qform}
 * does. An affine with shears (or whose column norms disagree with the spacing) has no qform; qform_code is then
 * 0 and readers use the sform. pixdim[1..3] is the volume's spacing. NIfTI-1 stores these as float32, so an
 * affine survives a round trip to about 1e-7 relative.
 *
 * <p>Integer types get {@code Math.rint} of each value (numpy's rounding); a value outside the type's range, NaN
 * or infinity is refused with the value and voxel named, before anything is written. scl_slope 1, scl_inter 0.
 */
public final class NiftiWriter {
  private static final int VOX_OFFSET = 352;
  /** How far the orthogonalised rotation / column norms may differ before a qform cannot express the affine. */
  private static final double QFORM_TOL = 1e-5;

  private NiftiWriter() {
  }

  /**
   * Writes {@code volume} as a NIfTI-1 file, gzipped when the name ends in {@code .gz}, with its geometry as
   * sform and (when it has no shear) qform.
   *
   * @param file the file to write, {@code .nii} or {@code .nii.gz}
   * @param volume the volume; its values are stored as {@code datatype}
   * @param datatype the voxel type to store
   * @param template header whose codes, units, description, intent, cal range and slice/time fields to keep; may
   *     be null
   * @throws IllegalArgumentException if {@code file}, {@code volume} or {@code datatype} is null
   * @throws NiftiFormatException if a value does not fit an integer {@code datatype} (out of range, NaN or
   *     infinite), naming the value and voxel
   * @throws IOException if the file cannot be written
   */
  public static void write(Path file, Volume volume, NiftiDatatype datatype, NiftiHeader template)
      throws IOException {
    checkArgument(file != null && volume != null && datatype != null, "file, volume and datatype are required");
    float[] data = volume.data();
    if (datatype.isInteger()) {
      checkRange(file, volume, datatype);
    }
    byte[] header = header(volume.geometry(), datatype, template);
    boolean gzip = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
    // Write next to the target and move into place, so a failed write never leaves a half file under the name.
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
          OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
        out.write(header);
        writeData(out, data, datatype);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void checkRange(Path file, Volume volume, NiftiDatatype type) {
    float[] data = volume.data();
    for (int i = 0; i < data.length; i++) {
      double r = Math.rint(data[i]);
      if (!(r >= type.min() && r <= type.max())) {
        int nx = volume.geometry().nx();
        int ny = volume.geometry().ny();
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%s: value %s at voxel (%d, %d, %d) does not fit %s [%.0f, %.0f]", file, data[i], i % nx,
            (i / nx) % ny, i / (nx * ny), type.name().toLowerCase(Locale.ROOT), type.min(), type.max()));
      }
    }
  }

  static byte[] header(Geometry g, NiftiDatatype type, NiftiHeader t) {
    ByteBuffer b = ByteBuffer.allocate(VOX_OFFSET).order(ByteOrder.LITTLE_ENDIAN);
    double[][] affine = g.affine();
    double[] spacing = g.spacing();

    b.putInt(0, 348);
    b.put(38, (byte) 'r'); // "regular", as nibabel writes
    b.put(39, (byte) (t == null ? 0 : t.dimInfo()));
    short[] dim = {3, (short) g.nx(), (short) g.ny(), (short) g.nz(), 1, 1, 1, 1};
    checkArgument(g.nx() <= Short.MAX_VALUE && g.ny() <= Short.MAX_VALUE && g.nz() <= Short.MAX_VALUE,
        "NIfTI-1 dims are at most 32767, got %sx%sx%s", g.nx(), g.ny(), g.nz());
    for (int i = 0; i < 8; i++) {
      b.putShort(40 + 2 * i, dim[i]);
    }
    if (t != null) {
      double[] p = t.intentParams();
      for (int i = 0; i < 3; i++) {
        b.putFloat(56 + 4 * i, (float) p[i]);
      }
      b.putShort(68, (short) t.intentCode());
      b.putShort(74, (short) t.sliceStart());
      b.putShort(120, (short) t.sliceEnd());
      b.put(122, (byte) t.sliceCode());
      b.putFloat(124, (float) t.calMax());
      b.putFloat(128, (float) t.calMin());
      b.putFloat(132, (float) t.sliceDuration());
      b.putFloat(136, (float) t.toffset());
      putString(b, 148, 80, t.descrip());
      putString(b, 228, 24, t.auxFile());
      putString(b, 328, 16, t.intentName());
    }
    b.putShort(70, (short) type.code());
    b.putShort(72, (short) (8 * type.bytes()));

    // qform: the template's when it already gives this affine (keeps its exact parameters and code), else
    // derived; the qform uses pixdim[1..3] = spacing, so it is only valid if the spacing matches the affine.
    double qfac;
    double[] quat;
    double[] qoff = {affine[0][3], affine[1][3], affine[2][3]};
    int qformCode;
    if (t != null && t.qformCode() > 0 && NiftiAffines.close(t.qformAffine(), affine, 1e-6)
        && sameSpacing(t.pixdim(), spacing)) {
      qfac = t.qfac();
      quat = t.quatern();
      qoff = t.qoffset();
      qformCode = t.qformCode();
    } else {
      NiftiAffines.Qform q = NiftiAffines.affineToQform(affine, QFORM_TOL);
      qfac = q.qfac();
      quat = new double[] {q.b(), q.c(), q.d()};
      boolean usable = q.representable();
      for (int j = 0; j < 3; j++) {
        usable &= Math.abs(q.zooms()[j] - spacing[j]) <= QFORM_TOL * spacing[j];
      }
      qformCode = !usable ? 0 : t != null && t.qformCode() > 0 ? t.qformCode() : 2;
    }
    double[] pixdim = {qfac, spacing[0], spacing[1], spacing[2], 1, 1, 1, 1};
    if (t != null) {
      double[] tp = t.pixdim();
      System.arraycopy(tp, 4, pixdim, 4, 4); // TR and friends
    }
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, (float) pixdim[i]);
    }
    b.putFloat(108, VOX_OFFSET);
    b.putFloat(112, 1);
    b.putFloat(116, 0);
    b.put(123, (byte) (t == null ? 2 : t.xyztUnits())); // 2 = mm, what Geometry promises
    b.putShort(252, (short) qformCode);
    b.putShort(254, (short) (t != null && t.sformCode() > 0 ? t.sformCode() : 2));
    for (int i = 0; i < 3; i++) {
      b.putFloat(256 + 4 * i, (float) quat[i]);
      b.putFloat(268 + 4 * i, (float) qoff[i]);
    }
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        b.putFloat(280 + 16 * r + 4 * c, (float) affine[r][c]);
      }
    }
    b.put(344, (byte) 'n').put(345, (byte) '+').put(346, (byte) '1').put(347, (byte) 0);
    // bytes 348..351: no extensions
    return b.array();
  }

  private static boolean sameSpacing(double[] pixdim, double[] spacing) {
    for (int j = 0; j < 3; j++) {
      if (Math.abs(Math.abs(pixdim[j + 1]) - spacing[j]) > QFORM_TOL * spacing[j]) {
        return false;
      }
    }
    return true;
  }

  private static void putString(ByteBuffer b, int at, int len, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < Math.min(len, bytes.length); i++) {
      b.put(at + i, bytes[i]);
    }
  }

  private static void writeData(OutputStream out, float[] data, NiftiDatatype type) throws IOException {
    int bytes = type.bytes();
    ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : data) {
      if (bb.remaining() < bytes) {
        out.write(bb.array(), 0, bb.position());
        bb.clear();
      }
      double r = Math.rint(v);
      switch (type) {
        case UINT8, INT8 -> bb.put((byte) (int) r);
        case INT16, UINT16 -> bb.putShort((short) (int) r);
        case INT32 -> bb.putInt((int) r);
        case UINT32 -> bb.putInt((int) (long) r);
        case FLOAT32 -> bb.putFloat(v);
        case FLOAT64 -> bb.putDouble(v);
        default -> throw new AssertionError(type);
      }
    }
    out.write(bb.array(), 0, bb.position());
  }
}
