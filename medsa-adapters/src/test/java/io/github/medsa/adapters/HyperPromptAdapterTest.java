package io.github.medsa.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.extension.Scope;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** HyP-Adpt on its own, in float64: gradients, identity at init, prompt dependence. */
class HyperPromptAdapterTest {
  private static final int C = 16;
  private static final int OUTPUT_TOKENS = 5;
  /** Image tokens per image; keys come as rows [2 images * 6, C]. */
  private static final int IMAGE_TOKENS = 6;
  private static final String P = "mask_decoder.transformer.layers.0.HyP_Adapter.";
  private static final List<String> PARAMS = List.of("hyper.weight", "hyper.bias", "D_fc1.weight", "D_fc1.bias",
      "norm.weight", "norm.bias", "D_fc2.weight", "D_fc2.bias");

  /** Builds {@code sum(adapter(keys, tokens) * probe)} in float64 with the given parameter values. */
  private static SameDiff graph(Map<String, INDArray> params, INDArray keys, INDArray tokens, INDArray probe) {
    SameDiff sd = SameDiff.create();
    Scope root = Scope.root(sd, (s, name, shape) -> s.hasVariable(name) ? s.getVariable(name)
        : s.var(name, params.get(name.substring(P.length())).dup()));
    DecoderAdapters adapters = new DecoderAdapters(Adapters.medsa().ratio(0.25).hyperPrompting(true)
        .hyperPromptRatio(0.25), C, OUTPUT_TOKENS, IMAGE_TOKENS);
    SDVariable out = adapters.afterImageToToken(root.child("mask_decoder.transformer.layers.0"), 0,
        sd.constant("keys", keys), sd.constant("tokens", tokens));
    sd.identity("out", out);
    sd.identity("loss", out.mul(sd.constant(probe)).sum());
    sd.setLossVariables("loss");
    return sd;
  }

  private static Map<String, INDArray> randomParams(long seed, boolean zeroUp) {
    Nd4j.getRandom().setSeed(seed);
    int r = 4;
    Map<String, INDArray> p = new HashMap<>();
    p.put("hyper.weight", Nd4j.randn(DataType.DOUBLE, r * r, C).muli(0.3));
    p.put("hyper.bias", Nd4j.randn(DataType.DOUBLE, r * r).muli(0.1));
    p.put("D_fc1.weight", Nd4j.randn(DataType.DOUBLE, r, C).muli(0.3));
    p.put("D_fc1.bias", Nd4j.randn(DataType.DOUBLE, r).muli(0.1));
    p.put("norm.weight", Nd4j.randn(DataType.DOUBLE, r).muli(0.2).addi(1));
    p.put("norm.bias", Nd4j.randn(DataType.DOUBLE, r).muli(0.1));
    p.put("D_fc2.weight", zeroUp ? Nd4j.zeros(DataType.DOUBLE, C, r) : Nd4j.randn(DataType.DOUBLE, C, r).muli(0.3));
    p.put("D_fc2.bias", zeroUp ? Nd4j.zeros(DataType.DOUBLE, C) : Nd4j.randn(DataType.DOUBLE, C).muli(0.1));
    return p;
  }

  private static INDArray tokens(long seed) {
    Nd4j.getRandom().setSeed(seed);
    return Nd4j.randn(DataType.DOUBLE, 2, OUTPUT_TOKENS + 3, C);
  }

  @Test
  void analyticGradientsMatchCentralDifferences() {
    Map<String, INDArray> params = randomParams(1, false);
    Nd4j.getRandom().setSeed(2);
    INDArray keys = Nd4j.randn(DataType.DOUBLE, 2 * IMAGE_TOKENS, C);
    INDArray probe = Nd4j.randn(DataType.DOUBLE, 2 * IMAGE_TOKENS, C);
    INDArray tokens = tokens(3);
    SameDiff sd = graph(params, keys, tokens, probe);
    Map<String, INDArray> grads = sd.calculateGradients(Map.of(), PARAMS.stream().map(n -> P + n).toList());
    double eps = 1e-6;
    int checked = 0;
    for (String n : PARAMS) {
      INDArray analytic = grads.get(P + n);
      INDArray flat = params.get(n).reshape(-1);
      for (int i = 0; i < flat.length(); i += Math.max(1, (int) flat.length() / 7)) {
        double orig = flat.getDouble(i);
        flat.putScalar(i, orig + eps);
        double plus = graph(params, keys, tokens, probe).output(Map.of(), "loss").get("loss").getDouble(0);
        flat.putScalar(i, orig - eps);
        double minus = graph(params, keys, tokens, probe).output(Map.of(), "loss").get("loss").getDouble(0);
        flat.putScalar(i, orig);
        double numeric = (plus - minus) / (2 * eps);
        double a = analytic.reshape(-1).getDouble(i);
        assertThat(Math.abs(a - numeric)).as("d loss / d %s[%s]: analytic %s, numeric %s", n, i, a, numeric)
            .isLessThanOrEqualTo(1e-6 * Math.max(1, Math.abs(numeric)));
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(40);
  }

  @Test
  void zeroUpProjectionIsTheIdentity() {
    Nd4j.getRandom().setSeed(4);
    INDArray keys = Nd4j.randn(DataType.DOUBLE, 2 * IMAGE_TOKENS, C);
    INDArray out = graph(randomParams(5, true), keys, tokens(6), keys).output(Map.of(), "out").get("out");
    assertThat(out.equals(keys)).isTrue();
  }

  @Test
  void onceTrainedAStepDifferentPromptsChangeTheImageTokensDifferently() {
    Map<String, INDArray> params = randomParams(7, true);
    Nd4j.getRandom().setSeed(8);
    INDArray keys = Nd4j.randn(DataType.DOUBLE, 2 * IMAGE_TOKENS, C);
    INDArray probe = Nd4j.randn(DataType.DOUBLE, 2 * IMAGE_TOKENS, C);
    INDArray promptA = tokens(9);
    SameDiff sd = graph(params, keys, promptA, probe);
    Map<String, INDArray> grads = sd.calculateGradients(Map.of(), List.of(P + "D_fc2.weight", P + "D_fc2.bias"));
    assertThat(grads.get(P + "D_fc2.weight").amaxNumber().doubleValue()).isPositive();
    params.get("D_fc2.weight").subi(grads.get(P + "D_fc2.weight").mul(0.1));
    params.get("D_fc2.bias").subi(grads.get(P + "D_fc2.bias").mul(0.1));

    INDArray promptB = promptA.dup();
    promptB.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(OUTPUT_TOKENS, OUTPUT_TOKENS + 3)).muli(-1.5);
    INDArray deltaA = graph(params, keys, promptA, probe).output(Map.of(), "out").get("out").sub(keys);
    INDArray deltaB = graph(params, keys, promptB, probe).output(Map.of(), "out").get("out").sub(keys);
    assertThat(deltaA.amaxNumber().doubleValue()).isPositive();
    assertThat(deltaA.sub(deltaB).amaxNumber().doubleValue()).isGreaterThan(1e-3);
    // Changing only the output tokens (not the prompt) leaves the adapter's contribution unchanged.
    INDArray promptC = promptA.dup();
    promptC.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, OUTPUT_TOKENS)).muli(3);
    INDArray deltaC = graph(params, keys, promptC, probe).output(Map.of(), "out").get("out").sub(keys);
    assertThat(deltaC.sub(deltaA).amaxNumber().doubleValue()).isLessThan(1e-12);
  }
}
