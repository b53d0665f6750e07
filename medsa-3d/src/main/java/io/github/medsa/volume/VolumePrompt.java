package io.github.medsa.volume;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.List;

/**
 * A prompt for a volume, in voxel coordinates {@code (x, y, z)} = {@code (i, j, k)} of the image, or in world
 * coordinates (mm, RAS) converted with the image's affine: a 3D box, projected onto every slice it spans, and
 * clicks {@code (x, y, z, label)} that prompt the slice they lie on.
 */
public record VolumePrompt(double[] box, List<Click> clicks) {
  /**
   * A click on voxel {@code (x, y, z)}; label 1 = foreground, 0 = background.
   *
   * @param x voxel coordinate along the first axis (i)
   * @param y voxel coordinate along the second axis (j)
   * @param z voxel coordinate along the third axis (k, the slice)
   * @param label 1 = foreground, 0 = background
   */
  public record Click(double x, double y, double z, int label) {
    /**
     * Checks the click.
     *
     * @param x voxel coordinate along the first axis (i)
     * @param y voxel coordinate along the second axis (j)
     * @param z voxel coordinate along the third axis (k, the slice)
     * @param label 1 = foreground, 0 = background
     * @throws IllegalArgumentException if the label is not 0 or 1 or a coordinate is not finite
     */
    public Click {
      checkArgument(label == 0 || label == 1, "click label must be 1 or 0, got %s", label);
      checkArgument(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z), "click must be finite");
    }
  }

  /**
   * Checks and copies the parts.
   *
   * @param box {@code {x0, y0, z0, x1, y1, z1}} in voxels, or null for none
   * @param clicks the clicks, copied
   * @throws IllegalArgumentException if the box does not have 6 values, or there is neither box nor click
   */
  public VolumePrompt {
    checkArgument(box == null || box.length == 6, "a 3D box is x0, y0, z0, x1, y1, z1");
    box = box == null ? null : box.clone();
    clicks = ImmutableList.copyOf(clicks);
    checkArgument(box != null || !clicks.isEmpty(), "a volume prompt needs a box or at least one click");
  }

  /** @return a copy of the voxel box {@code {x0, y0, z0, x1, y1, z1}}, or null when there is none */
  @Override
  public double[] box() {
    return box == null ? null : box.clone();
  }

  /** @return an empty builder */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks that every coordinate lies inside the volume's grid (edges included).
   *
   * @param g the volume's geometry
   * @throws IllegalArgumentException naming the box or click and the grid size
   */
  public void checkInside(Geometry g) {
    double[] max = {g.nx() - 1, g.ny() - 1, g.nz() - 1};
    if (box != null) {
      for (int a = 0; a < 3; a++) {
        checkArgument(box[a] <= box[a + 3], "box corners must be ordered: %s > %s on axis %s", box[a], box[a + 3], a);
        checkArgument(box[a] >= 0 && box[a + 3] <= max[a], "box (%s, %s, %s)-(%s, %s, %s) lies outside the %sx%sx%s"
            + " volume", box[0], box[1], box[2], box[3], box[4], box[5], g.nx(), g.ny(), g.nz());
      }
    }
    for (Click c : clicks) {
      checkArgument(c.x() >= 0 && c.x() <= max[0] && c.y() >= 0 && c.y() <= max[1] && c.z() >= 0 && c.z() <= max[2],
          "click (%s, %s, %s) lies outside the %sx%sx%s volume", c.x(), c.y(), c.z(), g.nx(), g.ny(), g.nz());
    }
  }

  /** Collects a box and clicks, in voxels or world mm; {@link #build()} checks them. */
  public static final class Builder {
    private double[] box;
    private final List<Click> clicks = new ArrayList<>();

    /**
     * The box in voxel coordinates (inclusive corners; order and range are checked by {@link #checkInside}).
     *
     * @param x0 first corner, first axis
     * @param y0 first corner, second axis
     * @param z0 first corner, third axis
     * @param x1 opposite corner, first axis
     * @param y1 opposite corner, second axis
     * @param z1 opposite corner, third axis
     * @return this builder
     */
    public Builder voxelBox(double x0, double y0, double z0, double x1, double y1, double z1) {
      box = new double[] {x0, y0, z0, x1, y1, z1};
      return this;
    }

    /**
     * A box given by two opposite world corners (mm, RAS) of a world-aligned box, converted to the voxel grid of
     * {@code g}: the voxel box spans all eight corners (on an oblique grid the two given corners alone miss part
     * of the extent). Coordinates that round onto the grid ({@code -0.5 < v < n - 0.5}) are moved to its edge.
     *
     * @param g the image's geometry
     * @param corner0 one world corner {@code {x, y, z}} in RAS+ mm
     * @param corner1 the opposite world corner in RAS+ mm
     * @return this builder
     * @throws IllegalArgumentException if a corner does not have 3 values or the affine is singular
     */
    public Builder worldBox(Geometry g, double[] corner0, double[] corner1) {
      checkArgument(corner0.length == 3 && corner1.length == 3, "world corners are (x, y, z), got %s and %s values",
          corner0.length, corner1.length);
      double[] lo = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
      double[] hi = {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY};
      for (int corner = 0; corner < 8; corner++) {
        double[] v = g.toVoxel((corner & 1) == 0 ? corner0[0] : corner1[0], (corner & 2) == 0 ? corner0[1] : corner1[1],
            (corner & 4) == 0 ? corner0[2] : corner1[2]);
        for (int a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], v[a]);
          hi[a] = Math.max(hi[a], v[a]);
        }
      }
      double[] l = ontoGrid(g, lo);
      double[] h = ontoGrid(g, hi);
      return voxelBox(l[0], l[1], l[2], h[0], h[1], h[2]);
    }

    /**
     * A click in voxel coordinates.
     *
     * @param x voxel coordinate along the first axis
     * @param y voxel coordinate along the second axis
     * @param z voxel coordinate along the third axis (the slice)
     * @param label 1 = foreground, 0 = background
     * @return this builder
     * @throws IllegalArgumentException if the label is not 0 or 1 or a coordinate is not finite
     */
    public Builder click(double x, double y, double z, int label) {
      clicks.add(new Click(x, y, z, label));
      return this;
    }

    /**
     * A click at world point {@code (x, y, z)} mm; a voxel coordinate that rounds onto the grid moves to its edge.
     *
     * @param g the image's geometry
     * @param x RAS+ x in mm
     * @param y RAS+ y in mm
     * @param z RAS+ z in mm
     * @param label 1 = foreground, 0 = background
     * @return this builder
     * @throws IllegalArgumentException if the label is not 0 or 1, or the affine is singular
     */
    public Builder worldClick(Geometry g, double x, double y, double z, int label) {
      double[] v = ontoGrid(g, g.toVoxel(x, y, z));
      return click(v[0], v[1], v[2], label);
    }

    /** Voxel coordinates whose nearest voxel is on the grid are clamped to {@code [0, n - 1]}; others are kept. */
    private static double[] ontoGrid(Geometry g, double[] v) {
      int[] n = g.dims();
      double[] out = v.clone();
      for (int a = 0; a < 3; a++) {
        if (out[a] < 0 && out[a] > -0.5) {
          out[a] = 0;
        } else if (out[a] > n[a] - 1 && out[a] < n[a] - 0.5) {
          out[a] = n[a] - 1;
        }
      }
      return out;
    }

    /**
     * Builds the prompt.
     *
     * @return the prompt
     * @throws IllegalArgumentException if there is neither box nor click, or the box does not have 6 values
     */
    public VolumePrompt build() {
      return new VolumePrompt(box, clicks);
    }
  }
}
