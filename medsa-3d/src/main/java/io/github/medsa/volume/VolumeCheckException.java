package io.github.medsa.volume;

/** An image/label pair that must not be trained or evaluated on: different geometry, NaNs, unknown labels. */
public final class VolumeCheckException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  VolumeCheckException(String message) {
    super(message);
  }
}
