package io.github.medsa.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

class ConstantFoldingTest {
  /** Records the name of every op a call executes. */
  private static final class Executed extends BaseListener {
    final List<String> ops = new ArrayList<>();

    @Override
    public boolean isActive(Operation operation) {
      return true;
    }

    @Override
    public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext opContext,
        INDArray[] outputs) {
      ops.add(op.getOp().opName());
    }
  }

  /** y = x @ (w^T * s * 0.5) + v * 2, with w, s frozen and v trainable. */
  private static SameDiff graph() {
    SameDiff sd = SameDiff.create();
    SDVariable w = sd.constant("w", Nd4j.createFromArray(new float[][] {{1, 2}, {3, 4}}));
    SDVariable s = sd.constant("s", Nd4j.createFromArray(new float[] {10, 100}));
    SDVariable folded = w.permute(1, 0).mul(s).mul(0.5).rename("wf");
    SDVariable v = sd.var("v", Nd4j.createFromArray(new float[] {1, -1}));
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2);
    sd.mmul(x, folded).add(v.mul(2)).rename("y");
    return sd;
  }

  private static INDArray run(SameDiff sd, Executed executed, String output) {
    sd.setListeners(executed);
    return sd.output(Map.of("x", Nd4j.createFromArray(new float[][] {{1, 1}})), output).get(output);
  }

  @Test
  void frozenOnlyValuesAreComputedOnceAndTheResultIsUnchanged() {
    SameDiff sd = graph();
    Executed before = new Executed();
    // w^T * s * 0.5 = [[5, 150], [10, 200]]; [1, 1] @ that = [15, 350]; + [2, -2].
    assertThat(run(sd, before, "y").toFloatVector()).containsExactly(17f, 348f);
    assertThat(before.ops).containsExactlyInAnyOrder("permute", "multiply", "mul_scalar", "mul_scalar", "matmul", "add");

    assertThat(ConstantFolding.fold(sd)).isEqualTo(1);

    SDVariable constant = sd.getVariable(ConstantFolding.PREFIX + "wf");
    assertThat(constant.getVariableType()).isEqualTo(VariableType.CONSTANT);
    assertThat(constant.getArr().toFloatMatrix()).isEqualTo(new float[][] {{5, 150}, {10, 200}});
    Executed after = new Executed();
    assertThat(run(sd, after, "y").toFloatVector()).containsExactly(17f, 348f);
    // The trainable v's product is not folded; the frozen weight's three ops are gone from the call.
    assertThat(after.ops).containsExactlyInAnyOrder("mul_scalar", "matmul", "add");
  }

  @Test
  void aFoldedValueAskedForByNameIsStillComputed() {
    SameDiff sd = graph();
    ConstantFolding.fold(sd);
    Executed executed = new Executed();
    assertThat(run(sd, executed, "wf").toFloatMatrix()).isEqualTo(new float[][] {{5, 150}, {10, 200}});
    assertThat(executed.ops).containsExactlyInAnyOrder("permute", "multiply", "mul_scalar");
  }

  @Test
  void aGraphWithoutFrozenComputationsIsLeftAlone() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 2);
    x.mul(sd.constant("c", Nd4j.createFromArray(new float[] {2, 3}))).rename("y");
    assertThat(ConstantFolding.fold(sd)).isZero();
    assertThat(run(sd, new Executed(), "y").toFloatVector()).containsExactly(2f, 3f);
  }
}
