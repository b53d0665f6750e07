package io.github.medsa.checkpoint;

import java.util.Locale;
import java.util.Optional;

/** Element types found in checkpoints, named as safetensors names them. */
public enum TensorDtype {
  /** 32-bit IEEE float (PyTorch {@code FloatStorage}). */
  F32(4, "FloatStorage"),
  /** 16-bit IEEE half float (PyTorch {@code HalfStorage}). */
  F16(2, "HalfStorage"),
  /** 16-bit bfloat (PyTorch {@code BFloat16Storage}). */
  BF16(2, "BFloat16Storage"),
  /** 64-bit IEEE double (PyTorch {@code DoubleStorage}). */
  F64(8, "DoubleStorage"),
  /** 64-bit signed integer (PyTorch {@code LongStorage}). */
  I64(8, "LongStorage"),
  /** 32-bit signed integer (PyTorch {@code IntStorage}). */
  I32(4, "IntStorage"),
  /** 16-bit signed integer (PyTorch {@code ShortStorage}). */
  I16(2, "ShortStorage"),
  /** 8-bit signed integer (PyTorch {@code CharStorage}). */
  I8(1, "CharStorage"),
  /** 8-bit unsigned integer (PyTorch {@code ByteStorage}). */
  U8(1, "ByteStorage"),
  /** boolean, one byte each (PyTorch {@code BoolStorage}). */
  BOOL(1, "BoolStorage");

  private final int bytes;
  private final String torchStorage;

  TensorDtype(int bytes, String torchStorage) {
    this.bytes = bytes;
    this.torchStorage = torchStorage;
  }

  /**
   * Bytes per element.
   *
   * @return the element size in bytes
   */
  public int bytes() {
    return bytes;
  }

  /**
   * Whether the values can be converted to float32 weights.
   *
   * @return true for F32, F16, BF16 and F64
   */
  public boolean isFloatingPoint() {
    return this == F32 || this == F16 || this == BF16 || this == F64;
  }

  /**
   * Whether a checkpoint's tensor of this type is read (as float32): floating point, and the 64- and 32-bit
   * integers that state dicts hold as counters (BatchNorm's {@code num_batches_tracked}), converted exactly up to
   * 2^24. Other integer and bool tensors are rejected.
   *
   * @return true if tensors of this type are loaded
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
