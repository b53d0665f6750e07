package io.github.medsa.volume.nifti;

import java.util.Optional;

/**
 * The NIfTI voxel types this package reads and writes ({@code datatype} codes of nifti1.h). Complex, RGB and
 * 64-bit integer types are left out: a {@link io.github.medsa.volume.Volume} holds one float per voxel, and
 * 64-bit integers would lose precision without warning.
 */
public enum NiftiDatatype {
  /** {@code DT_UINT8} (code 2), unsigned 8-bit integers. */
  UINT8(2, 1, 0, 255),
  /** {@code DT_INT16} (code 4), signed 16-bit integers. */
  INT16(4, 2, Short.MIN_VALUE, Short.MAX_VALUE),
  /** {@code DT_INT32} (code 8), signed 32-bit integers. */
  INT32(8, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
  /** {@code DT_FLOAT32} (code 16), IEEE single precision. */
  FLOAT32(16, 4, Double.NaN, Double.NaN),
  /** {@code DT_FLOAT64} (code 64), IEEE double precision (read and written through float32 volumes). */
  FLOAT64(64, 8, Double.NaN, Double.NaN),
  /** {@code DT_INT8} (code 256), signed 8-bit integers. */
  INT8(256, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
  /** {@code DT_UINT16} (code 512), unsigned 16-bit integers. */
  UINT16(512, 2, 0, 65535),
  /** {@code DT_UINT32} (code 768), unsigned 32-bit integers. */
  UINT32(768, 4, 0, 4294967295.0);

  private final int code;
  private final int bytes;
  private final double min;
  private final double max;

  NiftiDatatype(int code, int bytes, double min, double max) {
    this.code = code;
    this.bytes = bytes;
    this.min = min;
    this.max = max;
  }

  /** {@return the {@code datatype} header field value (nifti1.h code)} */
  public int code() {
    return code;
  }

  /** {@return bytes per voxel ({@code bitpix / 8})} */
  public int bytes() {
    return bytes;
  }

  /** {@return whether this is an integer type (values are rounded and range-checked when written)} */
  public boolean isInteger() {
    return !Double.isNaN(min);
  }

  /** {@return the smallest storable value (integer types only; NaN for float types)} */
  public double min() {
    return min;
  }

  /** {@return the largest storable value (integer types only; NaN for float types)} */
  public double max() {
    return max;
  }

  /**
   * The type of a {@code datatype} header code.
   *
   * @param code the nifti1.h datatype code
   * @return the type, or empty for codes this package does not support (complex, RGB, ...)
   */
  public static Optional<NiftiDatatype> fromCode(int code) {
    for (NiftiDatatype t : values()) {
      if (t.code == code) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** Name of a datatype code from nifti1.h, for error messages about the types we do not support. */
  static String describe(int code) {
    return switch (code) {
      case 1 -> "binary";
      case 32 -> "complex64";
      case 128 -> "rgb24";
      case 1024 -> "int64";
      case 1280 -> "uint64";
      case 1536 -> "float128";
      case 1792 -> "complex128";
      case 2048 -> "complex256";
      case 2304 -> "rgba32";
      default -> fromCode(code).map(t -> t.name().toLowerCase(java.util.Locale.ROOT)).orElse("unknown");
    };
  }
}
