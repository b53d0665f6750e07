package io.github.medsa.internal.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Frees arrays' native memory at once rather than when the Java collector finds them. */
public final class NativeMemory {
  private NativeMemory() {}

  /**
   * Closes each array that is not closed yet and may be closed (views and workspace arrays may not).
   *
   * @param arrays the arrays; null elements are skipped
   */
  public static void free(Iterable<INDArray> arrays) {
    for (INDArray a : arrays) {
      free(a);
    }
  }

  /**
   * Closes {@code array} unless it is null, already closed, or not closeable.
   *
   * @param array the array, or null
   */
  public static void free(INDArray array) {
    if (array != null && !array.wasClosed() && array.closeable()) {
      array.close();
    }
  }
}
