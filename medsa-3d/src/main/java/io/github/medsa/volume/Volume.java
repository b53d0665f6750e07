package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * A 3D scalar image: float voxel values (after any NIfTI {@code scl_slope}/{@code scl_inter} or DICOM rescale)
 * in NIfTI order, x fastest ({@code index = x + nx * (y + ny * z)}), with its {@link Geometry}. {@code source}
 * names where it came from, for error messages. The data array is not copied; treat it as read-only.
 */
public record Volume(Geometry geometry, float[] data, String source) {
  public Volume {
    checkArgument(data.length == geometry.voxelCount(), "%s: %s voxel values for a %sx%sx%s grid", source,
        data.length, geometry.nx(), geometry.ny(), geometry.nz());
  }

  public float get(int x, int y, int z) {
    return data[index(x, y, z)];
  }

  public int index(int x, int y, int z) {
    return x + geometry.nx() * (y + geometry.ny() * z);
  }

  /** The same geometry with other values (e.g. a mask predicted for this image). */
  public Volume withData(float[] values, String newSource) {
    return new Volume(geometry, values, newSource);
  }
}
