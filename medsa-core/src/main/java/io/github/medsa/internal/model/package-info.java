/**
 * Internal, not part of MedSA-J's API: SAM's and MobileSAM's modules as SameDiff graph builders (image encoders,
 * prompt encoder, mask decoder, their variables named as the PyTorch state-dict keys), the inference graph
 * ({@link io.github.medsa.internal.model.SamGraph}) and its assembly, parameter shapes and initialisation, and the
 * graphs' session memory and native buffer pool.
 *
 * <p>Its types are public only because MedSA-J's sibling modules ({@code medsa-adapters}, {@code medsa-3d},
 * {@code medsa-spark}, the command line and the benchmarks) use them. They are not covered by any compatibility
 * promise and may change or disappear in any release; use {@link io.github.medsa.MedSA} and the extension points
 * of {@link io.github.medsa.extension} instead.
 */
package io.github.medsa.internal.model;
