package io.github.medsa.model;

import io.github.medsa.nn.Scope;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Where Med-SA's decoder adapters enter SAM's two-way blocks. The default is SAM itself; the adapters module
 * supplies the decoder MLP adapter and HyP-Adpt.
 */
public interface DecoderBlockExtension {
  /** Plain SAM. */
  DecoderBlockExtension NONE = new DecoderBlockExtension() {};

  /** What is added to the tokens after the token MLP; SAM adds {@code mlpOut}. */
  default SDVariable mlpResidual(Scope block, int index, SDVariable mlpOut, SDVariable queries) {
    return mlpOut;
  }

  /**
   * The image tokens after the image-to-token attention and {@code norm4}; SAM leaves them as they are.
   *
   * @param tokens the transformer's input tokens {@code [B, T, C]}: the IoU and mask tokens, then the sparse
   *     prompt embeddings
   */
  default SDVariable afterImageToToken(Scope block, int index, SDVariable keys, SDVariable tokens) {
    return keys;
  }
}
