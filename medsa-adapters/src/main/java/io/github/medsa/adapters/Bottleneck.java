package io.github.medsa.adapters;

import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/** Med-SA's {@code Adapter}: {@code D_fc2(act(D_fc1(x)))}, a down- and up-projection with biases. */
final class Bottleneck {
  private Bottleneck() {}

  static SDVariable apply(Scope adapter, SDVariable x, int dim, int hidden, Activation act) {
    SDVariable down = act.apply(Layers.linear(adapter.child("D_fc1"), x, dim, hidden));
    return Layers.linear(adapter.child("D_fc2"), down, hidden, dim);
  }

  /** Declares the adapter's four tensors without using them (TinyViT's Depth_Adapter in 2D). */
  static void declare(Scope adapter, int dim, int hidden) {
    adapter.param("D_fc1.weight", hidden, dim);
    adapter.param("D_fc1.bias", hidden);
    adapter.param("D_fc2.weight", dim, hidden);
    adapter.param("D_fc2.bias", dim);
  }

  /** Hidden width for a bottleneck ratio, as the official code's {@code int(dim * ratio)}. */
  static int hidden(int dim, double ratio) {
    return Math.max(1, (int) (dim * ratio));
  }
}
