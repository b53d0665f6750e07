package io.github.medsa.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResizeLongestSideTest {
  private static final int[] ORIG = {217, 181};
  private final ResizeLongestSide resize = new ResizeLongestSide(128);

  @Test
  void targetSizeMatchesReference() {
    ResizeLongestSide sam = new ResizeLongestSide(1024);
    assertThat(sam.targetSize(480, 640)).containsExactly(768, 1024);
    assertThat(sam.targetSize(1000, 500)).containsExactly(1024, 512);
    assertThat(sam.targetSize(1024, 1024)).containsExactly(1024, 1024);
    assertThat(resize.targetSize(217, 181)).containsExactly(128, 107);
    // 181 * 128 / 217 = 106.77 rounds up; 1 x 3 at 1024 -> 341.33 rounds down.
    assertThat(sam.targetSize(1, 3)).containsExactly(341, 1024);
    assertThatThrownBy(() -> sam.targetSize(0, 5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 x 5");
  }

  @Test
  void resizeIsPillowExactOnFixture() {
    RgbImage image = Npy.load("image.npy").toImage();
    Npy ref = Npy.load("image_resized.npy");
    RgbImage out = resize.apply(image);
    assertThat(out.height()).isEqualTo(128);
    assertThat(out.width()).isEqualTo(107);
    int max = 0;
    int count = 0;
    for (int y = 0; y < 128; y++) {
      for (int x = 0; x < 107; x++) {
        for (int c = 0; c < 3; c++) {
          int d = Math.abs(out.get(y, x, c) - (int) ref.data()[(y * 107 + x) * 3 + c]);
          max = Math.max(max, d);
          count += d > 0 ? 1 : 0;
        }
      }
    }
    System.out.printf("resize vs image_resized.npy: max |d| = %d, differing values = %d%n", max, count);
    assertThat(max).isZero();
    assertThat(out).isEqualTo(ref.toImage());
  }

  @Test
  void sameSizeIsIdentityAndUniformStaysUniform() {
    RgbImage small = RgbImage.ofRgbBytes(1, 2, new byte[] {1, 2, 3, 4, 5, 6});
    assertThat(new ResizeLongestSide(2).apply(small)).isSameAs(small);

    byte[] grey = new byte[7 * 5 * 3];
    java.util.Arrays.fill(grey, (byte) 200);
    RgbImage uniform = RgbImage.ofRgbBytes(7, 5, grey);
    RgbImage up = new ResizeLongestSide(20).apply(uniform);   // upscaling, support 1
    RgbImage down = new ResizeLongestSide(3).apply(uniform);  // antialiased shrink
    assertThat(up.height()).isEqualTo(20);
    assertThat(up.width()).isEqualTo(14);
    assertThat(down.height()).isEqualTo(3);
    assertThat(down.width()).isEqualTo(2);
    for (RgbImage im : new RgbImage[] {up, down}) {
      for (int y = 0; y < im.height(); y++) {
        for (int x = 0; x < im.width(); x++) {
          assertThat(im.get(y, x, 1)).isEqualTo(200);
        }
      }
    }
  }

  @Test
  void upscalingInterpolatesLikePillow() {
    // Pillow: Image.fromarray(np.array([[0, 255]] * 1, np.uint8)).resize((4, 1), BILINEAR)
    // centres 0.25, 0.75 in pixel 0 and 1.25, 1.75: weights (1, 0), (0.75, 0.25), (0.25, 0.75), (0, 1) -> 0, 64, 191, 255
    RgbImage row = RgbImage.ofRgbBytes(1, 2, new byte[] {0, 0, 0, (byte) 255, (byte) 255, (byte) 255});
    RgbImage out = new ResizeLongestSide(4).apply(row);
    assertThat(out.height()).isEqualTo(2);
    assertThat(out.width()).isEqualTo(4);
    int[] expected = {0, 64, 191, 255};
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 4; x++) {
        assertThat(out.get(y, x, 0)).as("x=%s", x).isEqualTo(expected[x]);
      }
    }
  }

  @Test
  void pointsMatchApplyCoords() {
    double max = 0;
    for (int i : new int[] {0, 1, 3, 4}) {  // case_2 is box-only
      double[][] pts = Npy.load("case_" + i + "/point_coords.npy").rows(2);
      double[][] ref = Npy.load("case_" + i + "/point_coords_resized.npy").rows(2);
      double[][] out = resize.applyCoords(pts, ORIG[0], ORIG[1]);
      assertThat(out.length).isEqualTo(ref.length);
      for (int p = 0; p < out.length; p++) {
        for (int k = 0; k < 2; k++) {
          assertThat((double) (float) out[p][k]).isCloseTo(ref[p][k], within(1e-4));
          max = Math.max(max, Math.abs((float) out[p][k] - ref[p][k]));
        }
      }
    }
    System.out.printf("point coords vs point_coords_resized.npy: max |d| = %g%n", max);
    // Explicit value: x 90 * 107/181, y 110 * 128/217.
    double[][] one = resize.applyCoords(new double[][] {{90, 110}}, 217, 181);
    assertThat(one[0][0]).isCloseTo(53.204419889, within(1e-6));
    assertThat(one[0][1]).isCloseTo(64.884792627, within(1e-6));
  }

  @Test
  void boxesMapAsTwoCorners() {
    for (int i : new int[] {2, 3}) {
      double[] box = Npy.load("case_" + i + "/box.npy").data();
      assertThat(box).containsExactly(60.0, 80.0, 125.0, 150.0);
      double[][] out = resize.applyBoxes(new double[][] {box}, ORIG[0], ORIG[1]);
      double[][] corners = resize.applyCoords(new double[][] {{box[0], box[1]}, {box[2], box[3]}}, 217, 181);
      assertThat(out[0]).containsExactly(corners[0][0], corners[0][1], corners[1][0], corners[1][1]);
      assertThat(out[0][0]).isCloseTo(60 * 107 / 181.0, within(1e-9));
      assertThat(out[0][1]).isCloseTo(80 * 128 / 217.0, within(1e-9));
      assertThat(out[0][2]).isCloseTo(125 * 107 / 181.0, within(1e-9));
      assertThat(out[0][3]).isCloseTo(150 * 128 / 217.0, within(1e-9));
    }
    assertThatThrownBy(() -> resize.applyBoxes(new double[][] {{1, 2, 3}}, 10, 10))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("box 0");
  }
}
