package io.github.medsa.checkpoint;

import java.util.Locale;
import java.util.Optional;

/** Element types found in checkpoints, named as safetensors names them. */
public enum TensorDtype {
  F32(4, "FloatStorage"),
  F16(2, "HalfStorage"),
  BF16(2, "BFloat16Storage"),
  F64(8, "DoubleStorage"),
  I64(8, "LongStorage"),
  I32(4, "IntStorage"),
  I16(2, "ShortStorage"),
  I8(1, "CharStorage"),
  U8(1, "ByteStorage"),
  BOOL(1, "BoolStorage");

  private final int bytes;
  private final String torchStorage;

  TensorDtype(int bytes, String torchStorage) {
    this.bytes = bytes;
    this.torchStorage = torchStorage;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** Whether the values can be converted to float32 weights. */
  public boolean isFloatingPoint() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /**
   * Whether a checkpoint's tensor of this type is read (as float32): floating point, and the 64- and 32-bit
   * integers that state dicts hold as counters (BatchNorm's {@code num_batches_tracked}), converted exactly up to
   * 2^24. Other integer and bool tensors are rejected.
   */
  public boolean isReadable() {
    return isFloatingPoint() || this == I64 || this == I32;
  }

  /** The dtype of a {@code torch.<Name>Storage} class, e.g. {@code FloatStorage}. */
  static Optional<TensorDtype> fromTorchStorage(String className) {
    for (TensorDtype t : values()) {
      if (t.torchStorage.equals(className)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }

  /** The dtype of a safetensors header entry ({@code "F32"}, {@code "BF16"}, ...). */
  static Optional<TensorDtype> fromSafetensors(String name) {
    try {
      return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
