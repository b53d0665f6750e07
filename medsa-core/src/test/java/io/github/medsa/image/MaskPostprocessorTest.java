package io.github.medsa.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MaskPostprocessorTest {
  private final MaskPostprocessor post = new MaskPostprocessor();

  @Test
  void everyCaseMatchesReferenceLogitsAndMasks() {
    for (int i = 0; i < 5; i++) {
      INDArray low = Npy.load("case_" + i + "/low_res_logits.npy").toFloatArray();
      Npy ref = Npy.load("case_" + i + "/mask_logits.npy");
      Npy refMasks = Npy.load("case_" + i + "/masks.npy");
      INDArray out = post.upscaleLogits(low, 128, 107, 128, 217, 181);
      assertThat(out.shape()).containsExactly(ref.shape());
      assertThat(out.dataType()).isEqualTo(DataType.FLOAT);
      double[] o = out.ravel().toDoubleVector();
      double maxRef = 0;
      double maxD = 0;
      for (int k = 0; k < o.length; k++) {
        maxRef = Math.max(maxRef, Math.abs(ref.data()[k]));
        maxD = Math.max(maxD, Math.abs(o[k] - ref.data()[k]));
      }
      INDArray masks = MaskPostprocessor.toMasks(out);
      assertThat(masks.dataType()).isEqualTo(DataType.BOOL);
      assertThat(masks.shape()).containsExactly(ref.shape());
      int positives = 0;
      int mismatches = 0;
      double[] m = masks.castTo(DataType.DOUBLE).ravel().toDoubleVector();
      for (int k = 0; k < m.length; k++) {
        positives += m[k] > 0 ? 1 : 0;
        if (m[k] != refMasks.data()[k]) {
          mismatches++;
          assertThat(Math.abs(ref.data()[k])).as("mask mismatch at %s in case %s", k, i).isLessThan(1e-3);
        }
      }
      System.out.printf("case_%d: logits max |d| = %.3g (max |ref| %.3g), mask mismatches %d, positives %d/%d%n",
          i, maxD, maxRef, mismatches, positives, m.length);
      assertThat(maxD).isLessThanOrEqualTo(1e-4 * Math.max(1, maxRef));
      assertThat(positives).isPositive().isLessThan(m.length);
    }
  }

  @Test
  void preparedImageOverloadAndBatches() {
    INDArray low = Npy.load("case_0/low_res_logits.npy").toFloatArray();
    INDArray batch = Nd4j.concat(0, low, low.mul(-1));
    PreparedImage p = new PreparedImage(Nd4j.zeros(DataType.FLOAT, 1, 3, 128, 128), 217, 181, 128, 107);
    INDArray out = post.upscaleLogits(batch, p);
    assertThat(out.shape()).containsExactly(2, 3, 217, 181);
    INDArray single = post.upscaleLogits(low, 128, 107, 128, 217, 181);
    assertThat(out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0))).isEqualTo(single.reshape(3, 217, 181));
    assertThat(out.get(org.nd4j.linalg.indexing.NDArrayIndex.point(1)))
        .isEqualTo(single.reshape(3, 217, 181).mul(-1));
  }

  @Test
  void constantLogitsStayConstantAndMasksThresholdAtZero() {
    INDArray low = Nd4j.valueArrayOf(new long[] {1, 1, 4, 4}, 2.5f);
    INDArray out = post.upscaleLogits(low, 16, 10, 16, 9, 7);
    assertThat(out.shape()).containsExactly(1, 1, 9, 7);
    assertThat(out.minNumber().doubleValue()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(out.maxNumber().doubleValue()).isCloseTo(2.5, org.assertj.core.data.Offset.offset(1e-6));
    INDArray masks = MaskPostprocessor.toMasks(Nd4j.createFromArray(-1f, 0f, 1e-7f, Float.NaN));
    assertThat(masks.getDouble(0)).isZero();
    assertThat(masks.getDouble(1)).isZero();
    assertThat(masks.getDouble(2)).isEqualTo(1.0);
    assertThat(masks.getDouble(3)).isZero();
    assertThatThrownBy(() -> post.upscaleLogits(Nd4j.zeros(1, 4, 4), 16, 10, 16, 9, 7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, C, mh, mw]");
    assertThatThrownBy(() -> post.upscaleLogits(low, 17, 10, 16, 9, 7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("17 x 10");
  }
}
