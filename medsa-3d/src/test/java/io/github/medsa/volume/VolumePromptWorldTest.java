package io.github.medsa.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/**
 * World-coordinate prompts on an oblique grid: 30-ish degrees about z (cos 0.8, sin 0.6), spacing 2 x 3 x 1.5 mm,
 * origin (10, -5, 7). By hand, with dx = x - 10, dy = y + 5: i = (0.8 dx + 0.6 dy) / 2, j = (-0.6 dx + 0.8 dy) / 3,
 * k = (z - 7) / 1.5.
 */
class VolumePromptWorldTest {
  private static final Geometry OBLIQUE = new Geometry(new int[] {8, 8, 4}, new double[] {2, 3, 1.5},
      new double[][] {{1.6, -1.8, 0, 10}, {1.2, 2.4, 0, -5}, {0, 0, 1.5, 7}, {0, 0, 0, 1}});

  @Test
  void worldBoxSpansAllEightCorners() {
    // dx in [0, 3], dy in [1.5, 6], z in [7, 10]. i over the corners: 0.45 (0, 1.5) .. 3 (3, 6);
    // j: -0.2 (3, 1.5) .. 1.6 (0, 6), and -0.2 rounds to the grid's edge 0; k: 0 .. 2.
    // The two given corners alone would give j in [0.4, 1].
    VolumePrompt p = VolumePrompt.builder()
        .worldBox(OBLIQUE, new double[] {10, -3.5, 7}, new double[] {13, 1, 10}).build();
    double[] b = p.box();
    double[] expected = {0.45, 0, 0, 3, 1.6, 2};
    for (int a = 0; a < 6; a++) {
      assertThat(b[a]).as("box[%s]", a).isCloseTo(expected[a], offset(1e-9));
    }
    p.checkInside(OBLIQUE);
  }

  @Test
  void worldClickMapsToItsVoxelAndAcceptsTheEdge() {
    // voxel (2, 1, 3) = (10 + 1.6 * 2 - 1.8, -5 + 1.2 * 2 + 2.4, 7 + 4.5)
    VolumePrompt p = VolumePrompt.builder().worldClick(OBLIQUE, 11.4, -0.2, 11.5, 1).build();
    VolumePrompt.Click c = p.clicks().get(0);
    assertThat(new double[] {c.x(), c.y(), c.z()}).containsExactly(new double[] {2, 1, 3}, offset(1e-9));
    // voxel (7.3, -0.2, 0): both round onto the grid (7 and 0), so they are accepted at the edge.
    double[] w = OBLIQUE.toWorld(7.3, -0.2, 0);
    VolumePrompt edge = VolumePrompt.builder().worldClick(OBLIQUE, w[0], w[1], w[2], 0).build();
    VolumePrompt.Click e = edge.clicks().get(0);
    assertThat(new double[] {e.x(), e.y(), e.z()}).containsExactly(new double[] {7, 0, 0}, offset(1e-9));
    edge.checkInside(OBLIQUE);
  }
}
