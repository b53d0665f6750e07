package io.github.medsa.internal.model;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM's {@code PromptEncoder}: random-Fourier positional encoding of points and box corners plus learned
 * embeddings for their kind, mask downscaling for dense prompts, and the dense positional encoding of the
 * image grid.
 *
 * <p>The graph receives prompts as tokens already laid out by {@link PromptTokens}: coordinates normalised to
 * [0, 1] (after SAM's +0.5 pixel-centre shift) and a one-hot kind per token, in the order of
 * {@link PromptTokens.Kind}. Which learned embedding a token gets is then {@code onehot @ table}, a matmul
 * rather than SAM's boolean-mask assignment, with the same result.
 */
public final class PromptEncoder {
  private final SamConfig cfg;

  /**
   * SAM's prompt encoder for {@code cfg}.
   *
   * @param cfg the model sizes (embedding width, grid size, mask input channels)
   */
  public PromptEncoder(SamConfig cfg) {
    this.cfg = cfg;
  }

  /**
   * Sparse embeddings {@code [B, N, C]} from coordinates {@code [B, N, 2]} and kinds {@code [B, N, K]}.
   *
   * @param root the graph's root scope ({@code prompt_encoder.*} tensors)
   * @param coords token coordinates {@code [B, N, 2]} as {@code (x, y)} normalised to [0, 1] of the model's input
   *     frame, after the +0.5 pixel-centre shift ({@link PromptTokens})
   * @param kinds one-hot token kinds {@code [B, N, K]} in the order of {@link PromptTokens.Kind}
   * @return the sparse prompt embeddings {@code [B, N, C]}
   */
  public SDVariable sparse(Scope root, SDVariable coords, SDVariable kinds) {
    Scope s = root.child("prompt_encoder");
    SameDiff sd = root.sd();
    int c = cfg.promptEmbedDim();
    PromptTokens.Kind[] all = PromptTokens.Kind.values();
    SDVariable[] rows = new SDVariable[all.length];
    for (PromptTokens.Kind kind : all) {
      rows[kind.ordinal()] = s.param(kind.embeddingName(), 1, c);
    }
    SDVariable flatKinds = kinds.reshape(-1, all.length);
    // Padding tokens ("not a point") have their positional encoding zeroed before their embedding is added.
    SDVariable keep = flatKinds.get(SDIndex.all(), SDIndex.interval(0, 1)).rsub(1.0);
    SDVariable learned = sd.mmul(flatKinds, sd.concat(0, rows));
    SDVariable tokens = positionalEncoding(s, coords.reshape(-1, 2)).mul(keep).add(learned);
    return Layers.reshapeAs(tokens, coords, 2, c);
  }

  /**
   * {@code mask_downscaling}: a {@code [B, 1, 4g, 4g]} mask of logits to {@code [B, C, g, g]}.
   *
   * @param root the graph's root scope ({@code prompt_encoder.mask_downscaling.*} tensors)
   * @param mask mask prompts {@code [B, 1, 4g, 4g]}, logits (a previous low-resolution prediction)
   * @return dense embeddings {@code [B, C, g, g]}
   */
  public SDVariable denseFromMask(Scope root, SDVariable mask) {
    Scope s = root.child("prompt_encoder.mask_downscaling");
    int quarter = cfg.maskInChans() / 4;
    double eps = Layers.LAYER_NORM_2D_EPS;
    SDVariable x = Layers.conv2d(s.child("0"), mask, 1, quarter, 2, 2, 0, true);
    x = Layers.gelu(Layers.layerNorm(s.child("1"), x, quarter, eps, Layers.NormAxis.CHANNELS));
    x = Layers.conv2d(s.child("3"), x, quarter, cfg.maskInChans(), 2, 2, 0, true);
    x = Layers.gelu(Layers.layerNorm(s.child("4"), x, cfg.maskInChans(), eps, Layers.NormAxis.CHANNELS));
    return Layers.conv2d(s.child("6"), x, cfg.maskInChans(), cfg.promptEmbedDim(), 1, 1, 0, true);
  }

  /**
   * {@code no_mask_embed} spread over the grid, {@code [B, C, g, g]} with B taken from {@code batchOf}.
   *
   * @param root the graph's root scope ({@code prompt_encoder.no_mask_embed.weight})
   * @param batchOf any variable of rank 3 or more whose first dimension is the batch size B
   * @return dense embeddings {@code [B, C, g, g]}
   */
  public SDVariable denseWithoutMask(Scope root, SDVariable batchOf) {
    SameDiff sd = root.sd();
    int c = cfg.promptEmbedDim();
    int g = cfg.gridSize();
    SDVariable perBatch = sd.zerosLike(batchOf.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.interval(0, 1)))
        .reshape(-1, 1, 1, 1);
    SDVariable embed = root.child("prompt_encoder").param("no_mask_embed.weight", 1, c).reshape(1, c, 1, 1);
    return perBatch.add(embed).add(sd.constant(Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, g, g)));
  }

  /**
   * {@code get_dense_pe()}: the encoding of every grid cell centre, {@code [1, C, g, g]}.
   *
   * @param root the graph's root scope ({@code prompt_encoder.pe_layer.*})
   * @return the dense positional encoding {@code [1, C, g, g]}
   */
  public SDVariable densePositionalEncoding(Scope root) {
    int g = cfg.gridSize();
    int c = cfg.promptEmbedDim();
    float[][] centres = new float[g * g][2];
    for (int i = 0; i < g; i++) {
      for (int j = 0; j < g; j++) {
        // PyTorch: (cumsum(ones) - 0.5) / g in float32, stacked as (x, y).
        centres[i * g + j][0] = ((j + 1) - 0.5f) / g;
        centres[i * g + j][1] = ((i + 1) - 0.5f) / g;
      }
    }
    SDVariable grid = root.sd().constant(Nd4j.createFromArray(centres));
    return positionalEncoding(root.child("prompt_encoder"), grid).reshape(g, g, c).permute(2, 0, 1)
        .reshape(1, c, g, g);
  }

  /** {@code pe_layer._pe_encoding}: {@code [n, 2]} in [0, 1] to {@code [n, C]} = (sin, cos). */
  private SDVariable positionalEncoding(Scope s, SDVariable coords) {
    SameDiff sd = s.sd();
    int half = cfg.promptEmbedDim() / 2;
    SDVariable gaussian = s.param("pe_layer.positional_encoding_gaussian_matrix", 2, half);
    SDVariable proj = sd.mmul(coords.mul(2.0).sub(1.0), gaussian).mul(2 * Math.PI);
    return sd.concat(1, sd.math.sin(proj), sd.math.cos(proj));
  }
}
