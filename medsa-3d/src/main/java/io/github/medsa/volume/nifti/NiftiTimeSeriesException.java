package io.github.medsa.volume.nifti;

import java.nio.file.Path;

/**
 * Thrown by {@link NiftiReader#read(Path)} for a 4-D file with more than one time point: silently taking
 * volume 0 of an fMRI run or a multi-channel image would hide a mistake, so the caller must choose one with
 * {@link NiftiReader#read(Path, int)}.
 */
public class NiftiTimeSeriesException extends NiftiFormatException {
  private static final long serialVersionUID = 1L;

  /** The file's {@code dim[4]}. */
  private final long timePoints;

  /**
   * A 4-D file read as a single volume.
   *
   * @param file the file
   * @param timePoints its number of time points, {@code dim[4]}
   */
  public NiftiTimeSeriesException(Path file, long timePoints) {
    super(file, "has " + timePoints + " time points (dim[4]); choose one with NiftiReader.read(path, timePoint)");
    this.timePoints = timePoints;
  }

  /** {@return the file's number of time points, {@code dim[4]}} */
  public long timePoints() {
    return timePoints;
  }
}
