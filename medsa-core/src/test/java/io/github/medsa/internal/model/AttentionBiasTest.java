package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** TinyViT's offset index (derived, as MobileSAM does not save it) and the two ways of spreading the table. */
class AttentionBiasTest {
  @Test
  void offsetsAreNumberedByFirstAppearanceRowMajor() {
    // Window 2: positions (0,0) (0,1) (1,0) (1,1); offsets (0,0)=0, (0,1)=1, (1,0)=2, (1,1)=3.
    assertThat(AttentionBias.index(2)).containsExactly(
        0, 1, 2, 3,
        1, 0, 3, 2,
        2, 3, 0, 1,
        3, 2, 1, 0);
    int[] idx = AttentionBias.index(3);
    // Row 0 meets every offset in row-major order of the key: (0,0) (0,1) (0,2) (1,0) ... (2,2).
    assertThat(java.util.Arrays.copyOf(idx, 9)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    // Position 4 (the centre, (1,1)) to position 0 ((0,0)): offset (1,1), numbered 4.
    assertThat(idx[4 * 9]).isEqualTo(4);
    assertThat(java.util.Arrays.stream(AttentionBias.index(7)).max().getAsInt()).isEqualTo(AttentionBias.offsets(7) - 1);
  }

  @Test
  void trainableTableGivesTheGatheredBiasAndItsGradient() {
    int heads = 2;
    int ws = 3;
    INDArray table = Nd4j.linspace(DataType.FLOAT, 1, heads * 9, 1).reshape(heads, 9);
    SameDiff sd = SameDiff.create();
    INDArray gathered = AttentionBias.spread(sd.constant("t", table), heads, ws).eval();
    SDVariable variable = sd.var("v", table.dup());
    SDVariable spread = AttentionBias.spread(variable, heads, ws);
    assertThat(spread.eval()).isEqualTo(gathered);
    int[] idx = AttentionBias.index(ws);
    assertThat(gathered.getFloat(1, 2, 7)).isEqualTo(table.getFloat(1, idx[2 * 9 + 7]));
    // d sum(bias) / d table[h, k] = how many position pairs share offset k.
    sd.sum("loss", spread);
    sd.setLossVariables("loss");
    INDArray grad = sd.calculateGradients(Map.of(), List.of("v")).get("v");
    int[] uses = new int[9];
    for (int k : idx) {
      uses[k]++;
    }
    for (int k = 0; k < 9; k++) {
      assertThat(grad.getFloat(0, k)).isEqualTo(uses[k]);
      assertThat(grad.getFloat(1, k)).isEqualTo(uses[k]);
    }
    assertThat(uses[0]).isEqualTo(9);
    assertThat(uses[8]).isEqualTo(4);
  }
}
