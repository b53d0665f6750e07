package io.github.medsa.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

class SamPreprocessorTest {
  private final SamPreprocessor pre = SamPreprocessor.sam(128);

  private static double maxAbsDiff(INDArray a, INDArray b) {
    return a.castTo(DataType.DOUBLE).sub(b.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
  }

  @Test
  void fixtureImageGivesEncoderInput() {
    INDArray ref = Npy.load("encoder_input.npy").toFloatArray();
    PreparedImage p = pre.prepare(Npy.load("image.npy").toImage());
    assertThat(p.pixels().shape()).containsExactly(1, 3, 128, 128);
    assertThat(p.pixels().dataType()).isEqualTo(DataType.FLOAT);
    assertThat(new int[] {p.origH(), p.origW(), p.inputH(), p.inputW(), p.imageSize()})
        .containsExactly(217, 181, 128, 107, 128);
    double d = maxAbsDiff(p.pixels(), ref);
    System.out.printf("encoder input from image.npy: max |d| = %g%n", d);
    assertThat(d).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void resizedFixtureGivesEncoderInputExactly() {
    INDArray ref = Npy.load("encoder_input.npy").toFloatArray();
    INDArray in = pre.toModelInput(Npy.load("image_resized.npy").toImage());
    double d = maxAbsDiff(in, ref);
    System.out.printf("encoder input from image_resized.npy: max |d| = %g%n", d);
    assertThat(d).isLessThanOrEqualTo(1e-6);
    // Padding (columns 107.. and, here, no rows) is exactly zero.
    INDArray pad = in.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(107, 128));
    assertThat(pad.amaxNumber().doubleValue()).isZero();
    // Pixel (0,0) of channel 0: (r - 123.675) / 58.395.
    RgbImage resized = Npy.load("image_resized.npy").toImage();
    assertThat(in.getFloat(0, 0, 5, 7)).isEqualTo((resized.get(5, 7, 0) - 123.675f) / 58.395f);
  }

  @Test
  void customMeanStdAndPaddingBelow() {
    SamPreprocessor identity = new SamPreprocessor(4, new double[] {0, 0, 0}, new double[] {1, 1, 1});
    // 1 x 2 image -> 2 x 4, padded to 4 x 4 below.
    RgbImage im = RgbImage.ofRgbBytes(1, 2, new byte[] {10, 20, 30, 10, 20, 30});
    PreparedImage p = identity.prepare(im);
    assertThat(new int[] {p.inputH(), p.inputW()}).containsExactly(2, 4);
    assertThat(p.pixels().getFloat(0, 2, 1, 3)).isEqualTo(30f);
    assertThat(p.pixels().getFloat(0, 0, 2, 0)).isZero();
    assertThat(p.pixels().getFloat(0, 1, 3, 3)).isZero();
    assertThatThrownBy(() -> new SamPreprocessor(4, new double[] {0, 0}, new double[] {1, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pixelMean needs 3");
    assertThatThrownBy(() -> new SamPreprocessor(4, new double[] {0, 0, 0}, new double[] {1, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pixelStd");
  }
}
