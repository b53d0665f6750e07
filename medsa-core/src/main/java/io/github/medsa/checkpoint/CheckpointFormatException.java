package io.github.medsa.checkpoint;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A checkpoint file is corrupt, truncated, of an unknown format or holds something this reader does not
 * support. The message always starts with the file name and says what is wrong.
 */
public class CheckpointFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is wrong, naming the file and tensor or key
   */
  public CheckpointFormatException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message what is wrong, naming the file and tensor or key
   * @param cause the underlying error
   */
  public CheckpointFormatException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code "<file name>: <problem>"}. */
  static CheckpointFormatException of(Path file, String problem, Object... args) {
    return new CheckpointFormatException(fileName(file) + ": " + String.format(problem, args));
  }

  static CheckpointFormatException wrap(Path file, String problem, Throwable cause) {
    String detail = cause.getMessage() == null ? cause.getClass().getSimpleName()
        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new CheckpointFormatException(fileName(file) + ": " + problem + " (" + detail + ")", cause);
  }

  static String fileName(Path file) {
    Path name = file.getFileName();
    return name == null ? file.toString() : name.toString();
  }
}
