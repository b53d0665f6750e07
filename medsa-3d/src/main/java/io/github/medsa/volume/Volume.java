package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A 3D scalar image: float voxel values (after any NIfTI {@code scl_slope}/{@code scl_inter} or DICOM rescale)
 * in NIfTI order, x fastest ({@code index = x + nx * (y + ny * z)}), with its {@link Geometry}. {@code source}
 * names where it came from, for error messages. The data array is not copied; treat it as read-only.
 */
public record Volume(Geometry geometry, float[] data, String source) {
  /**
   * Checks that the values fill the grid.
   *
   * @param geometry the voxel grid and its voxel-to-world (RAS+, mm) affine
   * @param data {@code nx * ny * nz} values, x fastest; not copied
   * @param source where the volume came from, for messages
   * @throws IllegalArgumentException if {@code data.length} is not the geometry's voxel count
   */
  public Volume {
    checkArgument(data.length == geometry.voxelCount(), "%s: %s voxel values for a %sx%sx%s grid", source,
        data.length, geometry.nx(), geometry.ny(), geometry.nz());
  }

  /**
   * One voxel value (indices are not range-checked per axis; an index outside the array throws).
   *
   * @param x the voxel index along the first axis
   * @param y the voxel index along the second axis
   * @param z the voxel index along the third axis (the slice)
   * @return the value
   * @throws ArrayIndexOutOfBoundsException if the linear index falls outside the data
   */
  public float get(int x, int y, int z) {
    return data[index(x, y, z)];
  }

  /**
   * The linear index {@code x + nx * (y + ny * z)} of a voxel (not range-checked).
   *
   * @param x the voxel index along the first axis
   * @param y the voxel index along the second axis
   * @param z the voxel index along the third axis
   * @return the index into {@link #data()}
   */
  public int index(int x, int y, int z) {
    return x + geometry.nx() * (y + geometry.ny() * z);
  }

  /**
   * The same geometry with other values (e.g. a mask predicted for this image).
   *
   * @param values {@code nx * ny * nz} values, x fastest; not copied
   * @param newSource where the new values came from, for messages
   * @return the new volume
   * @throws IllegalArgumentException if {@code values} does not fill the grid
   */
  public Volume withData(float[] values, String newSource) {
    return new Volume(geometry, values, newSource);
  }
}
