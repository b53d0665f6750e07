package io.github.medsa.adapters;

import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import java.util.function.IntUnaryOperator;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The paper's two encoder adapters per block: {@code x + Space_Adapter(attn(n1))} with the adapter's own skip,
 * and {@code x + mlp(n2) + s * MLP_Adapter(n2)} without one. In TinyViT blocks (the official Med-SA TinyViT code)
 * the widths differ per layer, {@code n2} is the MLP's input before its LayerNorm, and every block also holds a
 * {@code Depth_Adapter} that 2D never uses (declared so that checkpoints and trainable sets match the official ones).
 */
final class EncoderAdapters implements EncoderBlockExtension {
  /** Whether each adapted block also declares an (unused in 2D) Depth_Adapter. */
  enum DepthAdapter { NONE, DECLARED }

  private final Adapters spec;
  private final IntUnaryOperator dimOfBlock;
  private final DepthAdapter depthAdapter;

  /**
   * @param dimOfBlock the width of encoder block {@code i}
   */
  EncoderAdapters(Adapters spec, IntUnaryOperator dimOfBlock, DepthAdapter depthAdapter) {
    this.spec = spec;
    this.dimOfBlock = dimOfBlock;
    this.depthAdapter = depthAdapter;
  }

  @Override
  public SDVariable attentionResidual(Scope block, int index, SDVariable attnOut, SDVariable n1,
      BlockAttention attention) {
    if (!spec.adaptsBlock(index)) {
      return attnOut;
    }
    int dim = dimOfBlock.applyAsInt(index);
    if (depthAdapter == DepthAdapter.DECLARED) {
      Bottleneck.declare(block.child("Depth_Adapter"), dim, hidden(dim));
    }
    return attnOut.add(Bottleneck.apply(block.child("Space_Adapter"), attnOut, dim, hidden(dim), spec.activation()));
  }

  @Override
  public SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable n2) {
    if (!spec.adaptsBlock(index)) {
      return mlpOut;
    }
    int dim = dimOfBlock.applyAsInt(index);
    SDVariable adapter = Bottleneck.apply(block.child("MLP_Adapter"), n2, dim, hidden(dim), spec.activation());
    return mlpOut.add(adapter.mul(spec.mlpScale()));
  }

  private int hidden(int dim) {
    return Bottleneck.hidden(dim, spec.ratio());
  }
}
