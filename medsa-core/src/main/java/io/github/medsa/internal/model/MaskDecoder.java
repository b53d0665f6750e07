package io.github.medsa.internal.model;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * SAM's {@code MaskDecoder}: output tokens plus prompt through the two-way transformer, image tokens upscaled
 * 4x, one hypernetwork MLP per mask token, and the IoU head. Returns every mask token's output; choosing
 * single or multimask output happens outside the graph.
 */
public final class MaskDecoder {
  /** Low-resolution mask logits {@code [B, M, 4g, 4g]} and IoU predictions {@code [B, M]} for all M mask tokens. */
  public record Output(SDVariable masks, SDVariable iou) {}

  private final SamConfig cfg;
  private final TwoWayTransformer transformer;

  /**
   * A decoder of these sizes.
   *
   * @param cfg the model sizes
   * @param extension modules grafted onto the two-way transformer's blocks
   */
  public MaskDecoder(SamConfig cfg, DecoderBlockExtension extension) {
    this.cfg = cfg;
    this.transformer = new TwoWayTransformer(cfg, extension);
  }

  /**
   * Adds SAM's mask decoder forward pass to the graph.
   *
   * @param root the scope the {@code mask_decoder.*} weights are named under
   * @param imageEmbeddings {@code [B, C, g, g]}, or {@code [1, C, g, g]} shared by B prompts
   * @param imagePe {@code [1, C, g, g]}
   * @param sparse {@code [B, N, C]}
   * @param dense {@code [B, C, g, g]}
   * @return the low-res mask logits {@code [B, M, 4g, 4g]} and IoU estimates {@code [B, M]}
   */
  public Output build(Scope root, SDVariable imageEmbeddings, SDVariable imagePe, SDVariable sparse,
      SDVariable dense) {
    Scope s = root.child("mask_decoder");
    SameDiff sd = root.sd();
    int c = cfg.promptEmbedDim();
    int m = cfg.numMaskTokens();
    int g = cfg.gridSize();

    SDVariable outputTokens = sd.concat(0, s.param("iou_token.weight", 1, c), s.param("mask_tokens.weight", m, c))
        .reshape(1, 1 + m, c);
    SDVariable perPrompt = sd.zerosLike(sparse.get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all()));
    SDVariable tokens = sd.concat(1, perPrompt.add(outputTokens), sparse);

    // SAM repeats one image's embedding for every prompt; broadcasting the add does the same.
    SDVariable src = imageEmbeddings.add(dense);
    TwoWayTransformer.Output t = transformer.build(s.child("transformer"), src, imagePe, tokens);
    SDVariable hs = t.queries();
    SDVariable iouTokenOut = hs.get(SDIndex.all(), SDIndex.point(0), SDIndex.all());

    SDVariable upscaled = upscale(s.child("output_upscaling"),
        t.keys().reshape(-1, g * g, c).permute(0, 2, 1).reshape(-1, c, g, g));
    SDVariable[] hyper = new SDVariable[m];
    for (int i = 0; i < m; i++) {
      SDVariable token = hs.get(SDIndex.all(), SDIndex.point(1 + i), SDIndex.all());
      hyper[i] = mlp(s.child("output_hypernetworks_mlps." + i), token, c, c, c / 8, 3).reshape(-1, 1, c / 8);
    }
    int side = 4 * g;
    SDVariable masks = sd.mmul(sd.concat(1, hyper), upscaled.reshape(-1, c / 8, side * side))
        .reshape(-1, m, side, side);
    SDVariable iou = mlp(s.child("iou_prediction_head"), iouTokenOut, c, cfg.iouHeadHiddenDim(), m,
        cfg.iouHeadDepth());
    return new Output(masks, iou);
  }

  /** ConvTranspose 2x -> LayerNorm2d -> GELU -> ConvTranspose 2x -> GELU: {@code [B, C, g, g] -> [B, C/8, 4g, 4g]}. */
  private SDVariable upscale(Scope u, SDVariable x) {
    int c = cfg.promptEmbedDim();
    x = Layers.convTranspose2d(u.child("0"), x, c, c / 4, 2, 2);
    x = Layers.gelu(Layers.layerNorm(u.child("1"), x, c / 4, Layers.LAYER_NORM_2D_EPS, Layers.NormAxis.CHANNELS));
    return Layers.gelu(Layers.convTranspose2d(u.child("3"), x, c / 4, c / 8, 2, 2));
  }

  /** SAM's {@code MLP}: {@code layers.0..n-1}, ReLU after all but the last, no output activation. */
  static SDVariable mlp(Scope s, SDVariable x, int in, int hidden, int out, int depth) {
    for (int i = 0; i < depth; i++) {
      int a = i == 0 ? in : hidden;
      int b = i == depth - 1 ? out : hidden;
      x = Layers.linear(s.child("layers." + i), x, a, b);
      if (i < depth - 1) {
        x = Layers.relu(x);
      }
    }
    return x;
  }
}
