package io.github.medsa.volume.nifti;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is not a NIfTI volume this package can read: bad magic or header size, impossible dims, an
 * unknown datatype, a vox_offset inside the header or past the end, truncated data. An {@link IOException}
 * because, like a missing file, it is a problem with what is on disk, not with the caller's code; the message
 * always starts with the file name so a failure in a batch of thousands of cases says which one.
 */
public class NiftiFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /** The file that could not be read (serialised as part of the exception). */
  private final Path file;

  /**
   * A format problem with {@code file}.
   *
   * @param file the file that could not be read
   * @param problem what is wrong; the message is {@code file + ": " + problem}
   */
  public NiftiFormatException(Path file, String problem) {
    super(file + ": " + problem);
    this.file = file;
  }

  /**
   * A format problem with {@code file} found through another exception.
   *
   * @param file the file that could not be read
   * @param problem what is wrong; the message is {@code file + ": " + problem}
   * @param cause the underlying exception
   */
  public NiftiFormatException(Path file, String problem, Throwable cause) {
    super(file + ": " + problem, cause);
    this.file = file;
  }

  /** {@return the file that could not be read} */
  public Path file() {
    return file;
  }
}
