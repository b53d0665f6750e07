package io.github.medsa.internal.model;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * TinyViT's learned attention bias (LeViT's): a table {@code attention_biases [heads, offsets]} with one entry per
 * distinct offset {@code (|dy|, |dx|)} between two positions of a window, spread to {@code [heads, N, N]} by an
 * index MobileSAM does not save ({@code attention_bias_idxs}, a non-persistent buffer) and which is derived here
 * in its order: offsets are numbered by first appearance, row-major over the query position, then the key.
 */
final class AttentionBias {
  private AttentionBias() {}

  /** Number of distinct offsets in a {@code ws x ws} window: {@code ws * ws}. */
  static int offsets(int ws) {
    return ws * ws;
  }

  /** {@code idx[i * N + j]}: the offset number between window positions {@code i} and {@code j}, {@code N = ws^2}. */
  static int[] index(int ws) {
    int n = ws * ws;
    Map<Integer, Integer> numbers = new LinkedHashMap<>();
    int[] idx = new int[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int key = Math.abs(i / ws - j / ws) * ws + Math.abs(i % ws - j % ws);
        Integer number = numbers.get(key);
        if (number == null) {
          number = numbers.size();
          numbers.put(key, number);
        }
        idx[i * n + j] = number;
      }
    }
    return idx;
  }

  /**
   * {@code table[:, idx]} as {@code [heads, N, N]}. A frozen table is gathered; a trainable one is multiplied by a
   * constant one-hot matrix instead, because M2.1's gather has a wrong gradient.
   */
  static SDVariable spread(SDVariable table, int heads, int ws) {
    int n = ws * ws;
    int[] idx = index(ws);
    var sd = table.getSameDiff();
    if (table.getVariableType() != VariableType.VARIABLE) {
      return sd.gather(table, idx, 1).reshape(heads, n, n);
    }
    INDArray oneHot = Nd4j.zeros(DataType.FLOAT, offsets(ws), (long) n * n);
    for (int k = 0; k < idx.length; k++) {
      oneHot.putScalar(idx[k], k, 1f);
    }
    return sd.mmul(table, sd.constant(oneHot)).reshape(heads, n, n);
  }
}
