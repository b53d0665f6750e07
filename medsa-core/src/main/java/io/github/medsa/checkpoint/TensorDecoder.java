package io.github.medsa.checkpoint;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Turns raw little-endian storage bytes into a float32, C-order {@link INDArray}, honouring a PyTorch view
 * (element offset, sizes, strides) and converting F16, BF16, F64 and the I64/I32 counters. Every index is checked against the
 * bytes actually present before anything is allocated.
 */
final class TensorDecoder {
  private TensorDecoder() {}

  /**
   * @param storage the storage's bytes (position 0 .. limit)
   * @param storageName how to name the storage in error messages (e.g. the zip entry)
   */
  static INDArray decode(Path file, String tensor, String storageName, ByteBuffer storage, TensorDtype dtype,
      long offset, long[] size, long[] stride) throws CheckpointFormatException {
    if (!dtype.isReadable()) {
      throw new UnsupportedDtypeException(file, tensor, dtype.name());
    }
    checkArgument(size.length == stride.length, "size and stride ranks differ for %s", tensor);
    long count = elementCount(file, tensor, size);
    if (offset < 0) {
      throw CheckpointFormatException.of(file, "tensor %s has negative storage offset %d", tensor, offset);
    }
    for (int d = 0; d < size.length; d++) {
      if (stride[d] < 0) {
        throw CheckpointFormatException.of(file, "tensor %s has negative stride %s", tensor,
            Arrays.toString(stride));
      }
    }
    if (count == 0) {
      return Nd4j.create(DataType.FLOAT, size);
    }
    long stored = storage.limit() / dtype.bytes();
    if (count > Math.max(stored, 1L << 20)) {
      // Zero strides can expand a few stored values to any size; a state dict never needs that much.
      throw CheckpointFormatException.of(file, "tensor %s has %d elements but its storage %s holds only %d",
          tensor, count, storageName, stored);
    }
    long last = offset;
    try {
      for (int d = 0; d < size.length; d++) {
        last = Math.addExact(last, Math.multiplyExact(size[d] - 1, stride[d]));
      }
      long needed = Math.multiplyExact(last + 1, (long) dtype.bytes());
      if (needed > storage.limit()) {
        throw CheckpointFormatException.of(file, "truncated: storage %s holds %d bytes, tensor %s needs %d",
            storageName, storage.limit(), tensor, needed);
      }
    } catch (ArithmeticException e) {
      throw CheckpointFormatException.of(file, "tensor %s: size %s with stride %s overflows", tensor,
          Arrays.toString(size), Arrays.toString(stride));
    }
    ByteBuffer bb = storage.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) count];
    if (isContiguous(size, stride)) {
      for (int i = 0; i < out.length; i++) {
        out[i] = read(bb, dtype, offset + i);
      }
    } else {
      long[] idx = new long[size.length];
      long pos = offset;
      for (int i = 0; i < out.length; i++) {
        out[i] = read(bb, dtype, pos);
        for (int d = size.length - 1; d >= 0; d--) {
          idx[d]++;
          pos += stride[d];
          if (idx[d] < size[d]) {
            break;
          }
          pos -= idx[d] * stride[d];
          idx[d] = 0;
        }
      }
    }
    if (size.length == 0) {
      return Nd4j.scalar(out[0]);
    }
    return Nd4j.create(out, size, 'c');
  }

  /** Product of the sizes, checked: non-negative and at most {@code Integer.MAX_VALUE}. */
  static long elementCount(Path file, String tensor, long[] size) throws CheckpointFormatException {
    long n = 1;
    for (long s : size) {
      if (s < 0) {
        throw CheckpointFormatException.of(file, "tensor %s has negative size %s", tensor, Arrays.toString(size));
      }
      try {
        n = Math.multiplyExact(n, s);
      } catch (ArithmeticException e) {
        n = Long.MAX_VALUE;
      }
    }
    if (n > Integer.MAX_VALUE - 8) {
      throw CheckpointFormatException.of(file, "tensor %s of size %s is too large (%d elements)", tensor,
          Arrays.toString(size), n);
    }
    return n;
  }

  private static boolean isContiguous(long[] size, long[] stride) {
    long expect = 1;
    for (int d = size.length - 1; d >= 0; d--) {
      if (size[d] != 1 && stride[d] != expect) {
        return false;
      }
      expect *= size[d];
    }
    return true;
  }

  private static float read(ByteBuffer bb, TensorDtype dtype, long element) {
    int at = (int) (element * dtype.bytes());
    switch (dtype) {
      case F32:
        return bb.getFloat(at);
      case F64:
        return (float) bb.getDouble(at);
      case F16:
        return halfToFloat(bb.getShort(at));
      case BF16:
        return Float.intBitsToFloat((bb.getShort(at) & 0xffff) << 16);
      case I64:
        return (float) bb.getLong(at);
      case I32:
        return (float) bb.getInt(at);
      default:
        throw new IllegalStateException("not a floating point dtype: " + dtype);
    }
  }

  /** IEEE 754 binary16 to float32, exact (subnormals, infinities and NaN included). */
  static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
