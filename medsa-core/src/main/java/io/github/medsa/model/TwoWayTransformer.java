package io.github.medsa.model;

import io.github.medsa.SamConfig;
import io.github.medsa.nn.Layers;
import io.github.medsa.nn.Scope;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * SAM's {@code TwoWayTransformer}: prompt tokens and image tokens attend to each other in both directions,
 * then a last token-to-image attention. Follows {@code segment_anything/modeling/transformer.py}.
 */
public final class TwoWayTransformer {
  /** Result: the processed tokens {@code [B, T, C]} and image tokens {@code [B, g*g, C]}. */
  public record Output(SDVariable queries, SDVariable keys) {}

  private final SamConfig cfg;
  private final DecoderBlockExtension extension;

  public TwoWayTransformer(SamConfig cfg, DecoderBlockExtension extension) {
    this.cfg = cfg;
    this.extension = extension;
  }

  /**
   * @param image {@code [B, C, g, g]} image embedding plus dense prompt
   * @param imagePe {@code [1, C, g, g]} dense positional encoding
   * @param tokens {@code [B, T, C]} output tokens followed by the sparse prompt
   */
  public Output build(Scope t, SDVariable image, SDVariable imagePe, SDVariable tokens) {
    int c = cfg.promptEmbedDim();
    int n = cfg.gridSize() * cfg.gridSize();
    SDVariable keys = image.reshape(-1, c, n).permute(0, 2, 1);
    SDVariable keyPe = imagePe.reshape(-1, c, n).permute(0, 2, 1);
    SDVariable queries = tokens;
    for (int l = 0; l < cfg.decoderDepth(); l++) {
      Output o = block(t.child("layers." + l), l, queries, keys, tokens, keyPe);
      queries = o.queries();
      keys = o.keys();
    }
    SDVariable attn = attention(t.child("final_attn_token_to_image"), queries.add(tokens), keys.add(keyPe), keys,
        cfg.attentionDownsampleRate());
    queries = layerNorm(t.child("norm_final_attn"), queries.add(attn));
    return new Output(queries, keys);
  }

  /** {@code TwoWayAttentionBlock}; the first layer's self-attention has no positional encoding and no residual. */
  private Output block(Scope b, int index, SDVariable queries, SDVariable keys, SDVariable queryPe,
      SDVariable keyPe) {
    int c = cfg.promptEmbedDim();
    if (index == 0) {
      queries = attention(b.child("self_attn"), queries, queries, queries, 1);
    } else {
      SDVariable q = queries.add(queryPe);
      queries = queries.add(attention(b.child("self_attn"), q, q, queries, 1));
    }
    queries = layerNorm(b.child("norm1"), queries);

    SDVariable attn = attention(b.child("cross_attn_token_to_image"), queries.add(queryPe), keys.add(keyPe), keys,
        cfg.attentionDownsampleRate());
    queries = layerNorm(b.child("norm2"), queries.add(attn));

    SDVariable mlp = Layers.linear(b.child("mlp.lin2"),
        Layers.relu(Layers.linear(b.child("mlp.lin1"), queries, c, cfg.decoderMlpDim())), cfg.decoderMlpDim(), c);
    queries = layerNorm(b.child("norm3"), queries.add(extension.mlpResidual(b, index, mlp, queries)));

    attn = attention(b.child("cross_attn_image_to_token"), keys.add(keyPe), queries.add(queryPe), queries,
        cfg.attentionDownsampleRate());
    keys = layerNorm(b.child("norm4"), keys.add(attn));
    keys = extension.afterImageToToken(b, index, keys, queryPe);
    return new Output(queries, keys);
  }

  private SDVariable layerNorm(Scope s, SDVariable x) {
    return Layers.layerNorm(s, x, cfg.promptEmbedDim(), cfg.decoderLayerNormEps(), 2, 3);
  }

  /** The decoder's {@code Attention}: projections to {@code C / downsample} channels, split into heads. */
  private SDVariable attention(Scope a, SDVariable q, SDVariable k, SDVariable v, int downsample) {
    int c = cfg.promptEmbedDim();
    int internal = c / downsample;
    int heads = cfg.decoderNumHeads();
    int perHead = internal / heads;
    SDVariable qh = separateHeads(Layers.linear(a.child("q_proj"), q, c, internal), heads, perHead);
    SDVariable kh = separateHeads(Layers.linear(a.child("k_proj"), k, c, internal), heads, perHead);
    SDVariable vh = separateHeads(Layers.linear(a.child("v_proj"), v, c, internal), heads, perHead);
    SDVariable out = Layers.attention(qh, kh, vh, 1.0 / Math.sqrt(perHead), null);
    return Layers.linear(a.child("out_proj"), Layers.reshapeTail(out.permute(0, 2, 1, 3), 2, internal), internal, c);
  }

  /** {@code [B, N, heads * c] -> [B, heads, N, c]}. */
  private static SDVariable separateHeads(SDVariable x, int heads, int perHead) {
    return Layers.reshapeTail(x, 2, heads, perHead).permute(0, 2, 1, 3);
  }
}
