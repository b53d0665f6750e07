package io.github.medsa.volume.nifti;

/**
 * qform quaternion <-> affine conversions, following nibabel ({@code Nifti1Header.get_qform}/{@code set_qform},
 * {@code quaternions.fillpositive}/{@code quat2mat}) so that files read here give the affine nibabel gives.
 */
final class NiftiAffines {
  private NiftiAffines() {
  }

  /** Quaternion parameters of a qform, with the pixdim and qfac they were derived for. */
  record Qform(double b, double c, double d, double qx, double qy, double qz, double qfac, double[] zooms,
      boolean representable) {
  }

  /**
   * The qform affine: {@code R(a,b,c,d) * diag(dx, dy, qfac * dz)} plus the offset. As in nibabel, {@code a}
   * is {@code sqrt(1 - b^2 - c^2 - d^2)} computed in double, a slightly negative {@code a^2} (float32 rounding
   * of a 180 degree rotation) gives {@code a = 0}, and the rotation is normalised by {@code |q|^2}.
   * Negative pixdims are used by magnitude (nibabel refuses them; the NIfTI reference code takes them as 1).
   */
  static double[][] qformToAffine(double b, double c, double d, double qx, double qy, double qz, double[] pix,
      double qfac) {
    double w2 = 1.0 - (b * b + c * c + d * d);
    double a = w2 < 0 ? 0 : Math.sqrt(w2);
    double nq = a * a + b * b + c * c + d * d;
    double[][] r;
    if (nq < 2.220446049250313e-16) {
      r = new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
    } else {
      double s = 2.0 / nq;
      double x = b * s;
      double y = c * s;
      double z = d * s;
      double wx = a * x;
      double wy = a * y;
      double wz = a * z;
      double xx = b * x;
      double xy = b * y;
      double xz = b * z;
      double yy = c * y;
      double yz = c * z;
      double zz = d * z;
      r = new double[][] {{1.0 - (yy + zz), xy - wz, xz + wy}, {xy + wz, 1.0 - (xx + zz), yz - wx},
          {xz - wy, yz + wx, 1.0 - (xx + yy)}};
    }
    double[] s = {Math.abs(pix[0]), Math.abs(pix[1]), Math.abs(pix[2]) * qfac};
    double[] t = {qx, qy, qz};
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        out[i][j] = r[i][j] * s[j];
      }
      out[i][3] = t[i];
    }
    out[3][3] = 1;
    return out;
  }

  /**
   * nibabel's {@code set_qform}: zooms are the column norms, qfac = -1 when the rotation part has a negative
   * determinant (then its last column is flipped), the rotation is made orthogonal by polar decomposition and
   * turned into a quaternion with {@code a >= 0}. {@code representable} is false when the affine has shears (the
   * orthogonalised rotation differs from the input by more than {@code tol}) or a zero column: a qform cannot
   * express it, so the writer then sets qform_code 0.
   */
  static Qform affineToQform(double[][] affine, double tol) {
    double[][] r = new double[3][3];
    double[] zooms = new double[3];
    boolean ok = true;
    for (int j = 0; j < 3; j++) {
      zooms[j] = Math.sqrt(sq(affine[0][j]) + sq(affine[1][j]) + sq(affine[2][j]));
      if (!(zooms[j] > 0) || !Double.isFinite(zooms[j])) {
        return new Qform(0, 0, 0, affine[0][3], affine[1][3], affine[2][3], 1, zooms, false);
      }
      for (int i = 0; i < 3; i++) {
        r[i][j] = affine[i][j] / zooms[j];
      }
    }
    double qfac = 1;
    if (det3(r) < 0) {
      qfac = -1;
      for (int i = 0; i < 3; i++) {
        r[i][2] = -r[i][2];
      }
    }
    double[][] p = polar(r);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        ok &= Math.abs(p[i][j] - r[i][j]) <= tol;
      }
    }
    double[] q = toQuaternion(p);
    return new Qform(q[1], q[2], q[3], affine[0][3], affine[1][3], affine[2][3], qfac, zooms, ok);
  }

  /**
   * Closest orthogonal matrix (the polar factor nibabel gets from an SVD), by Newton's iteration
   * {@code X <- (X + X^-T) / 2}, which converges quadratically for a non-singular X with positive determinant.
   */
  private static double[][] polar(double[][] m) {
    double[][] x = {m[0].clone(), m[1].clone(), m[2].clone()};
    for (int it = 0; it < 100; it++) {
      double[][] invT = inverseTranspose(x);
      double change = 0;
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          double v = 0.5 * (x[i][j] + invT[i][j]);
          change = Math.max(change, Math.abs(v - x[i][j]));
          x[i][j] = v;
        }
      }
      if (change < 1e-15) {
        break;
      }
    }
    return x;
  }

  private static double[][] inverseTranspose(double[][] m) {
    double det = det3(m);
    double[][] cof = new double[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        int i1 = (i + 1) % 3;
        int i2 = (i + 2) % 3;
        int j1 = (j + 1) % 3;
        int j2 = (j + 2) % 3;
        cof[i][j] = (m[i1][j1] * m[i2][j2] - m[i1][j2] * m[i2][j1]) / det;
      }
    }
    return cof; // cofactor matrix / det = (M^-1)^T
  }

  /** Unit quaternion (a, b, c, d), a >= 0, of an orthogonal matrix with determinant +1 (Shepperd's method). */
  private static double[] toQuaternion(double[][] r) {
    double trace = r[0][0] + r[1][1] + r[2][2];
    double a;
    double b;
    double c;
    double d;
    if (trace > 0) {
      double s = 2 * Math.sqrt(1 + trace);
      a = 0.25 * s;
      b = (r[2][1] - r[1][2]) / s;
      c = (r[0][2] - r[2][0]) / s;
      d = (r[1][0] - r[0][1]) / s;
    } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
      double s = 2 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
      a = (r[2][1] - r[1][2]) / s;
      b = 0.25 * s;
      c = (r[0][1] + r[1][0]) / s;
      d = (r[0][2] + r[2][0]) / s;
    } else if (r[1][1] > r[2][2]) {
      double s = 2 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
      a = (r[0][2] - r[2][0]) / s;
      b = (r[0][1] + r[1][0]) / s;
      c = 0.25 * s;
      d = (r[1][2] + r[2][1]) / s;
    } else {
      double s = 2 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
      a = (r[1][0] - r[0][1]) / s;
      b = (r[0][2] + r[2][0]) / s;
      c = (r[1][2] + r[2][1]) / s;
      d = 0.25 * s;
    }
    // NIfTI stores only b, c, d and recomputes a >= 0, so flip the sign of q (the same rotation) if needed.
    if (a < 0) {
      a = -a;
      b = -b;
      c = -c;
      d = -d;
    }
    return new double[] {a, b, c, d};
  }

  static double det3(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }

  static boolean close(double[][] a, double[][] b, double tol) {
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        if (!(Math.abs(a[i][j] - b[i][j]) <= tol)) {
          return false;
        }
      }
    }
    return true;
  }

  private static double sq(double v) {
    return v * v;
  }
}
