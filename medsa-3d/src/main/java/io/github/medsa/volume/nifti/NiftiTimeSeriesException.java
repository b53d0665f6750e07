package io.github.medsa.volume.nifti;

import java.nio.file.Path;

/**
 * Thrown by {@link NiftiReader#read(Path)} for a 4-D file with more than one time point: silently taking
 * volume 0 of an fMRI run or a multi-channel image would hide a mistake, so the caller must choose one with
 * {@link NiftiReader#read(Path, int)}.
 */
public class NiftiTimeSeriesException extends NiftiFormatException {
  private static final long serialVersionUID = 1L;

  private final long timePoints;

  public NiftiTimeSeriesException(Path file, long timePoints) {
    super(file, "has " + timePoints + " time points (dim[4]); choose one with NiftiReader.read(path, timePoint)");
    this.timePoints = timePoints;
  }

  /** dim[4] of the file. */
  public long timePoints() {
    return timePoints;
  }
}
