package io.github.medsa.cli;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Something the user gave (a file, an option, a value) is wrong: the command line exits with 2 and this message,
 * which names it. Thrown where user input is validated; every other failure (a full disk, an internal error)
 * exits with 1.
 */
public final class UserInputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** @param message what is wrong, naming the option, file or value */
  public UserInputException(String message) {
    super(message);
  }

  /** @param message what is wrong, naming the option, file or value; @param cause the library's error */
  public UserInputException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Reading or checking a user's file: an {@link IOException} or {@link IllegalArgumentException}. */
  @FunctionalInterface
  public interface Read<T> {
    T get() throws IOException;
  }

  /**
   * Runs {@code read} on the user's {@code file}, given as {@code option}: what it throws because the file is
   * missing, unreadable or holds bad content becomes a {@code UserInputException} naming the option and file.
   */
  public static <T> T reading(String option, Path file, Read<T> read) {
    try {
      return read.get();
    } catch (UserInputException e) {
      throw e;
    } catch (IOException | IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      throw new UserInputException(m.contains(String.valueOf(file)) ? option + ": " + m
          : option + " " + file + ": " + m, e);
    }
  }
}
