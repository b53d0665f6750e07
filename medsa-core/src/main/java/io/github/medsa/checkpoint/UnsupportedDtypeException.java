package io.github.medsa.checkpoint;

import java.nio.file.Path;

/** A tensor is stored with a data type that cannot be loaded as float32 weights (integers, bool, ...). */
public final class UnsupportedDtypeException extends CheckpointFormatException {
  private static final long serialVersionUID = 1L;
  /** The state-dict name of the tensor that could not be loaded. */
  private final String tensor;
  /** The data type it is stored with. */
  private final String dtype;

  UnsupportedDtypeException(Path file, String tensor, String dtype) {
    super(fileName(file) + ": tensor " + tensor + " has unsupported dtype " + dtype
        + " (only F32, F16, BF16, F64 and the I64/I32 counters are loaded, converted to float32)");
    this.tensor = tensor;
    this.dtype = dtype;
  }

  /**
   * The tensor that could not be loaded.
   *
   * @return its state-dict name
   */
  public String tensor() {
    return tensor;
  }

  /**
   * The data type it is stored with.
   *
   * @return the dtype as the checkpoint names it (e.g. {@code U8} or {@code ByteStorage})
   */
  public String dtype() {
    return dtype;
  }
}
