package io.github.medsa.training;

import io.github.medsa.checkpoint.CheckpointFormatException;

/**
 * A saved training run is resumed with a setting that differs from the one it was saved with (the run would not
 * continue as it started). {@link #setting()} names the setting, e.g. {@code epochs}.
 */
public final class ResumeMismatchException extends CheckpointFormatException {
  /** Serialisation version. */
  private static final long serialVersionUID = 1L;
  /** The name of the setting that differs. */
  private final String setting;

  ResumeMismatchException(String setting, String message) {
    super(message);
    this.setting = setting;
  }

  /** @return the name of the setting that differs, as {@code training.json} records it (e.g. {@code schedule}) */
  public String setting() {
    return setting;
  }
}
