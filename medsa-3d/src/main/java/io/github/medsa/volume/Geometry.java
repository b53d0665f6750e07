package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.Arrays;

/**
 * Where a volume's voxels are: the grid size, the voxel spacing in mm and the 4x4 affine from voxel indices
 * {@code (i, j, k, 1)} to world coordinates (RAS+, mm), as NIfTI defines them. Immutable.
 */
public record Geometry(int[] dims, double[] spacing, double[][] affine) {
  /** nnU-Net's tolerances for "the same geometry" (image vs label). */
  public static final double RTOL = 1e-3;
  /** The absolute tolerance of {@link #sameAs} (mm for spacing and affine translation). */
  public static final double ATOL = 1e-4;

  /**
   * Checks and copies the parts.
   *
   * @param dims voxel counts {@code {nx, ny, nz}}, positive
   * @param spacing voxel size in mm along each voxel axis, positive and finite
   * @param affine 4x4 matrix from voxel indices {@code (i, j, k, 1)} to world RAS+ mm
   * @throws IllegalArgumentException if a part has the wrong length or a non-positive dimension or spacing
   */
  public Geometry {
    checkArgument(dims.length == 3, "a volume has 3 dimensions, got %s", Arrays.toString(dims));
    for (int d : dims) {
      checkArgument(d > 0, "dimensions must be positive, got %s", Arrays.toString(dims));
    }
    checkArgument(spacing.length == 3, "spacing needs 3 values, got %s", Arrays.toString(spacing));
    for (double s : spacing) {
      checkArgument(Double.isFinite(s) && s > 0, "spacing must be positive and finite, got %s",
          Arrays.toString(spacing));
    }
    checkArgument(affine.length == 4, "the affine is 4x4");
    double[][] copy = new double[4][];
    for (int r = 0; r < 4; r++) {
      checkArgument(affine[r].length == 4, "the affine is 4x4");
      copy[r] = affine[r].clone();
    }
    dims = dims.clone();
    spacing = spacing.clone();
    affine = copy;
  }

  /**
   * Voxel grid with unit spacing and the identity affine.
   *
   * @param nx voxels along the first axis
   * @param ny voxels along the second axis
   * @param nz voxels along the third axis
   * @return the geometry
   * @throws IllegalArgumentException if a count is not positive
   */
  public static Geometry identity(int nx, int ny, int nz) {
    double[][] a = {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}};
    return new Geometry(new int[] {nx, ny, nz}, new double[] {1, 1, 1}, a);
  }

  /** @return a copy of the voxel counts {@code {nx, ny, nz}} */
  @Override
  public int[] dims() {
    return dims.clone();
  }

  /** @return a copy of the voxel spacing in mm */
  @Override
  public double[] spacing() {
    return spacing.clone();
  }

  /** @return a copy of the voxel-to-world (RAS+, mm) 4x4 affine */
  @Override
  public double[][] affine() {
    double[][] copy = new double[4][];
    for (int r = 0; r < 4; r++) {
      copy[r] = affine[r].clone();
    }
    return copy;
  }

  /** @return voxels along the first axis */
  public int nx() {
    return dims[0];
  }

  /** @return voxels along the second axis */
  public int ny() {
    return dims[1];
  }

  /** @return voxels along the third axis (the slice axis) */
  public int nz() {
    return dims[2];
  }

  /** @return {@code nx * ny * nz} */
  public long voxelCount() {
    return (long) dims[0] * dims[1] * dims[2];
  }

  /**
   * World coordinates (mm) of voxel {@code (i, j, k)} (fractional indices allowed).
   *
   * @param i the voxel index along the first axis
   * @param j the voxel index along the second axis
   * @param k the voxel index along the third axis
   * @return {@code {x, y, z}} in RAS+ mm
   */
  public double[] toWorld(double i, double j, double k) {
    double[] w = new double[3];
    for (int r = 0; r < 3; r++) {
      w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
    }
    return w;
  }

  /**
   * Voxel indices (fractional) of world point {@code (x, y, z)} mm.
   *
   * @param x RAS+ x (right) in mm
   * @param y RAS+ y (anterior) in mm
   * @param z RAS+ z (superior) in mm
   * @return {@code {i, j, k}}, fractional
   * @throws IllegalArgumentException if the affine is singular
   */
  public double[] toVoxel(double x, double y, double z) {
    double[][] m = new double[3][3];
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 3; c++) {
        m[r][c] = affine[r][c];
      }
    }
    double[] b = {x - affine[0][3], y - affine[1][3], z - affine[2][3]};
    double det = det3(m);
    checkArgument(Math.abs(det) > 1e-12, "the affine is singular");
    double[] v = new double[3];
    for (int c = 0; c < 3; c++) {
      double[][] mc = new double[3][3];
      for (int r = 0; r < 3; r++) {
        mc[r] = m[r].clone();
        mc[r][c] = b[r];
      }
      v[c] = det3(mc) / det;
    }
    return v;
  }

  private static double det3(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }

  /**
   * Whether {@code other} describes the same voxels: equal dims, and spacing and affine equal within
   * {@code |a - b| <= ATOL + RTOL |b|} (nnU-Net's check before training).
   *
   * @param other the other geometry
   * @return true if they describe the same voxels
   */
  public boolean sameAs(Geometry other) {
    return Arrays.equals(dims, other.dims) && close(spacing, other.spacing) && close(affine, other.affine);
  }

  private static boolean close(double[] a, double[] b) {
    for (int i = 0; i < a.length; i++) {
      if (Math.abs(a[i] - b[i]) > ATOL + RTOL * Math.abs(b[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean close(double[][] a, double[][] b) {
    for (int i = 0; i < a.length; i++) {
      if (!close(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Geometry g && Arrays.equals(dims, g.dims) && Arrays.equals(spacing, g.spacing)
        && Arrays.deepEquals(affine, g.affine);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(dims) + Arrays.deepHashCode(affine);
  }

  @Override
  public String toString() {
    return "Geometry{" + dims[0] + "x" + dims[1] + "x" + dims[2] + ", spacing " + Arrays.toString(spacing)
        + ", affine " + Arrays.deepToString(affine) + "}";
  }
}
