package io.github.medsa.adapters;

import io.github.medsa.model.EncoderBlockExtension;
import io.github.medsa.nn.Scope;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The paper's two encoder adapters per block: {@code x + Space_Adapter(attn(n1))} with the adapter's own skip,
 * and {@code x + mlp(n2) + s * MLP_Adapter(n2)} without one.
 */
final class EncoderAdapters implements EncoderBlockExtension {
  private final Adapters spec;
  private final int dim;

  EncoderAdapters(Adapters spec, int dim) {
    this.spec = spec;
    this.dim = dim;
  }

  @Override
  public SDVariable attentionResidual(Scope block, int index, SDVariable attnOut, SDVariable n1,
      BlockAttention attention) {
    if (!spec.adaptsBlock(index)) {
      return attnOut;
    }
    return attnOut.add(Bottleneck.apply(block.child("Space_Adapter"), attnOut, dim, hidden(), spec.activation()));
  }

  @Override
  public SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable n2) {
    if (!spec.adaptsBlock(index)) {
      return mlpOut;
    }
    SDVariable adapter = Bottleneck.apply(block.child("MLP_Adapter"), n2, dim, hidden(), spec.activation());
    return mlpOut.add(adapter.mul(spec.mlpScale()));
  }

  private int hidden() {
    return Bottleneck.hidden(dim, spec.ratio());
  }
}
