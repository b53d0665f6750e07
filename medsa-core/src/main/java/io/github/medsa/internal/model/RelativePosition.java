package io.github.medsa.internal.model;

import io.github.medsa.extension.Scope;
import io.github.medsa.internal.nn.Interpolation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SAM's decomposed relative positions ({@code get_rel_pos} and {@code add_decomposed_rel_pos}).
 *
 * <p>{@code get_rel_pos} resizes a table linearly when its length differs from {@code 2 max(q, k) - 1} and
 * then gathers one row per (query, key) pair. Both steps are linear in the table, so they become one constant
 * selection matrix times the table: exact, and differentiable where SameDiff's gather is not.
 */
final class RelativePosition {
  private RelativePosition() {}

  /** The {@code [q * k, rows]} matrix M with {@code get_rel_pos(q, k, table) = (M @ table).reshape(q, k, -1)}. */
  static double[][] selection(int qSize, int kSize, int rows) {
    int maxRel = 2 * Math.max(qSize, kSize) - 1;
    double[][] resize = rows == maxRel ? identity(rows) : Interpolation.linear(rows, maxRel);
    double qScale = Math.max((double) kSize / qSize, 1.0);
    double kScale = Math.max((double) qSize / kSize, 1.0);
    double[][] m = new double[qSize * kSize][];
    for (int i = 0; i < qSize; i++) {
      for (int j = 0; j < kSize; j++) {
        int rel = (int) (i * qScale - j * kScale + (kSize - 1) * kScale);
        m[i * kSize + j] = resize[rel];
      }
    }
    return m;
  }

  private static double[][] identity(int n) {
    double[][] m = new double[n][n];
    for (int i = 0; i < n; i++) {
      m[i][i] = 1;
    }
    return m;
  }

  /** {@code get_rel_pos} for the table {@code name} of this attention scope: {@code [q, k, headDim]}. */
  static SDVariable table(Scope attn, String name, int size, int rows, int headDim) {
    SameDiff sd = attn.sd();
    SDVariable t = attn.param(name, rows, headDim);
    float[][] sel = Interpolation.toFloat(selection(size, size, rows));
    return sd.mmul(sd.constant(Nd4j.createFromArray(sel)), t).reshape(size, size, headDim);
  }

  /**
   * {@code add_decomposed_rel_pos}: the scores {@code [B', h*w, h*w]} plus {@code rel_h[b, y, x, ky]} and
   * {@code rel_w[b, y, x, kx]}, each broadcast into a {@code [B', h, w, h, w]} view of the scores as the
   * reference does. {@code q} is the unscaled query {@code [B', h*w, hd]}.
   */
  static SDVariable addTo(SDVariable scores, SDVariable q, SDVariable relH, SDVariable relW, int h, int w,
      int headDim) {
    SameDiff sd = q.getSameDiff();
    SDVariable rq = q.reshape(-1, h, w, headDim);
    // rel_h: for every row y, a matmul over (batch, x) against Rh[y] of shape [kh, hd].
    SDVariable byRow = rq.permute(1, 0, 2, 3).reshape(h, -1, headDim);
    SDVariable relHeight = sd.mmul(byRow, relH, false, true, false).reshape(h, -1, w, h).permute(1, 0, 2, 3);
    SDVariable byCol = rq.permute(2, 0, 1, 3).reshape(w, -1, headDim);
    SDVariable relWidth = sd.mmul(byCol, relW, false, true, false).reshape(w, -1, h, w).permute(1, 2, 0, 3);
    // [B', h*w, h*w] -> [B', h, w, h, w] (query y, x; key y, x) -> back
    return scores.reshape(-1, h, w, h, w).add(relHeight.reshape(-1, h, w, h, 1))
        .add(relWidth.reshape(-1, h, w, 1, w)).reshape(-1, h * w, h * w);
  }
}
