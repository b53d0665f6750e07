package io.github.medsa.internal.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.medsa.extension.Scope;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forms that move constant factors into weights: {@link Layers#scaledGelu} between its two gains is exact GELU,
 * and {@link Layers#linearAfterNorm} is a Linear after a LayerNorm.
 */
class LayersFoldingTest {
  /** x and x * Phi(x) (standard normal CDF), computed to double precision. */
  private static final double[] X = {-10, -3, -1, 0, 0.5, 1, 3};
  private static final double[] GELU = {-7.619853024160527e-23, -0.004049694094890, -0.15865525393145707, 0,
      0.34573123063700656, 0.8413447460685429, 2.99595030590511};

  @Test
  void scaledGeluBetweenItsGainsIsExactGelu() {
    SameDiff sd = SameDiff.create();
    SDVariable x = sd.constant("x", Nd4j.createFromArray(X).castTo(DataType.FLOAT));
    double g = Layers.GELU_GAIN;
    float[] folded = Layers.scaledGelu(x.mul(g)).mul(g).eval().toFloatVector();
    float[] erfForm = Layers.gelu(x).eval().toFloatVector();
    for (int i = 0; i < X.length; i++) {
      assertThat((double) folded[i]).as("GELU(%s), erfc form", X[i]).isCloseTo(GELU[i], within(1e-6));
      assertThat((double) erfForm[i]).as("GELU(%s), erf form", X[i]).isCloseTo(GELU[i], within(1e-6));
    }
    assertThat(Layers.GELU_GAIN).isEqualTo(-1 / Math.sqrt(2));
  }

  @Test
  void linearAfterNormEqualsLinearOfLayerNorm() {
    Random rng = new Random(3);
    int n = 5;
    int in = 6;
    int out = 4;
    Map<String, INDArray> params = new HashMap<>();
    params.put("norm.weight", random(rng, in));
    params.put("norm.bias", random(rng, in));
    params.put("fc.weight", random(rng, out, in));
    params.put("fc.bias", random(rng, out));
    SameDiff sd = SameDiff.create();
    Scope s = Scope.root(sd, (graph, name, shape) -> graph.hasVariable(name) ? graph.getVariable(name)
        : graph.constant(name, params.get(name)));
    SDVariable x = sd.constant("x", random(rng, n, in).muli(3).addi(1)); // rows far from standardised
    double[] gains = {1.0, -0.5, 2.0, 0.25};

    SDVariable reference = Layers.linear(s.child("fc"), Layers.layerNorm(s.child("norm"), x, in, 1e-5,
        Layers.NormAxis.TOKEN_ROWS), in, out);
    SDVariable folded = Layers.linearAfterNorm(s.child("norm"), s.child("fc"),
        Layers.standardize(x, 1e-5, Layers.NormAxis.TOKEN_ROWS), in, out, gains);
    INDArray expected = reference.eval().mulRowVector(Nd4j.createFromArray(gains).castTo(DataType.FLOAT));
    INDArray actual = folded.eval();
    assertThat(actual.shape()).containsExactly(n, out);
    double scale = expected.amaxNumber().doubleValue();
    assertThat(scale).isGreaterThan(0.5);
    assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(1e-6 * scale);
  }

  private static INDArray random(Random rng, long... shape) {
    INDArray a = Nd4j.create(DataType.FLOAT, shape);
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, rng.nextGaussian());
    }
    return a;
  }
}
