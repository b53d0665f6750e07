package io.github.medsa.adapters;

import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * The decoder adapters of the paper, opt-in: the MLP adapter beside the token MLP
 * ({@code queries + mlp(queries) + s * MLP_Adapter(queries)}) and HyP-Adpt on the image stream.
 *
 * <p>HyP-Adpt has no reference implementation; this is MedSA-J's reading of the paper (Section 4.3 of our
 * spec): after {@code norm4}, with {@code p} the mean of the sparse prompt embeddings and {@code r = ratio * C},
 * {@code W = reshape(hyper(p), [B, r, r])}, {@code h = relu(LayerNorm_r(D_fc1(k) @ W))}, {@code k = k + D_fc2(h)}.
 * The prompt thus generates the weights that map the down-projected image tokens, per image.
 */
final class DecoderAdapters implements DecoderBlockExtension {
  /** {@code nn.LayerNorm}'s default; the paper does not say. */
  static final double HYPER_NORM_EPS = 1e-5;

  private final Adapters spec;
  private final int dim;
  private final int outputTokens;
  private final int imageTokens;

  DecoderAdapters(Adapters spec, int dim, int outputTokens, int imageTokens) {
    this.spec = spec;
    this.dim = dim;
    this.outputTokens = outputTokens;
    this.imageTokens = imageTokens;
  }

  @Override
  public SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable queries) {
    if (!spec.decoderMlpAdapter()) {
      return mlpOut;
    }
    SDVariable adapter = Bottleneck.apply(block.child("MLP_Adapter"), queries, dim,
        Bottleneck.hidden(dim, spec.ratio()), spec.activation());
    return mlpOut.add(adapter.mul(spec.mlpScale()));
  }

  @Override
  public SDVariable afterImageToToken(Scope block, int index, SDVariable keys, SDVariable tokens) {
    if (!spec.hyperPrompting()) {
      return keys;
    }
    Scope h = block.child("HyP_Adapter");
    SameDiff sd = keys.getSameDiff();
    int r = Bottleneck.hidden(dim, spec.hyperRatio());
    // The sparse prompt follows the IoU and mask tokens; pooled per image.
    SDVariable sparse = sd.stridedSlice(tokens, new long[] {0, outputTokens, 0}, new long[] {0, 0, 0},
        new long[] {1, 1, 1}, 0b101, 0b111, 0, 0, 0);
    SDVariable prompt = sd.mean(sparse, false, 1);
    SDVariable weights = Layers.linear(h.child("hyper"), prompt, dim, r * r).reshape(-1, r, r);
    // Image token rows [B * g * g, r] regrouped per image for the prompt-generated [r, r] map.
    SDVariable down = Layers.linear(h.child("D_fc1"), keys, dim, r).reshape(-1, imageTokens, r);
    SDVariable mixed = sd.mmul(down, weights).reshape(-1, r);
    SDVariable hidden = Layers.relu(Layers.layerNorm(h.child("norm"), mixed, r, HYPER_NORM_EPS, Layers.NormAxis.TOKEN_ROWS));
    return keys.add(Layers.linear(h.child("D_fc2"), hidden, r, dim));
  }
}
