package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkElementIndex;

import io.github.medsa.image.RgbImage;

/**
 * A volume seen as 2D slices along an anatomical axis. The slice axis is the voxel axis most aligned with the
 * anatomical one (from the affine). In each slice, image columns follow the first remaining voxel axis and image
 * rows the second one reversed, so that an axial slice of an RAS volume shows anterior at the top, as the
 * shared fixtures display Colin27 ({@code np.rot90(vol[:, :, z])}).
 */
public final class SliceView {
  private final int[] dims;
  private final int sliceAxis;
  private final int colAxis;
  private final int rowAxis;

  private SliceView(Geometry g, int sliceAxis) {
    this.dims = g.dims();
    this.sliceAxis = sliceAxis;
    this.colAxis = sliceAxis == 0 ? 1 : 0;
    this.rowAxis = sliceAxis == 2 ? 1 : 2;
  }

  /**
   * Slices along the voxel axis whose direction is closest to the world axis of {@code axis}.
   *
   * @param g the volume's geometry
   * @param axis the anatomical slicing axis (RAS+ world frame)
   * @return the view
   */
  public static SliceView of(Geometry g, Axis axis) {
    double[][] a = g.affine();
    int best = 0;
    double bestCos = -1;
    for (int k = 0; k < 3; k++) {
      double norm = Math.sqrt(a[0][k] * a[0][k] + a[1][k] * a[1][k] + a[2][k] * a[2][k]);
      double cos = Math.abs(a[axis.worldAxis()][k]) / norm;
      if (cos > bestCos) {
        bestCos = cos;
        best = k;
      }
    }
    return new SliceView(g, best);
  }

  /** @return the voxel axis the slices are taken along (0 = i, 1 = j, 2 = k) */
  public int sliceAxis() {
    return sliceAxis;
  }

  /** @return the number of slices */
  public int count() {
    return dims[sliceAxis];
  }

  /** @return the slice width in pixels (columns) */
  public int width() {
    return dims[colAxis];
  }

  /** @return the slice height in pixels (rows) */
  public int height() {
    return dims[rowAxis];
  }

  /**
   * Voxel {@code (i, j, k)} of pixel {@code (col, row)} in slice {@code s}.
   *
   * @param s the slice index
   * @param col the pixel column
   * @param row the pixel row
   * @return {@code {i, j, k}}
   */
  public int[] toVoxel(int s, int col, int row) {
    int[] v = new int[3];
    v[sliceAxis] = s;
    v[colAxis] = col;
    v[rowAxis] = dims[rowAxis] - 1 - row;
    return v;
  }

  /**
   * {@code {slice, col, row}} of voxel {@code (i, j, k)} (fractional coordinates keep their fraction).
   *
   * @param i voxel coordinate along the first axis
   * @param j voxel coordinate along the second axis
   * @param k voxel coordinate along the third axis
   * @return {@code {slice, col, row}}
   */
  public double[] toPixel(double i, double j, double k) {
    double[] v = {i, j, k};
    return new double[] {v[sliceAxis], v[colAxis], dims[rowAxis] - 1 - v[rowAxis]};
  }

  /**
   * Slice {@code s} as row-major {@code height x width} values.
   *
   * @param volume a volume on this view's geometry
   * @param s the slice index
   * @return a new array of {@code height * width} values
   */
  public float[] slice(Volume volume, int s) {
    checkArgument(java.util.Arrays.equals(volume.geometry().dims(), dims), "%s: grid %s differs from this view's %s",
        volume.source(), java.util.Arrays.toString(volume.geometry().dims()), java.util.Arrays.toString(dims));
    float[] data = volume.data();
    float[] out = new float[width() * height()];
    forEachPixel(s, (voxel, pixel) -> out[pixel] = data[voxel]);
    return out;
  }

  /**
   * Writes row-major slice values into an x-fastest volume array.
   *
   * @param volumeData the volume's values, x fastest, written in place
   * @param s the slice index
   * @param sliceValues {@code height * width} row-major values
   */
  public void put(float[] volumeData, int s, float[] sliceValues) {
    forEachPixel(s, (voxel, pixel) -> volumeData[voxel] = sliceValues[pixel]);
  }

  /**
   * Adds row-major slice values to an x-fastest volume array.
   *
   * @param volumeData the volume's values, x fastest, added to in place
   * @param s the slice index
   * @param sliceValues {@code height * width} row-major values
   */
  public void add(float[] volumeData, int s, float[] sliceValues) {
    forEachPixel(s, (voxel, pixel) -> volumeData[voxel] += sliceValues[pixel]);
  }

  private interface PixelVisitor {
    void visit(int voxelIndex, int pixelIndex);
  }

  private void forEachPixel(int s, PixelVisitor visitor) {
    checkElementIndex(s, count(), "slice");
    int w = width();
    for (int row = 0; row < height(); row++) {
      for (int col = 0; col < w; col++) {
        int[] v = toVoxel(s, col, row);
        visitor.visit(v[0] + dims[0] * (v[1] + dims[1] * v[2]), row * w + col);
      }
    }
  }

  /**
   * Slice {@code s} as a grey image (replicated to RGB) under an intensity range from {@link IntensityWindow}.
   *
   * @param volume the volume to slice, with the geometry this view was made for
   * @param s the 0-based slice index along this view's axis
   * @param range {@code {low, high}} in the volume's intensity units, from {@link IntensityWindow#range}
   * @return the slice as an image of this view's width and height, grey levels 0..255
   * @throws IllegalArgumentException if the volume's grid differs from this view's
   * @throws IndexOutOfBoundsException if {@code s} is not a slice of the view
   */
  public RgbImage image(Volume volume, int s, double[] range) {
    float[] values = slice(volume, s);
    byte[] rgb = new byte[values.length * 3];
    for (int p = 0; p < values.length; p++) {
      byte grey = (byte) IntensityWindow.grey(values[p], range);
      rgb[3 * p] = grey;
      rgb[3 * p + 1] = grey;
      rgb[3 * p + 2] = grey;
    }
    return RgbImage.ofRgbBytes(height(), width(), rgb);
  }
}
