package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Window partition of a channels-last grid (zero padding at the bottom and right) and its inverse. */
class WindowPartitionTest {
  private static final int B = 2;
  private static final int G = 5;
  private static final int WS = 3;
  private static final int C = 2;

  /** x[b, y, x, c] = 1000 b + 100 y + 10 x + c + 1 (never 0, so padding is recognisable). */
  private static INDArray grid() {
    INDArray a = Nd4j.create(DataType.FLOAT, B, G, G, C);
    for (int b = 0; b < B; b++) {
      for (int y = 0; y < G; y++) {
        for (int x = 0; x < G; x++) {
          for (int c = 0; c < C; c++) {
            a.putScalar(new long[] {b, y, x, c}, 1000 * b + 100 * y + 10 * x + c + 1);
          }
        }
      }
    }
    return a;
  }

  @Test
  void windowsAreCutRowMajorWithZeroPadding() {
    SameDiff sd = SameDiff.create();
    INDArray in = grid();
    INDArray windows = ImageEncoder.windowPartition(sd.constant(in), G, WS, C).eval();
    // 5 padded to 6: 2 x 2 windows per image, batch outermost, then window row, window column.
    assertThat(windows.shape()).containsExactly(B * 4, WS, WS, C);
    for (int b = 0; b < B; b++) {
      for (int w = 0; w < 4; w++) {
        for (int y = 0; y < WS; y++) {
          for (int x = 0; x < WS; x++) {
            int gy = (w / 2) * WS + y;
            int gx = (w % 2) * WS + x;
            for (int c = 0; c < C; c++) {
              float expected = gy < G && gx < G ? in.getFloat(b, gy, gx, c) : 0f;
              assertThat(windows.getFloat(b * 4 + w, y, x, c)).as("window %s of image %s at (%s, %s, %s)", w, b, y,
                  x, c).isEqualTo(expected);
            }
          }
        }
      }
    }
  }

  @Test
  void unpartitionInvertsPartitionAndCropsThePadding() {
    SameDiff sd = SameDiff.create();
    INDArray in = grid();
    SDVariable windows = ImageEncoder.windowPartition(sd.constant(in), G, WS, C);
    INDArray back = ImageEncoder.windowUnpartition(windows, G, WS, C).eval();
    assertThat(back.shape()).containsExactly(B, G, G, C);
    assertThat(back.equals(in)).isTrue();
  }
}
