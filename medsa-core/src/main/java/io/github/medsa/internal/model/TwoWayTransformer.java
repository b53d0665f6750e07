package io.github.medsa.internal.model;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM's {@code TwoWayTransformer}: prompt tokens and image tokens attend to each other in both directions,
 * then a last token-to-image attention. Follows {@code segment_anything/modeling/transformer.py}. Both streams
 * travel as rows ({@code [B * T, C]} tokens, {@code [B * g * g, C]} image tokens) and are viewed per head only
 * inside attention.
 */
public final class TwoWayTransformer {
  /** Result: the processed tokens {@code [B, T, C]} and image token rows {@code [B * g * g, C]}. */
  public record Output(SDVariable queries, SDVariable keys) {}

  private final SamConfig cfg;
  private final DecoderBlockExtension extension;

  /**
   * The mask decoder's two-way transformer for {@code cfg}.
   *
   * @param cfg the model sizes (width, depth, heads, grid)
   * @param extension what adapters change in each block ({@link DecoderBlockExtension#NONE} for none)
   */
  public TwoWayTransformer(SamConfig cfg, DecoderBlockExtension extension) {
    this.cfg = cfg;
    this.extension = extension;
  }

  /** What a row of an attention input is: a prompt/output token ([B * T] rows) or an image position ([B * g * g]). */
  private enum Rows { TOKENS, IMAGE }

  /** How one build views rows per head: token rows need the run-time [B, T], image rows know their length. */
  private final class Heads {
    private final SDVariable tokens;
    private final Map<Long, SDVariable> tokenShapes = new HashMap<>();

    Heads(SDVariable tokens) {
      this.tokens = tokens;
    }

    /** {@code [B * N, heads * c] -> [B, heads, N, c]}; the run-time token shape is built once per head size. */
    SDVariable split(SDVariable rows, Rows kind, int heads, int perHead) {
      SameDiff sd = rows.getSameDiff();
      SDVariable grouped = kind == Rows.TOKENS
          ? sd.reshape(rows, tokenShapes.computeIfAbsent(((long) heads << 32) | perHead, key -> sd.concat(0,
              Layers.leading(tokens, 2), sd.constant(Nd4j.createFromArray((long) heads, (long) perHead)))))
          : rows.reshape(-1, cfg.gridSize() * cfg.gridSize(), heads, perHead);
      return grouped.permute(0, 2, 1, 3);
    }
  }

  /**
   * Builds the transformer: its blocks, then the final token-to-image attention and norm.
   *
   * @param t the transformer's scope ({@code mask_decoder.transformer})
   * @param image {@code [B, C, g, g]} image embedding plus dense prompt
   * @param imagePe {@code [1, C, g, g]} dense positional encoding
   * @param tokens {@code [B, T, C]} output tokens followed by the sparse prompt
   * @return the processed tokens and image token rows
   */
  public Output build(Scope t, SDVariable image, SDVariable imagePe, SDVariable tokens) {
    SameDiff sd = t.sd();
    int c = cfg.promptEmbedDim();
    int n = cfg.gridSize() * cfg.gridSize();
    Heads heads = new Heads(tokens);
    SDVariable keys = image.reshape(-1, c, n).permute(0, 2, 1).reshape(-1, c);
    // The encoding is shared by every image of the batch: repeat it to the batch's rows once.
    SDVariable perImage = sd.zerosLike(tokens.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.interval(0, 1)));
    SDVariable keyPe = perImage.add(imagePe.reshape(1, c, n).permute(0, 2, 1)).reshape(-1, c);
    SDVariable queryPe = tokens.reshape(-1, c);
    SDVariable queries = queryPe;
    for (int l = 0; l < cfg.decoderDepth(); l++) {
      Output o = block(t.child("layers." + l), l, heads, queries, keys, queryPe, keyPe, tokens);
      queries = o.queries();
      keys = o.keys();
    }
    SDVariable attn = attention(t.child("final_attn_token_to_image"), heads, queries.add(queryPe), Rows.TOKENS,
        keys.add(keyPe), keys, Rows.IMAGE, cfg.attentionDownsampleRate());
    queries = layerNorm(t.child("norm_final_attn"), queries.add(attn));
    return new Output(Layers.reshapeAs(queries, tokens, 2, c), keys);
  }

  /** {@code TwoWayAttentionBlock}; the first layer's self-attention has no positional encoding and no residual. */
  private Output block(Scope b, int index, Heads heads, SDVariable queries, SDVariable keys, SDVariable queryPe,
      SDVariable keyPe, SDVariable tokens) {
    int c = cfg.promptEmbedDim();
    int down = cfg.attentionDownsampleRate();
    if (index == 0) {
      queries = attention(b.child("self_attn"), heads, queries, Rows.TOKENS, queries, queries, Rows.TOKENS, 1);
    } else {
      SDVariable q = queries.add(queryPe);
      queries = queries.add(attention(b.child("self_attn"), heads, q, Rows.TOKENS, q, queries, Rows.TOKENS, 1));
    }
    queries = layerNorm(b.child("norm1"), queries);

    SDVariable attn = attention(b.child("cross_attn_token_to_image"), heads, queries.add(queryPe), Rows.TOKENS,
        keys.add(keyPe), keys, Rows.IMAGE, down);
    queries = layerNorm(b.child("norm2"), queries.add(attn));

    SDVariable mlp = Layers.linear(b.child("mlp.lin2"),
        Layers.relu(Layers.linear(b.child("mlp.lin1"), queries, c, cfg.decoderMlpDim())), cfg.decoderMlpDim(), c);
    queries = layerNorm(b.child("norm3"), queries.add(extension.mlpResidual(b, index, mlp, queries)));

    attn = attention(b.child("cross_attn_image_to_token"), heads, keys.add(keyPe), Rows.IMAGE, queries.add(queryPe),
        queries, Rows.TOKENS, down);
    keys = layerNorm(b.child("norm4"), keys.add(attn));
    keys = extension.afterImageToToken(b, index, keys, tokens);
    return new Output(queries, keys);
  }

  private SDVariable layerNorm(Scope s, SDVariable x) {
    return Layers.layerNorm(s, x, cfg.promptEmbedDim(), cfg.decoderLayerNormEps(), Layers.NormAxis.TOKEN_ROWS);
  }

  /**
   * The decoder's {@code Attention}: projections to {@code C / downsample} channels, split into heads. Queries come
   * from token rows or image rows ({@code queryRows}); keys and values share one kind ({@code keyRows}).
   */
  private SDVariable attention(Scope a, Heads heads, SDVariable q, Rows queryRows, SDVariable k, SDVariable v,
      Rows keyRows, int downsample) {
    int c = cfg.promptEmbedDim();
    int internal = c / downsample;
    int h = cfg.decoderNumHeads();
    int perHead = internal / h;
    SDVariable qh = heads.split(Layers.linear(a.child("q_proj"), q, c, internal), queryRows, h, perHead);
    SDVariable kh = heads.split(Layers.linear(a.child("k_proj"), k, c, internal), keyRows, h, perHead);
    SDVariable vh = heads.split(Layers.linear(a.child("v_proj"), v, c, internal), keyRows, h, perHead);
    SDVariable out = Layers.attention(qh, kh, vh, 1.0 / Math.sqrt(perHead), null);
    return Layers.linear(a.child("out_proj"), out.permute(0, 2, 1, 3).reshape(-1, internal), internal, c);
  }
}
