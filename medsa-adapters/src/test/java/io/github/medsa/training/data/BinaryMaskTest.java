package io.github.medsa.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.medsa.image.RgbImage;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BinaryMaskTest {

  /** Height 10, width 20, foreground at x 15..17, y 2..3 (6 pixels). */
  static BinaryMask asymmetric() {
    boolean[] data = new boolean[10 * 20];
    for (int y = 2; y <= 3; y++) {
      for (int x = 15; x <= 17; x++) {
        data[y * 20 + x] = true;
      }
    }
    return new BinaryMask(10, 20, data);
  }

  @Test
  void getCountAndBoundingBoxUseRowColumnAndXy() {
    BinaryMask m = asymmetric();
    assertThat(m.count()).isEqualTo(6);
    assertThat(m.get(2, 15)).isTrue();
    assertThat(m.get(3, 17)).isTrue();
    assertThat(m.get(2, 14)).isFalse();
    assertThat(m.get(4, 15)).isFalse();
    assertThat(m.boundingBox()).hasValueSatisfying(b -> assertThat(b).containsExactly(15, 2, 17, 3));
    assertThatThrownBy(() -> m.get(10, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> m.get(0, 20)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void emptyMaskHasNoBoundingBox() {
    BinaryMask m = new BinaryMask(3, 4, new boolean[12]);
    assertThat(m.count()).isZero();
    assertThat(m.isEmpty()).isTrue();
    assertThat(m.boundingBox()).isEmpty();
  }

  @Test
  void fromLabelsAppliesThePredicateRowMajor() {
    int[] labels = {0, 77, 78, 5, 77, 0};
    BinaryMask m = BinaryMask.fromLabels(labels, 2, 3, MaskRule.labels(77, 78));
    assertThat(m.data()).containsExactly(false, true, true, false, true, false);
    assertThat(m.get(1, 1)).isTrue();
    assertThat(m.get(1, 0)).isFalse();
    assertThat(BinaryMask.fromLabels(labels, 2, 3, MaskRule.nonZero()).count()).isEqualTo(4);
    assertThat(BinaryMask.fromLabels(labels, 2, 3, MaskRule.threshold(78)).count()).isEqualTo(1);
    assertThatThrownBy(() -> BinaryMask.fromLabels(labels, 2, 2, MaskRule.nonZero()))
        .hasMessageContaining("needs 4 values, got 6");
  }

  @Test
  void toINDArrayIsHeightByWidthZeroOne() {
    INDArray a = asymmetric().toINDArray();
    assertThat(a.shape()).containsExactly(10, 20);
    assertThat(a.dataType()).isEqualTo(DataType.FLOAT);
    assertThat(a.getFloat(2, 15)).isEqualTo(1f);
    assertThat(a.getFloat(3, 17)).isEqualTo(1f);
    assertThat(a.getFloat(2, 14)).isEqualTo(0f);
    assertThat(a.sumNumber().doubleValue()).isEqualTo(6.0);
  }

  @Test
  void isImmutableAndComparedByValue() {
    boolean[] data = new boolean[4];
    BinaryMask m = new BinaryMask(2, 2, data);
    data[0] = true;
    assertThat(m.count()).isZero();
    m.data()[1] = true;
    assertThat(m.count()).isZero();
    assertThat(m).isEqualTo(new BinaryMask(2, 2, new boolean[4])).isNotEqualTo(new BinaryMask(1, 4, new boolean[4]));
    assertThat(m.hashCode()).isEqualTo(new BinaryMask(2, 2, new boolean[4]).hashCode());
  }

  @Test
  void sampleChecksSizesAndNamesTheId() {
    RgbImage image = RgbImage.of(Nd4j.zeros(DataType.INT, 10, 20));
    assertThat(new Sample("a", image, asymmetric()).mask().count()).isEqualTo(6);
    assertThatThrownBy(() -> new Sample("case_7", image, new BinaryMask(10, 21, new boolean[210])))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("case_7")
        .hasMessageContaining("10 x 20")
        .hasMessageContaining("10 x 21");
  }
}
