package io.github.medsa.internal.model;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Interpolation;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM's {@code ImageEncoderViT}: patch embedding, absolute positions, transformer blocks with windowed or
 * global attention and decomposed relative positions, and the neck. Reads top to bottom like
 * {@code segment_anything/modeling/image_encoder.py}.
 */
public final class ImageEncoder implements EncoderGraph {
  /** Names of the intermediate outputs kept for debugging a port ({@code tap.patch_embed}, {@code tap.block_00}...). */
  public static final String TAP_PATCH_EMBED = "tap.patch_embed";

  /**
   * Upper bound, in bytes, on one chunk of heads' float scores {@code [heads_in_chunk, N, N]} per image in the
   * batch: global attention at ViT-B 1024 ({@code N = 4096}, 64 MiB per head) runs one head at a time, so the
   * scores, bias and softmax of all twelve heads are never alive together; windows and small grids keep one chunk.
   */
  static final long ATTENTION_CHUNK_BYTES = 64L << 20;

  private final SamConfig cfg;
  private final EncoderBlockExtension extension;
  private final long attentionChunkBytes;

  /**
   * SAM's ViT encoder for {@code cfg}, with the default head-chunk budget.
   *
   * @param cfg the model sizes (a ViT backbone)
   * @param extension what adapters add to each block ({@link EncoderBlockExtension#NONE} for none)
   */
  public ImageEncoder(SamConfig cfg, EncoderBlockExtension extension) {
    this(cfg, extension, ATTENTION_CHUNK_BYTES);
  }

  /** With another head-chunk budget (tests force one head per chunk). */
  ImageEncoder(SamConfig cfg, EncoderBlockExtension extension, long attentionChunkBytes) {
    checkArgument(attentionChunkBytes > 0, "attention chunk budget must be positive, got %s", attentionChunkBytes);
    this.cfg = cfg;
    this.extension = extension;
    this.attentionChunkBytes = attentionChunkBytes;
  }

  /**
   * The name of the debug tap on block {@code i}'s output, present in graphs built with taps.
   *
   * @param i the block's 0-based index
   * @return the variable name, e.g. {@code tap.block_03}
   */
  public static String blockTap(int i) {
    return String.format("tap.block_%02d", i);
  }

  /** {@code image} {@code [B, 3, S, S]} (normalised, padded) to embeddings {@code [B, promptDim, g, g]}. */
  @Override
  public SDVariable build(Scope root, SDVariable image) {
    Scope s = root.child("image_encoder");
    SameDiff sd = root.sd();
    int dim = cfg.encoderEmbedDim();
    int g = cfg.gridSize();
    SDVariable grid = Layers.conv2d(s.child("patch_embed.proj"), image, 3, dim, cfg.patchSize(), cfg.patchSize(), 0,
        true).permute(0, 2, 3, 1);
    sd.identity(TAP_PATCH_EMBED, grid);
    // Tokens travel as rows [B * g * g, C] (row-major over b, y, x); grids are views for attention and taps.
    SDVariable x = grid.add(absolutePositions(s)).reshape(-1, dim);
    for (int i = 0; i < cfg.encoderDepth(); i++) {
      x = block(s.child("blocks." + i), i, x);
      sd.identity(blockTap(i), x.reshape(-1, g, g, dim));
    }
    return neck(s.child("neck"), x.reshape(-1, g, g, dim), dim, cfg.promptEmbedDim());
  }

  /** {@code pos_embed} at the checkpoint's grid, resized bicubically to the input grid when they differ. */
  private SDVariable absolutePositions(Scope s) {
    int g0 = cfg.pretrainGridSize();
    int g = cfg.gridSize();
    int dim = cfg.encoderEmbedDim();
    SDVariable pos = s.param("pos_embed", 1, g0, g0, dim);
    if (g0 == g) {
      return pos;
    }
    SameDiff sd = s.sd();
    SDVariable r = sd.constant(Nd4j.createFromArray(Interpolation.toFloat(Interpolation.bicubic(g0, g))));
    // rows: [g0, g0*C] -> [g, g0*C]; then columns the same way on the transposed grid.
    SDVariable rows = sd.mmul(r, pos.reshape(g0, g0 * dim)).reshape(g, g0, dim).permute(1, 0, 2);
    SDVariable both = sd.mmul(r, rows.reshape(g0, g * dim)).reshape(g, g, dim).permute(1, 0, 2);
    return both.reshape(1, g, g, dim);
  }

  /** One block on token rows {@code [B * g * g, C]}. */
  private SDVariable block(Scope b, int index, SDVariable x) {
    int dim = cfg.encoderEmbedDim();
    int g = cfg.gridSize();
    double eps = cfg.encoderLayerNormEps();
    boolean global = cfg.isGlobal(index);
    int ws = cfg.windowSize();
    int tableRows = 2 * (global ? cfg.pretrainGridSize() : ws) - 1;
    Scope attnScope = b.child("attn");
    EncoderBlockExtension.BlockAttention attention = (tokens, h, w) ->
        attention(attnScope, tokens, h, w, tableRows);

    SDVariable n1 = Layers.layerNorm(b.child("norm1"), x, dim, eps, Layers.NormAxis.TOKEN_ROWS);
    SDVariable n1Grid = n1.reshape(-1, g, g, dim);
    SDVariable attnOut = global
        ? attention.apply(n1Grid, g, g)
        : windowUnpartition(attention.apply(windowPartition(n1Grid, g, ws, dim), ws, ws).reshape(-1, ws, ws, dim), g,
            ws, dim).reshape(-1, dim);
    x = x.add(extension.attentionResidual(b, index, attnOut, n1, attention));

    SDVariable n2 = Layers.layerNorm(b.child("norm2"), x, dim, eps, Layers.NormAxis.TOKEN_ROWS);
    SDVariable mlp = Layers.linear(b.child("mlp.lin2"),
        Layers.gelu(Layers.linear(b.child("mlp.lin1"), n2, dim, cfg.mlpDim())), cfg.mlpDim(), dim);
    return x.add(extension.mlpResidual(b, index, mlp, n2));
  }

  /**
   * Multi-head attention with decomposed relative positions: {@code [B', h, w, C]} grids in, token rows
   * {@code [B' * h * w, C]} out.
   */
  private SDVariable attention(Scope a, SDVariable x, int h, int w, int tableRows) {
    int dim = cfg.encoderEmbedDim();
    int heads = cfg.encoderNumHeads();
    int hd = cfg.encoderHeadDim();
    int n = h * w;
    // qkv rows are [q(heads x hd); k; v]: split into [3, B' * heads, n, hd]. Unstack rather than get(point):
    // M2.1's strided_slice_bp fails here when B' * heads < 3 (one image, two heads).
    SDVariable[] qkv = a.sd().unstack(Layers.linear(a.child("qkv"), x.reshape(-1, dim), dim, 3 * dim)
        .reshape(-1, n, 3, heads, hd).permute(2, 0, 3, 1, 4).reshape(3, -1, n, hd), 0, 3);
    SDVariable q = qkv[0];
    SDVariable k = qkv[1];
    SDVariable v = qkv[2];
    // Tables keep their checkpoint length; get_rel_pos resizes them to 2 * size - 1 for this grid.
    SDVariable relH = RelativePosition.table(a, "rel_pos_h", h, tableRows, hd);
    SDVariable relW = RelativePosition.table(a, "rel_pos_w", w, tableRows, hd);
    int perChunk = headsPerChunk(heads, n, attentionChunkBytes);
    SDVariable out;
    if (perChunk == heads) {
      out = headAttention(q, k, v, relH, relW, h, w, hd, null);
    } else {
      // Same values, fewer live [N, N] tensors: heads in chunks, [B', heads, n, hd] -> [B', chunks, perChunk, n, hd].
      int chunks = heads / perChunk;
      SDVariable[] qs = a.sd().unstack(q.reshape(-1, chunks, perChunk, n, hd), 1, chunks);
      SDVariable[] ks = a.sd().unstack(k.reshape(-1, chunks, perChunk, n, hd), 1, chunks);
      SDVariable[] vs = a.sd().unstack(v.reshape(-1, chunks, perChunk, n, hd), 1, chunks);
      SDVariable[] outs = new SDVariable[chunks];
      for (int c = 0; c < chunks; c++) {
        // [B', perChunk, n, hd] -> [B' * perChunk, n, hd] -> attention -> back, for the concat over heads.
        // Chunk c starts only after chunk c - 1 has finished: SameDiff runs every op whose inputs are ready, so
        // without the control dependency all chunks' [N, N] scores would be alive together anyway.
        outs[c] = headAttention(qs[c].reshape(-1, n, hd), ks[c].reshape(-1, n, hd), vs[c].reshape(-1, n, hd), relH,
            relW, h, w, hd, c == 0 ? null : outs[c - 1]).reshape(-1, perChunk, n, hd);
      }
      out = a.sd().concat(1, outs); // [B', heads, n, hd]
    }
    out = out.reshape(-1, heads, h, w, hd).permute(0, 2, 3, 1, 4).reshape(-1, dim);
    return Layers.linear(a.child("proj"), out, dim, dim);
  }

  /**
   * Attention of heads folded into the batch, {@code [B' * heads, n, hd]} in and out; its scores are computed only
   * once {@code after} (if not null) has been.
   */
  private static SDVariable headAttention(SDVariable q, SDVariable k, SDVariable v, SDVariable relH, SDVariable relW,
      int h, int w, int hd, SDVariable after) {
    // As the reference: (q * scale) k^T, then the relative-position terms (from the unscaled q) broadcast into
    // the scores, so that no [N, N] bias tensor and no separately scaled copy of the scores is ever made.
    SameDiff sd = q.getSameDiff();
    SDVariable scores = sd.mmul(q.mul(Math.pow(hd, -0.5)), k, false, true, false);
    if (after != null) {
      scores.addControlDependency(after);
    }
    return sd.mmul(sd.nn.softmax(RelativePosition.addTo(scores, q, relH, relW, h, w, hd), -1), v);
  }

  /**
   * The most heads (a divisor of {@code heads}, at least one) whose float scores {@code [perChunk, n, n]} fit in
   * {@code budgetBytes}.
   */
  static int headsPerChunk(int heads, int n, long budgetBytes) {
    long perHead = (long) n * n * Float.BYTES;
    for (int c = heads; c > 1; c--) {
      if (heads % c == 0 && c * perHead <= budgetBytes) {
        return c;
      }
    }
    return 1;
  }

  /**
   * Pads the normalised tokens {@code [B, g, g, C]} with zeros to a multiple of the window and cuts windows
   * {@code [B * nw * nw, ws, ws, C]}, batch outermost. A window row's {@code ws * C} values stay contiguous, so the
   * permute is written on rank 4 with those rows as its last axis: libnd4j's rank-6 permute moved each float
   * separately and took 2 to 3 times as long.
   */
  static SDVariable windowPartition(SDVariable x, int g, int ws, int dim) {
    int pad = (ws - g % ws) % ws;
    int nw = (g + pad) / ws; // windows per side
    SameDiff sd = x.getSameDiff();
    if (pad > 0) {
      x = sd.nn.pad(x, sd.constant(Nd4j.createFromArray(new int[][] {{0, 0}, {0, pad}, {0, pad}, {0, 0}})), 0.0);
    }
    return x.reshape(-1, ws, nw, ws * dim) // [B * nw(wy), ws(y), nw(wx), ws * C(x, c)]
        .permute(0, 2, 1, 3) //              [B * nw(wy), nw(wx), ws(y), ws * C]
        .reshape(-1, ws, ws, dim);
  }

  /** The inverse of {@link #windowPartition}, cropping the padding away. */
  static SDVariable windowUnpartition(SDVariable windows, int g, int ws, int dim) {
    int gp = g + (ws - g % ws) % ws;
    SDVariable x = windows.reshape(-1, gp / ws, ws, ws * dim) // [B * nw(wy), nw(wx), ws(y), ws * C(x, c)]
        .permute(0, 2, 1, 3) //                                [B * nw(wy), ws(y), nw(wx), ws * C]
        .reshape(-1, gp, gp, dim);
    return gp == g ? x : x.get(SDIndex.all(), SDIndex.interval(0, g), SDIndex.interval(0, g), SDIndex.all());
  }

  /**
   * Conv 1x1 -> LayerNorm2d -> conv 3x3 -> LayerNorm2d, no biases on the convolutions, no activation: SAM's neck,
   * which MobileSAM's TinyViT reuses. {@code x} is the encoder's channels-last grid {@code [B, g, g, in]}; the output
   * is SAM's embedding layout {@code [B, out, g, g]}. It runs channels-last, where oneDNN's convolutions are faster
   * and LayerNorm2d reduces over contiguous channels, and permutes once at the end.
   */
  static SDVariable neck(Scope n, SDVariable x, int in, int out) {
    double eps = Layers.LAYER_NORM_2D_EPS;
    Layers.GridLayout nhwc = Layers.GridLayout.NHWC;
    x = Layers.conv2d(n.child("0"), x, in, out, 1, 1, 0, false, nhwc);
    x = Layers.layerNorm(n.child("1"), x, out, eps, Layers.NormAxis.CHANNELS_LAST);
    x = Layers.conv2d(n.child("2"), x, out, out, 3, 1, 1, false, nhwc);
    return Layers.layerNorm(n.child("3"), x, out, eps, Layers.NormAxis.CHANNELS_LAST).permute(0, 3, 1, 2);
  }
}
