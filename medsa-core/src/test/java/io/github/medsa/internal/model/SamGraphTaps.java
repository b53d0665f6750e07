package io.github.medsa.internal.model;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Test access to the encoder's debug taps for parity tests outside this package. */
public final class SamGraphTaps {
  private SamGraphTaps() {}

  /** {@link SamGraph#encodeWithTaps}: encoder outputs and {@code tap.*} intermediates by name. */
  public static Map<String, INDArray> encode(SamGraph graph, INDArray image, String... outputs) {
    return graph.encodeWithTaps(image, outputs);
  }
}
