package io.github.medsa.notebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Small conversions notebooks need between masks, label maps and the {@code boolean[]} the metrics take. */
public final class Masks {
  private Masks() {}

  /** A mask array (BOOL, or numbers where non-zero is inside), row-major. */
  public static boolean[] of(INDArray mask) {
    int[] v = mask.castTo(DataType.INT).dup('c').data().asInt();
    boolean[] out = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  /** Where a label map (e.g. an atlas slice) holds one of {@code labels}. */
  public static boolean[] labels(float[] values, int... labels) {
    boolean[] out = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      for (int l : labels) {
        out[i] |= values[i] == l;
      }
    }
    return out;
  }

  /** Where {@code values > threshold} (e.g. a probability map at 0.5). */
  public static boolean[] above(float[] values, double threshold) {
    boolean[] out = new boolean[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i] > threshold;
    }
    return out;
  }

  /** Number of voxels inside. */
  public static int count(boolean[] mask) {
    int n = 0;
    for (boolean b : mask) {
      n += b ? 1 : 0;
    }
    return n;
  }
}
