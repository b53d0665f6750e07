/**
 * Extension points through which modules are grafted onto SAM's graph: a
 * {@link io.github.medsa.extension.ModelExtension} is what {@code Adapters.medsa()} (medsa-adapters) and
 * {@code SdTrans} (medsa-3d) return and what {@link io.github.medsa.MedSA.Builder#adapters} takes.
 *
 * <p>Most users only pass an extension along. Writing one means building SameDiff graph code: the block hooks
 * ({@link io.github.medsa.extension.EncoderBlockExtension}, {@link io.github.medsa.extension.DecoderBlockExtension})
 * receive the block's {@link io.github.medsa.extension.Scope}, which names every tensor as its PyTorch state-dict
 * key and gets it from a {@link io.github.medsa.extension.ParamSource}. Tensor layouts follow PyTorch's
 * ({@code [B, C, H, W]} images, {@code [B, T, C]} token rows); everything is float32.
 */
package io.github.medsa.extension;
