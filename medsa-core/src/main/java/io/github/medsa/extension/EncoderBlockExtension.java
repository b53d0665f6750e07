package io.github.medsa.extension;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Where Med-SA changes SAM's encoder block: what is added to the residual stream after attention and after the
 * MLP. The default is SAM itself; the adapters module supplies the Space, MLP and Depth adapters.
 */
public interface EncoderBlockExtension {
  /** Plain SAM. */
  EncoderBlockExtension NONE = new EncoderBlockExtension() {};

  /**
   * Runs this block's attention (its own weights) on {@code [B', h, w, C]} grids; returns token rows
   * {@code [B' * h * w, C]} in the same (b', y, x) order.
   */
  @FunctionalInterface
  interface BlockAttention {
    /**
     * Applies the attention.
     *
     * @param x grids {@code [B', h, w, C]}
     * @param h grid height in tokens
     * @param w grid width in tokens
     * @return token rows {@code [B' * h * w, C]}
     */
    SDVariable apply(SDVariable x, int h, int w);
  }

  /**
   * What the block adds to {@code x} after attention; SAM adds {@code attnOut}.
   *
   * @param block the block's scope ({@code image_encoder.blocks.i})
   * @param index the block's 0-based index in the encoder
   * @param attnOut the spatial attention output on the full grid, as token rows {@code [B * g * g, C]}
   * @param n1 {@code norm1(x)} on the full grid, before any window padding, as token rows
   * @param attention the block's attention, for branches that reuse its weights (SD-Trans)
   * @return the residual branch, token rows {@code [B * g * g, C]}
   */
  default SDVariable attentionResidual(Scope block, int index, SDVariable attnOut, SDVariable n1,
      BlockAttention attention) {
    return attnOut;
  }

  /**
   * What the block adds to {@code x} after the MLP; SAM adds {@code mlpOut = mlp(n2)} (token rows).
   *
   * @param block the block's scope ({@code image_encoder.blocks.i})
   * @param index the block's 0-based index in the encoder
   * @param mlpOut {@code mlp(n2)} as token rows
   * @param n2 {@code norm2(x)} as token rows
   * @return the residual branch, token rows of the same shape
   */
  default SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable n2) {
    return mlpOut;
  }
}
