package io.github.medsa.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.Map;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.MmulBp;
import org.nd4j.linalg.factory.Nd4j;

/** Our reverse-mode pass against central differences, on small float64 graphs. */
class BackpropTest {
  private static final double H = 1e-6;

  /**
   * {@code loss = sum(C * R)}, {@code C = op(A) op(B)} (each transposed or not, the product too), one operand
   * trainable and the other frozen: the frozen one's gradient is never computed (one matmul forward, one backward,
   * no matmul_bp) and the trainable one's is exact.
   */
  @Test
  void aMatmulWithAFrozenOperandGetsOnlyTheOtherOperandsGradient() {
    int m = 3;
    int k = 4;
    int n = 5;
    for (int flags = 0; flags < 8; flags++) {
      boolean tA = (flags & 1) != 0;
      boolean tB = (flags & 2) != 0;
      boolean tC = (flags & 4) != 0;
      for (boolean trainA : new boolean[] {true, false}) {
        SameDiff sd = SameDiff.create();
        INDArray a = Nd4j.rand(DataType.DOUBLE, tA ? new long[] {k, m} : new long[] {m, k}).subi(0.5);
        INDArray b = Nd4j.rand(DataType.DOUBLE, tB ? new long[] {n, k} : new long[] {k, n}).subi(0.5);
        SDVariable va = trainA ? sd.var("a", a) : sd.constant("a", a);
        SDVariable vb = trainA ? sd.constant("b", b) : sd.var("b", b);
        SDVariable c = sd.mmul(va, vb, tA, tB, tC);
        INDArray r = Nd4j.rand(DataType.DOUBLE, tC ? new long[] {n, m} : new long[] {m, n});
        sd.sum("loss", c.mul(sd.constant(r)));
        String trained = trainA ? "a" : "b";
        String what = String.format("tA %s tB %s tC %s, %s trained", tA, tB, tC, trained);

        Map<String, String> names = Backprop.append(sd, "loss");

        assertThat(names).as(what).containsExactly(Map.entry(trained, trained + Backprop.GRADIENT_SUFFIX));
        assertThat(sd.getOps().values().stream().map(SameDiffOp::getOp).filter(Mmul.class::isInstance)).as(what)
            .hasSize(2);
        assertThat(sd.getOps().values().stream().map(SameDiffOp::getOp)).as(what)
            .noneMatch(MmulBp.class::isInstance);
        assertMatchesCentralDifferences(sd, trained, what);
      }
    }
  }

  /**
   * The general path ({@code doDiff}): a tensor used by several ops sums their contributions, a matmul of two
   * operands that both need a gradient, an op output the loss does not use (zeros), and a trainable tensor the loss
   * does not depend on (no gradient).
   */
  @Test
  void sharedTensorsUnusedOutputsAndUnusedTensors() {
    SameDiff sd = SameDiff.create();
    SDVariable w = sd.var("w", Nd4j.rand(DataType.DOUBLE, 3, 4).subi(0.5));
    SDVariable v = sd.var("v", Nd4j.rand(DataType.DOUBLE, 4, 2).subi(0.5));
    sd.var("unused", Nd4j.rand(DataType.DOUBLE, 2, 2));
    SDVariable frozen = sd.constant("frozen", Nd4j.rand(DataType.DOUBLE, 3, 4));
    SDVariable[] rows = sd.unstack(w.mul(w).add(frozen), 0, 3); // rows 1 and 2 are not used
    SDVariable both = sd.mmul(w, v); // both operands trainable
    sd.sum("loss", sd.math.sin(rows[0]).add(sd.sum(both.mul(both))).add(sd.math.cos(w).sum()));

    Map<String, String> names = Backprop.append(sd, "loss");

    assertThat(names).containsOnlyKeys("w", "v");
    assertMatchesCentralDifferences(sd, "w", "w");
    assertMatchesCentralDifferences(sd, "v", "v");
  }

  /** The gradient variable of {@code name} against central differences of the loss, element by element. */
  private static void assertMatchesCentralDifferences(SameDiff sd, String name, String what) {
    INDArray analytic = sd.outputSingle(Map.of(), name + Backprop.GRADIENT_SUFFIX);
    INDArray x = sd.getArrForVarName(name);
    DoubleSupplier loss = () -> sd.outputSingle(Map.of(), "loss").getDouble(0);
    assertThat(analytic.shape()).as(what).isEqualTo(x.shape());
    for (long i = 0; i < x.length(); i++) {
      double x0 = x.getDouble(i);
      x.putScalar(i, x0 + H);
      double up = loss.getAsDouble();
      x.putScalar(i, x0 - H);
      double down = loss.getAsDouble();
      x.putScalar(i, x0);
      double numeric = (up - down) / (2 * H);
      assertThat(analytic.getDouble(i)).as("%s: d loss / d %s[%s]", what, name, i)
          .isCloseTo(numeric, offset(1e-7 + 1e-6 * Math.abs(numeric)));
    }
  }
}
