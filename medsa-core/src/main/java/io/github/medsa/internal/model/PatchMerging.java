package io.github.medsa.internal.model;

import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Layers;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * TinyViT's {@code PatchMerging} between layers: 1x1 {@code in -> out}, GELU, depthwise 3x3 with stride 2 (1 where
 * MobileSAM keeps the grid, {@link io.github.medsa.TinyVitSizes#mergeStride}), GELU, 1x1; channels-last grids {@code [B, h, w, C]} in and out.
 */
final class PatchMerging {
  private PatchMerging() {}

  static SDVariable apply(Scope m, SDVariable x, int in, int out, int stride) {
    double g = Layers.GELU_GAIN; // each GELU's two constant factors go to the convolutions around it
    SDVariable y = Layers.scaledGelu(Conv2dBn.conv(m.child("conv1"), x, in, out, 1, 1, 1.0, g));
    y = Layers.scaledGelu(Conv2dBn.depthwise(m.child("conv2"), y, out, 3, stride, g, g));
    return Conv2dBn.conv(m.child("conv3"), y, out, out, 1, 1, g, 1.0);
  }
}
