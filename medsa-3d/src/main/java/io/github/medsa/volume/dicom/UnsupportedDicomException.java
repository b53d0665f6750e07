package io.github.medsa.volume.dicom;

/**
 * Valid DICOM that this small reader deliberately does not handle (compressed transfer syntaxes, colour,
 * multi-frame). A separate type so callers can tell "convert the file first" from "the file is broken".
 */
public class UnsupportedDicomException extends DicomFormatException {
  private static final long serialVersionUID = 1L;

  /**
   * Valid DICOM this reader does not handle.
   *
   * @param message what is not supported, naming the file
   */
  public UnsupportedDicomException(String message) {
    super(message);
  }
}
