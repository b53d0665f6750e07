package io.github.medsa.adapters;

import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/** The non-linearity inside an adapter's bottleneck. */
public enum Activation {
  /** Exact (erf) GELU, as the official Med-SA code and the fixtures use. */
  GELU,
  /** ReLU, as the paper states. */
  RELU;

  SDVariable apply(SDVariable x) {
    return this == GELU ? Layers.gelu(x) : Layers.relu(x);
  }
}
