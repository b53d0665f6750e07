/**
 * Internal: PyTorch layers written from SameDiff primitives that are exact and differentiable in
 * 1.0.0-M2.1 (LayerNorm with an epsilon, erf GELU, convolutions in PyTorch layout, interpolation matrices), and
 * {@link io.github.medsa.nn.Scope}, the state-dict path of a module while its graph is built. Not a stable API.
 */
package io.github.medsa.nn;
