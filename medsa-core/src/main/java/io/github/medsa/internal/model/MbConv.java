package io.github.medsa.internal.model;

import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * TinyViT's {@code MBConv} (layer 0): 1x1 expansion, GELU, depthwise 3x3, GELU, 1x1 projection, residual, GELU, on
 * channels-last grids {@code [B, h, w, dim]}.
 */
final class MbConv {
  private MbConv() {}

  static SDVariable apply(Scope b, SDVariable x, int dim, int hidden) {
    double g = Layers.GELU_GAIN; // each GELU's two constant factors go to the convolutions around it
    SDVariable y = Layers.scaledGelu(Conv2dBn.conv(b.child("conv1"), x, dim, hidden, 1, 1, 1.0, g));
    y = Layers.scaledGelu(Conv2dBn.depthwise(b.child("conv2"), y, hidden, 3, 1, g, g));
    y = Conv2dBn.conv(b.child("conv3"), y, hidden, dim, 1, 1, g, 1.0);
    return Layers.gelu(y.add(x)); // after the residual sum: no convolution to take the factors
  }
}
