package io.github.medsa.volume.dicom;

import java.io.IOException;

/**
 * A file or series that this reader cannot turn into a volume: not DICOM, truncated, inconsistent slices. An
 * {@link IOException} because, like a read error, it is about the input and not a programming error; the
 * message always names the file (or files) at fault.
 */
public class DicomFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * A format problem.
   *
   * @param message what is wrong, naming the file or files
   */
  public DicomFormatException(String message) {
    super(message);
  }

  /**
   * A format problem found through another exception.
   *
   * @param message what is wrong, naming the file or files
   * @param cause the underlying exception
   */
  public DicomFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
