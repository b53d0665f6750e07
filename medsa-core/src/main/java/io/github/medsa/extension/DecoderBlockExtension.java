package io.github.medsa.extension;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Where Med-SA's decoder adapters enter SAM's two-way blocks. The default is SAM itself; the adapters module
 * supplies the decoder MLP adapter and HyP-Adpt.
 */
public interface DecoderBlockExtension {
  /** Plain SAM. */
  DecoderBlockExtension NONE = new DecoderBlockExtension() {};

  /**
   * What is added to the tokens after the token MLP; SAM adds {@code mlpOut}.
   *
   * @param block the block's scope ({@code mask_decoder.transformer.layers.i})
   * @param index the block's 0-based index in the two-way transformer
   * @param mlpOut the token MLP's output {@code [B, T, C]}
   * @param queries the tokens the MLP ran on {@code [B, T, C]}
   * @return the residual branch, {@code [B, T, C]}
   */
  default SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable queries) {
    return mlpOut;
  }

  /**
   * The image tokens after the image-to-token attention and {@code norm4}; SAM leaves them as they are.
   *
   * @param tokens the transformer's input tokens {@code [B, T, C]}: the IoU and mask tokens, then the sparse
   *     prompt embeddings
   * @param block the block's scope ({@code mask_decoder.transformer.layers.i})
   * @param index the block's 0-based index in the two-way transformer
   * @param keys the image tokens {@code [B, g * g, C]}
   * @return the image tokens to continue with, same shape
   */
  default SDVariable afterImageToToken(Scope block, int index, SDVariable keys, SDVariable tokens) {
    return keys;
  }
}
