package io.github.medsa.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SurfaceDistanceTest {

  @Test
  void distanceTransformMatchesBruteForceOnRandomMasks() {
    Random random = new Random(42);
    List<int[]> shapes = List.of(new int[] {17, 23}, new int[] {6, 9, 11}, new int[] {1, 40}, new int[] {31});
    List<double[]> spacings = List.of(new double[] {1.5, 0.7}, new double[] {2.5, 1, 0.8}, new double[] {1, 1},
        new double[] {0.3});
    for (int s = 0; s < shapes.size(); s++) {
      Grid grid = new Grid(shapes.get(s));
      for (double density : new double[] {0.01, 0.05, 0.3}) {
        boolean[] sites = new boolean[grid.size()];
        for (int i = 0; i < sites.length; i++) {
          sites[i] = random.nextDouble() < density;
        }
        sites[random.nextInt(sites.length)] = true;
        double[] fast = SurfaceDistance.distanceToNearest(sites, grid, spacings.get(s));
        double[] slow = bruteForceDistance(sites, grid, spacings.get(s));
        for (int i = 0; i < fast.length; i++) {
          assertThat(fast[i]).as("shape %s at %s", grid, grid.position(i)).isCloseTo(slow[i], within(1e-9));
        }
      }
    }
  }

  @Test
  void noSitesMeansInfiniteDistance() {
    Grid grid = new Grid(3, 4);
    assertThat(SurfaceDistance.distanceToNearest(new boolean[12], grid, new double[] {1, 1}))
        .containsOnly(Double.POSITIVE_INFINITY);
  }

  @Test
  void hausdorffMatchesBruteForceOnRandomBlobs() {
    Random random = new Random(3);
    for (int trial = 0; trial < 20; trial++) {
      int[] shape = trial % 2 == 0 ? new int[] {24, 19} : new int[] {7, 10, 9};
      double[] spacing = trial % 2 == 0 ? new double[] {1.2, 0.9} : new double[] {3, 0.8, 1.1};
      Grid grid = new Grid(shape);
      boolean[] a = blob(grid, random);
      boolean[] b = blob(grid, random);
      double expected = bruteForceHausdorff(a, b, grid, spacing, 95);
      assertThat(SurfaceDistance.hausdorff(a, b, grid, spacing, 95)).as("trial %s", trial)
          .isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void edgesUseFaceNeighboursAndTreatOutsideAsBackground() {
    // 4x4 all foreground except the corner (0,0). With the cross (scipy's default) the pixel (1,1) has only a
    // diagonal background neighbour, so it is interior; with a full 3x3 element it would be an edge. The outer
    // ring touches the array border, which counts as background, so it is all edge.
    Grid grid = new Grid(4, 4);
    boolean[] mask = new boolean[16];
    java.util.Arrays.fill(mask, true);
    mask[0] = false;
    boolean[] edges = SurfaceDistance.edges(mask, grid);
    boolean[] expected = {
        false, true, true, true,
        true, false, false, true,
        true, false, false, true,
        true, true, true, true};
    assertThat(edges).containsExactly(expected);
  }

  @Test
  void percentileInterpolatesLikeNumpy() {
    // numpy.percentile([1, 2, 3, 4], 95): position 0.95 * 3 = 2.85 -> 3 + 0.85 * (4 - 3) = 3.85.
    assertThat(SurfaceDistance.percentile(new double[] {4, 1, 3, 2}, 95)).isCloseTo(3.85, within(1e-12));
    // numpy.percentile([0, 10], 95) = 9.5; a single value is itself; 0 and 100 are min and max.
    assertThat(SurfaceDistance.percentile(new double[] {10, 0}, 95)).isCloseTo(9.5, within(1e-12));
    assertThat(SurfaceDistance.percentile(new double[] {7}, 95)).isEqualTo(7);
    assertThat(SurfaceDistance.percentile(new double[] {5, 2, 9}, 0)).isEqualTo(2);
    assertThat(SurfaceDistance.percentile(new double[] {5, 2, 9}, 100)).isEqualTo(9);
  }

  @Test
  void largeInputsAreFast() {
    // Two discs on 256x256 and two balls on 64x128x128; brute force would compare thousands of edge pairs.
    Grid plane = new Grid(256, 256);
    boolean[] a = new boolean[plane.size()];
    boolean[] b = new boolean[plane.size()];
    for (int i = 0; i < a.length; i++) {
      int r = i / 256;
      int c = i % 256;
      a[i] = (r - 128) * (r - 128) + (c - 128) * (c - 128) <= 80 * 80;
      b[i] = (r - 128) * (r - 128) + (c - 138) * (c - 138) <= 80 * 80;
    }
    long start = System.nanoTime();
    double hd = SurfaceDistance.hausdorff(a, b, plane, new double[] {1, 1}, 95);
    // Discs of equal radius shifted by 10: the farthest edge points are 10 apart, most are closer.
    assertThat(hd).isGreaterThan(5).isLessThanOrEqualTo(10);

    Grid volume = new Grid(64, 128, 128);
    boolean[] va = new boolean[volume.size()];
    boolean[] vb = new boolean[volume.size()];
    for (int i = 0; i < va.length; i++) {
      int z = volume.coordinate(i, 0);
      int y = volume.coordinate(i, 1);
      int x = volume.coordinate(i, 2);
      int dz = 2 * (z - 32);
      va[i] = dz * dz + (y - 64) * (y - 64) + (x - 64) * (x - 64) <= 40 * 40;
      vb[i] = dz * dz + (y - 64) * (y - 64) + (x - 70) * (x - 70) <= 40 * 40;
    }
    double hd3 = SurfaceDistance.hausdorff(va, vb, volume, new double[] {2, 1, 1}, 95);
    assertThat(hd3).isGreaterThan(3).isLessThanOrEqualTo(6 + 1e-9);
    assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(20);
  }

  private static boolean[] blob(Grid grid, Random random) {
    // A union of a few random boxes: realistic edges, sometimes touching the array border.
    boolean[] mask = new boolean[grid.size()];
    int boxes = 1 + random.nextInt(3);
    for (int k = 0; k < boxes; k++) {
      int[] lo = new int[grid.rank()];
      int[] hi = new int[grid.rank()];
      for (int d = 0; d < grid.rank(); d++) {
        lo[d] = random.nextInt(grid.extent(d));
        hi[d] = Math.min(grid.extent(d), lo[d] + 1 + random.nextInt(grid.extent(d) / 2 + 1));
      }
      for (int i = 0; i < mask.length; i++) {
        boolean inside = true;
        for (int d = 0; d < grid.rank() && inside; d++) {
          int c = grid.coordinate(i, d);
          inside = c >= lo[d] && c < hi[d];
        }
        mask[i] |= inside;
      }
    }
    return mask;
  }

  /** The oracle: pairwise Euclidean distances, independent of the 1-D passes. */
  private static double[] bruteForceDistance(boolean[] sites, Grid grid, double[] spacing) {
    double[] out = new double[sites.length];
    for (int i = 0; i < sites.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int j = 0; j < sites.length; j++) {
        if (sites[j]) {
          best = Math.min(best, distance(i, j, grid, spacing));
        }
      }
      out[i] = best;
    }
    return out;
  }

  private static double bruteForceHausdorff(boolean[] a, boolean[] b, Grid grid, double[] spacing, double q) {
    boolean[] ea = bruteForceEdges(a, grid);
    boolean[] eb = bruteForceEdges(b, grid);
    return Math.max(SurfaceDistance.percentile(directed(ea, eb, grid, spacing), q),
        SurfaceDistance.percentile(directed(eb, ea, grid, spacing), q));
  }

  private static double[] directed(boolean[] from, boolean[] to, Grid grid, double[] spacing) {
    List<Double> values = new ArrayList<>();
    for (int i = 0; i < from.length; i++) {
      if (from[i]) {
        double best = Double.POSITIVE_INFINITY;
        for (int j = 0; j < to.length; j++) {
          if (to[j]) {
            best = Math.min(best, distance(i, j, grid, spacing));
          }
        }
        values.add(best);
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Erosion by the cross, written out per neighbour offset: {@code mask AND NOT erode(mask)}. */
  private static boolean[] bruteForceEdges(boolean[] mask, Grid grid) {
    boolean[] edges = new boolean[mask.length];
    for (int i = 0; i < mask.length; i++) {
      boolean eroded = mask[i];
      for (int d = 0; d < grid.rank(); d++) {
        for (int step : new int[] {-1, 1}) {
          int c = grid.coordinate(i, d) + step;
          boolean neighbour = c >= 0 && c < grid.extent(d) && mask[i + step * grid.stride(d)];
          eroded &= neighbour;
        }
      }
      edges[i] = mask[i] && !eroded;
    }
    return edges;
  }

  private static double distance(int i, int j, Grid grid, double[] spacing) {
    double sum = 0;
    for (int d = 0; d < grid.rank(); d++) {
      double delta = (grid.coordinate(i, d) - grid.coordinate(j, d)) * spacing[d];
      sum += delta * delta;
    }
    return Math.sqrt(sum);
  }
}
