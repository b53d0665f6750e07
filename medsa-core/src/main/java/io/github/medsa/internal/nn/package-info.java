/**
 * Internal, not part of MedSA-J's API: PyTorch layers written from SameDiff primitives that are exact and
 * differentiable in ND4J 1.0.0-M2.1 (LayerNorm with an epsilon, erf GELU, convolutions in PyTorch layout,
 * interpolation matrices).
 *
 * <p>Its types are public only because MedSA-J's sibling modules ({@code medsa-adapters}, {@code medsa-3d},
 * {@code medsa-spark}, the command line and the benchmarks) use them. They are not covered by any compatibility
 * promise and may change or disappear in any release.
 */
package io.github.medsa.internal.nn;
