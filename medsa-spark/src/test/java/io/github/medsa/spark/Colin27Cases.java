package io.github.medsa.spark;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.io.IOException;
import java.nio.file.Path;

/** Small Colin27-derived cases: crops of the T1 MRI and the AAL atlas around the thalamus, with their geometry. */
final class Colin27Cases {
  private final NiftiImage t1;
  private final NiftiImage atlas;

  Colin27Cases() throws IOException {
    t1 = NiftiReader.read(colin27("ch2.nii.gz"));
    atlas = NiftiReader.read(colin27("aal.nii.gz"));
  }

  /** The bundled Colin27 file, from the module directory (tests) or the repository root (the bench). */
  static Path colin27(String name) {
    Path dir = Path.of(System.getProperty("user.dir"));
    Path here = dir.resolve("data/colin27").resolve(name);
    return java.nio.file.Files.exists(here) ? here : dir.resolve("../data/colin27").resolve(name).normalize();
  }

  /** Writes the crop {@code [x0, x0+nx) x [y0, y0+ny) x [z0, z0+nz)} of the T1 and of the atlas. */
  void writeCrop(Path image, Path labels, int x0, int y0, int z0, int nx, int ny, int nz) throws IOException {
    NiftiWriter.write(image, crop(t1.volume(), x0, y0, z0, nx, ny, nz), NiftiDatatype.FLOAT32, t1.header());
    NiftiWriter.write(labels, crop(atlas.volume(), x0, y0, z0, nx, ny, nz), NiftiDatatype.INT16, atlas.header());
  }

  /** The sub-volume with the affine moved so every voxel keeps its world position. */
  static Volume crop(Volume v, int x0, int y0, int z0, int nx, int ny, int nz) {
    float[] out = new float[nx * ny * nz];
    for (int z = 0; z < nz; z++) {
      for (int y = 0; y < ny; y++) {
        for (int x = 0; x < nx; x++) {
          out[x + nx * (y + ny * z)] = v.get(x0 + x, y0 + y, z0 + z);
        }
      }
    }
    Geometry g = v.geometry();
    double[][] a = g.affine();
    double[] origin = g.toWorld(x0, y0, z0);
    for (int r = 0; r < 3; r++) {
      a[r][3] = origin[r];
    }
    return new Volume(new Geometry(new int[] {nx, ny, nz}, g.spacing(), a), out, v.source() + " (crop)");
  }
}
