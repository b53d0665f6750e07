package io.github.medsa.model;

import io.github.medsa.nn.Scope;
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
    SDVariable apply(SDVariable x, int h, int w);
  }

  /**
   * What the block adds to {@code x} after attention; SAM adds {@code attnOut}.
   *
   * @param block the block's scope ({@code image_encoder.blocks.i})
   * @param attnOut the spatial attention output on the full grid, as token rows {@code [B * g * g, C]}
   * @param n1 {@code norm1(x)} on the full grid, before any window padding, as token rows
   * @param attention the block's attention, for branches that reuse its weights (SD-Trans)
   */
  default SDVariable attentionResidual(Scope block, int index, SDVariable attnOut, SDVariable n1,
      BlockAttention attention) {
    return attnOut;
  }

  /** What the block adds to {@code x} after the MLP; SAM adds {@code mlpOut = mlp(n2)} (token rows). */
  default SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable n2) {
    return mlpOut;
  }
}
