package io.github.medsa.internal.model;

import io.github.medsa.SamConfig;
import io.github.medsa.extension.EncoderBlockExtension;
import io.github.medsa.extension.Scope;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * An image encoder graph builder: SAM's ViT ({@link ImageEncoder}) or MobileSAM's TinyViT ({@link TinyVitEncoder}).
 * The inference and training graphs ask {@link #of} for the one the configuration names.
 */
public interface EncoderGraph {
  /**
   * Builds the encoder under {@code root} ({@code image_encoder.*} names).
   *
   * @param root the graph's root scope; the encoder's tensors are taken from it as {@code image_encoder.*}
   * @param image normalised, padded {@code [B, 3, S, S]}
   * @return embeddings {@code [B, promptEmbedDim, S / 16, S / 16]}
   */
  SDVariable build(Scope root, SDVariable image);

  /**
   * The encoder {@code cfg} describes, with {@code extension}'s changes to its blocks.
   *
   * @param cfg the model sizes; {@link SamConfig#isTinyVit()} chooses TinyViT
   * @param extension what adapters add to each attention block ({@link EncoderBlockExtension#NONE} for none)
   * @return a builder for that encoder
   */
  static EncoderGraph of(SamConfig cfg, EncoderBlockExtension extension) {
    return cfg.isTinyVit() ? new TinyVitEncoder(cfg, extension) : new ImageEncoder(cfg, extension);
  }
}
