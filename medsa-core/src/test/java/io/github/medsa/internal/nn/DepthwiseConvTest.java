package io.github.medsa.internal.nn;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.extension.Scope;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@link Layers#depthwiseConv2d} against a hand-written float64 loop (PyTorch's {@code groups = channels}
 * convolution) and its gradients against central differences, in both grid layouts: TinyViT's local convolution
 * (channels-last, through {@code Conv2dBn}) sits between the adapters, so training differentiates through it.
 */
class DepthwiseConvTest {
  private static final int C = 3;
  private static final int H = 5;
  private static final int W = 4;

  private static INDArray random(Random rng, long... shape) {
    INDArray a = Nd4j.create(DataType.DOUBLE, shape);
    for (long i = 0; i < a.length(); i++) {
      a.putScalar(i, rng.nextGaussian());
    }
    return a;
  }

  /** out[b, c, y, x] = sum_{i, j} w[c, 0, i, j] * xpad[b, c, y*s + i, x*s + j]. */
  private static double reference(INDArray x, INDArray w, int b, int c, int y, int xo, int stride) {
    double sum = 0;
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int yi = y * stride + i - 1;
        int xi = xo * stride + j - 1;
        if (yi >= 0 && yi < H && xi >= 0 && xi < W) {
          sum += w.getDouble(c, 0, i, j) * x.getDouble(b, c, yi, xi);
        }
      }
    }
    return sum;
  }

  /** The convolution of {@code x} (NCHW, as the reference) run in {@code layout}; its output back in NCHW. */
  private static SameDiff graph(INDArray x, INDArray w, int stride, Layers.GridLayout layout) {
    SameDiff sd = SameDiff.create();
    SDVariable in = sd.var("x", x);
    Scope s = Scope.root(sd, (g, name, shape) -> g.var(name, w));
    SDVariable weight = Layers.depthwiseWeight(s.child("conv"), C, 3);
    boolean nhwc = layout == Layers.GridLayout.NHWC;
    SDVariable grid = Layers.depthwiseConv2d(nhwc ? in.permute(0, 2, 3, 1) : in, weight, null, 3, stride, 1, layout);
    SDVariable out = nhwc ? grid.permute(0, 3, 1, 2) : grid;
    SDVariable weights = sd.constant("probe", Nd4j.linspace(DataType.DOUBLE, 1, out.eval().length(), 1)
        .reshape(out.eval().shape()));
    sd.identity("out", out);
    sd.sum("loss", out.mul(weights).mul(out));
    sd.setLossVariables("loss");
    return sd;
  }

  @ParameterizedTest
  @CsvSource({"1, NCHW", "2, NCHW", "1, NHWC", "2, NHWC"})
  void forwardIsPyTorchsGroupedConvolution(int stride, Layers.GridLayout layout) {
    Random rng = new Random(7);
    INDArray x = random(rng, 2, C, H, W);
    INDArray w = random(rng, C, 1, 3, 3);
    INDArray out = graph(x, w, stride, layout).output(Map.of(), "out").get("out");
    int ho = (H - 1) / stride + 1;
    int wo = (W - 1) / stride + 1;
    assertThat(out.shape()).containsExactly(2, C, ho, wo);
    double maxDiff = 0;
    for (int b = 0; b < 2; b++) {
      for (int c = 0; c < C; c++) {
        for (int y = 0; y < ho; y++) {
          for (int xo = 0; xo < wo; xo++) {
            maxDiff = Math.max(maxDiff, Math.abs(out.getDouble(b, c, y, xo) - reference(x, w, b, c, y, xo, stride)));
          }
        }
      }
    }
    assertThat(maxDiff).isLessThan(1e-12);
  }

  @ParameterizedTest
  @CsvSource({"1, NCHW", "2, NCHW", "1, NHWC", "2, NHWC"})
  void gradientsMatchCentralDifferences(int stride, Layers.GridLayout layout) {
    Random rng = new Random(11);
    INDArray x = random(rng, 2, C, H, W);
    INDArray w = random(rng, C, 1, 3, 3);
    SameDiff sd = graph(x, w, stride, layout);
    Map<String, INDArray> grads = sd.calculateGradients(Map.of(), List.of("x", "conv.weight"));
    for (String name : List.of("x", "conv.weight")) {
      INDArray param = sd.getArrForVarName(name);
      INDArray analytic = grads.get(name);
      double eps = 1e-6;
      double worst = 0;
      double scale = 0;
      for (long i = 0; i < param.length(); i++) {
        double v = param.getDouble(i);
        param.putScalar(i, v + eps);
        double up = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        param.putScalar(i, v - eps);
        double down = sd.output(Map.of(), "loss").get("loss").getDouble(0);
        param.putScalar(i, v);
        double numeric = (up - down) / (2 * eps);
        worst = Math.max(worst, Math.abs(numeric - analytic.getDouble(i)));
        scale = Math.max(scale, Math.abs(numeric));
      }
      assertThat(scale).as("%s gradient scale", name).isGreaterThan(1.0);
      assertThat(worst).as("%s: worst |analytic - numeric|", name).isLessThanOrEqualTo(1e-6 * scale);
    }
  }

  @Test
  void weightKeepsPyTorchsLayout() {
    SameDiff sd = SameDiff.create();
    long[][] asked = new long[1][];
    Scope s = Scope.root(sd, (g, name, shape) -> {
      asked[0] = shape;
      return g.var(name, Nd4j.zeros(DataType.FLOAT, shape));
    });
    SDVariable weight = Layers.depthwiseWeight(s.child("local_conv.c"), 5, 3);
    assertThat(asked[0]).containsExactly(5, 1, 3, 3);
    assertThat(weight.eval().shape()).containsExactly(3, 3, 5, 1);
  }
}
