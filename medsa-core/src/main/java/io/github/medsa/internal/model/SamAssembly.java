package io.github.medsa.internal.model;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.DecoderBlockExtension;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * SAM's forward pass wired once, as {@code Sam.forward}: images through the image encoder, prompts through the
 * prompt encoder, both into the mask decoder. Inference ({@link SamGraph}) and training ({@code TrainingGraph})
 * build their graphs from these pieces, so they compute the same model. Parameters come from the scope's
 * {@link io.github.medsa.extension.ParamSource}, which returns a tensor already declared, so the decoder can be wired
 * more than once in one graph (with and without a mask input) sharing its weights.
 */
public final class SamAssembly {
  /**
   * One batch of prompts decoded.
   *
   * @param sparse {@code [B, N, C]} sparse prompt embeddings
   * @param dense {@code [B, C, g, g]} dense prompt embeddings
   * @param masks {@code [B, M, 4g, 4g]} every mask token's low-res logits
   * @param iou {@code [B, M]} IoU estimates
   */
  public record Decoded(SDVariable sparse, SDVariable dense, SDVariable masks, SDVariable iou) {}

  private SamAssembly() {}

  /**
   * Images {@code [B, 3, S, S]} (normalised, padded), named {@code name}.
   *
   * @param sd the graph
   * @param name the placeholder's name
   * @param cfg the model sizes ({@code S} is the image size)
   * @return the float placeholder, batch size free
   */
  public static SDVariable imagesInput(SameDiff sd, String name, SamConfig cfg) {
    return sd.placeHolder(name, DataType.FLOAT, -1, 3, cfg.imageSize(), cfg.imageSize());
  }

  /**
   * Prompt token coordinates {@code [B, N, 2]} normalised by the model-input side (see {@link PromptTokens}).
   *
   * @param sd the graph
   * @param name the placeholder's name
   * @return the float placeholder, batch and token counts free
   */
  public static SDVariable coordsInput(SameDiff sd, String name) {
    return sd.placeHolder(name, DataType.FLOAT, -1, -1, 2);
  }

  /**
   * Prompt token kinds {@code [B, N, K]}, one-hot over {@link PromptTokens.Kind}.
   *
   * @param sd the graph
   * @param name the placeholder's name
   * @return the float placeholder, batch and token counts free
   */
  public static SDVariable kindsInput(SameDiff sd, String name) {
    return sd.placeHolder(name, DataType.FLOAT, -1, -1, PromptTokens.Kind.values().length);
  }

  /**
   * The image encoder: {@code [B, 3, S, S]} to embeddings {@code [B, C, g, g]}.
   *
   * @param root the scope the {@code image_encoder.*} weights are named under
   * @param cfg the model sizes
   * @param extension modules grafted onto the encoder blocks
   * @param images the normalised, padded images
   * @return the image embeddings
   */
  public static SDVariable encode(Scope root, SamConfig cfg, EncoderBlockExtension extension, SDVariable images) {
    return EncoderGraph.of(cfg, extension).build(root, images);
  }

  /**
   * Prompt encoder and mask decoder against image embeddings.
   *
   * @param embeddings {@code [B, C, g, g]}, or {@code [1, C, g, g]} shared by the B prompts
   * @param coords {@code [B, N, 2]} token coordinates
   * @param kinds {@code [B, N, K]} token kinds
   * @param mask {@code [B, 1, 4g, 4g]} low-res logits as a dense prompt, or null for {@code no_mask_embed}
   * @param root the scope the {@code prompt_encoder.*} and {@code mask_decoder.*} weights are named under
   * @param cfg the model sizes
   * @param extension modules grafted onto the decoder blocks
   * @return the prompt embeddings, mask logits and IoU estimates
   */
  public static Decoded decode(Scope root, SamConfig cfg, DecoderBlockExtension extension, SDVariable embeddings,
      SDVariable coords, SDVariable kinds, SDVariable mask) {
    PromptEncoder prompts = new PromptEncoder(cfg);
    SDVariable sparse = prompts.sparse(root, coords, kinds);
    SDVariable dense = mask == null ? prompts.denseWithoutMask(root, coords) : prompts.denseFromMask(root, mask);
    MaskDecoder.Output out = new MaskDecoder(cfg, extension)
        .build(root, embeddings, prompts.densePositionalEncoding(root), sparse, dense);
    return new Decoded(sparse, dense, out.masks(), out.iou());
  }
}
