package io.github.medsa.volume.nifti;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteOrder;
import java.util.Optional;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header that say where the voxels are and what they mean, kept so a volume
 * can be written back with the same codes, units, description and intent. NIfTI-1's float32/int16 fields are
 * widened to double/long so one record serves both versions. Arrays are copied in and out.
 *
 * @param version 1 or 2
 * @param byteOrder the file's byte order (the writer always writes little endian)
 * @param dim {@code dim[0..7]}: {@code dim[0]} is the number of dimensions
 * @param datatypeCode nifti1.h datatype code, see {@link NiftiDatatype}
 * @param pixdim {@code pixdim[0..7]}: {@code pixdim[0]} is qfac, {@code pixdim[1..3]} the voxel size
 * @param voxOffset byte offset of the voxel data
 * @param quatern qform quaternion {@code b, c, d}
 * @param qoffset qform translation {@code x, y, z}
 * @param srow sform rows {@code srow_x, srow_y, srow_z}, 3x4
 * @param intentParams {@code intent_p1..p3}
 * @param bitpix bits per voxel
 * @param sclSlope {@code scl_slope}: stored values are multiplied by it when {@link #scales()}
 * @param sclInter {@code scl_inter}: added after the slope when {@link #scales()}
 * @param qformCode {@code qform_code}, 0 when the qform is unused
 * @param sformCode {@code sform_code}, 0 when the sform is unused
 * @param xyztUnits {@code xyzt_units}, the spatial and temporal unit codes
 * @param descrip {@code descrip}, free text
 * @param auxFile {@code aux_file}
 * @param intentCode {@code intent_code}
 * @param intentName {@code intent_name}
 * @param calMin {@code cal_min}, display range low
 * @param calMax {@code cal_max}, display range high
 * @param toffset {@code toffset}, time offset
 * @param sliceDuration {@code slice_duration}
 * @param sliceCode {@code slice_code}, slice timing order
 * @param sliceStart {@code slice_start}
 * @param sliceEnd {@code slice_end}
 * @param dimInfo {@code dim_info}, frequency/phase/slice dimensions
 */
public record NiftiHeader(int version, ByteOrder byteOrder, long[] dim, int datatypeCode, int bitpix,
    double[] pixdim, long voxOffset, double sclSlope, double sclInter, int qformCode, int sformCode,
    double[] quatern, double[] qoffset, double[][] srow, int xyztUnits, String descrip, String auxFile,
    int intentCode, double[] intentParams, String intentName, double calMin, double calMax, double toffset,
    double sliceDuration, int sliceCode, long sliceStart, long sliceEnd, int dimInfo) {

  /**
   * Checks the array sizes and copies the arrays.
   *
   * @param version 1 or 2
   * @param byteOrder the file's byte order
   * @param dim {@code dim[0..7]}, copied
   * @param datatypeCode nifti1.h datatype code
   * @param bitpix bits per voxel
   * @param pixdim {@code pixdim[0..7]}, copied
   * @param voxOffset byte offset of the voxel data
   * @param sclSlope {@code scl_slope}
   * @param sclInter {@code scl_inter}
   * @param qformCode {@code qform_code}
   * @param sformCode {@code sform_code}
   * @param quatern qform quaternion {@code b, c, d}, copied
   * @param qoffset qform translation {@code x, y, z} in mm, copied
   * @param srow sform rows, 3x4, copied
   * @param xyztUnits {@code xyzt_units}
   * @param descrip {@code descrip}
   * @param auxFile {@code aux_file}
   * @param intentCode {@code intent_code}
   * @param intentParams {@code intent_p1..p3}, copied
   * @param intentName {@code intent_name}
   * @param calMin {@code cal_min}
   * @param calMax {@code cal_max}
   * @param toffset {@code toffset}
   * @param sliceDuration {@code slice_duration}
   * @param sliceCode {@code slice_code}
   * @param sliceStart {@code slice_start}
   * @param sliceEnd {@code slice_end}
   * @param dimInfo {@code dim_info}
   * @throws IllegalArgumentException if the version is not 1 or 2, or an array has the wrong length
   */
  public NiftiHeader {
    checkArgument(version == 1 || version == 2, "NIfTI version is 1 or 2, got %s", version);
    checkArgument(dim.length == 8 && pixdim.length == 8, "dim and pixdim have 8 entries");
    checkArgument(quatern.length == 3 && qoffset.length == 3 && intentParams.length == 3,
        "quatern, qoffset and intentParams have 3 entries");
    checkArgument(srow.length == 3, "srow has 3 rows");
    double[][] rows = new double[3][];
    for (int r = 0; r < 3; r++) {
      checkArgument(srow[r].length == 4, "srow rows have 4 entries");
      rows[r] = srow[r].clone();
    }
    dim = dim.clone();
    pixdim = pixdim.clone();
    quatern = quatern.clone();
    qoffset = qoffset.clone();
    intentParams = intentParams.clone();
    srow = rows;
  }

  /** {@return a copy of {@code dim[0..7]}} */
  @Override
  public long[] dim() {
    return dim.clone();
  }

  /** {@return a copy of {@code pixdim[0..7]}} */
  @Override
  public double[] pixdim() {
    return pixdim.clone();
  }

  /** {@return a copy of the qform quaternion {@code b, c, d}} */
  @Override
  public double[] quatern() {
    return quatern.clone();
  }

  /** {@return a copy of the qform translation {@code x, y, z} (mm)} */
  @Override
  public double[] qoffset() {
    return qoffset.clone();
  }

  /** {@return a copy of {@code intent_p1..p3}} */
  @Override
  public double[] intentParams() {
    return intentParams.clone();
  }

  /** {@return a copy of the sform rows {@code srow_x, srow_y, srow_z}, 3x4} */
  @Override
  public double[][] srow() {
    return new double[][] {srow[0].clone(), srow[1].clone(), srow[2].clone()};
  }

  /** {@return the voxel type, empty for codes this package does not support} */
  public Optional<NiftiDatatype> datatype() {
    return NiftiDatatype.fromCode(datatypeCode);
  }

  /** {@return the number of time points: {@code dim[4]} for 4-D and higher files, else 1} */
  public long timePoints() {
    return dim[0] >= 4 ? dim[4] : 1;
  }

  /** {@return pixdim[0] as the qform's qfac: -1 or 1, with 0 (and anything else) read as 1 as the standard says} */
  public double qfac() {
    return pixdim[0] == -1 ? -1 : 1;
  }

  /** {@return the 4x4 voxel-to-world (RAS, mm) affine from the qform parameters (whatever qform_code says)} */
  public double[][] qformAffine() {
    return NiftiAffines.qformToAffine(quatern[0], quatern[1], quatern[2], qoffset[0], qoffset[1], qoffset[2],
        new double[] {pixdim[1], pixdim[2], pixdim[3]}, qfac());
  }

  /** {@return the 4x4 voxel-to-world (RAS, mm) affine from srow (whatever sform_code says)} */
  public double[][] sformAffine() {
    return new double[][] {srow[0].clone(), srow[1].clone(), srow[2].clone(), {0, 0, 0, 1}};
  }

  /**
   * Voxel-to-world affine as nibabel chooses it: the sform when sform_code > 0, else the qform when
   * qform_code > 0, else {@code diag(|pixdim[1..3]|)} (the standard's "method 1"; nibabel instead centres the
   * grid, but a file with neither code has no world position to agree on).
   *
   * @return the 4x4 voxel-to-world affine, RAS, mm
   */
  public double[][] affine() {
    if (sformCode > 0) {
      return sformAffine();
    }
    if (qformCode > 0) {
      return qformAffine();
    }
    double[][] a = new double[4][4];
    for (int i = 0; i < 3; i++) {
      a[i][i] = Math.abs(pixdim[i + 1]);
    }
    a[3][3] = 1;
    return a;
  }

  /**
   * {@return whether {@code scl_slope}/{@code scl_inter} change the stored values (slope finite and non-zero, and
   * not the identity)}
   */
  public boolean scales() {
    return Double.isFinite(sclSlope) && sclSlope != 0 && !(sclSlope == 1 && (sclInter == 0 || !Double.isFinite(
        sclInter)));
  }
}
