package io.github.medsa.volume.dicom;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * One single-frame greyscale DICOM image: the attributes needed to place it in a volume and its pixel values
 * already rescaled to the modality's units ({@code stored * RescaleSlope + RescaleIntercept}, e.g. Hounsfield
 * units for CT). Immutable; getters of arrays return copies. Read one with {@link #read(Path)}, a stack of them
 * with {@link DicomSeriesReader}.
 *
 * <p>Coordinates are DICOM's own (LPS patient coordinates, mm); only {@link DicomSeriesReader} converts to the
 * NIfTI RAS convention of {@link io.github.medsa.volume.Geometry}.
 */
public final class DicomSlice {
  private final Path file;
  private final String transferSyntaxUid;
  private final String modality;
  private final String seriesInstanceUid;
  private final int rows;
  private final int columns;
  private final String photometricInterpretation;
  private final double rescaleSlope;
  private final double rescaleIntercept;
  private final double[] pixelSpacing;
  private final double sliceThickness;
  private final double[] imagePosition;
  private final double[] imageOrientation;
  private final Integer instanceNumber;
  private final float[] pixels;

  DicomSlice(Path file, String transferSyntaxUid, String modality, String seriesInstanceUid, int rows, int columns,
      String photometricInterpretation, double rescaleSlope, double rescaleIntercept, double[] pixelSpacing,
      double sliceThickness, double[] imagePosition, double[] imageOrientation, Integer instanceNumber,
      float[] pixels) {
    this.file = file;
    this.transferSyntaxUid = transferSyntaxUid;
    this.modality = modality;
    this.seriesInstanceUid = seriesInstanceUid;
    this.rows = rows;
    this.columns = columns;
    this.photometricInterpretation = photometricInterpretation;
    this.rescaleSlope = rescaleSlope;
    this.rescaleIntercept = rescaleIntercept;
    this.pixelSpacing = pixelSpacing;
    this.sliceThickness = sliceThickness;
    this.imagePosition = imagePosition;
    this.imageOrientation = imageOrientation;
    this.instanceNumber = instanceNumber;
    this.pixels = pixels;
  }

  /**
   * Parses one Part-10 file (or a bare dataset without preamble) in an uncompressed transfer syntax.
   *
   * @param file the DICOM file
   * @return the slice
   * @throws UnsupportedDicomException for compressed transfer syntaxes, colour, palette or multi-frame images
   * @throws DicomFormatException for anything that is not a readable single DICOM image (empty, truncated, ...)
   * @throws IOException if the file cannot be read
   */
  public static DicomSlice read(Path file) throws IOException {
    return DicomParser.parse(file);
  }

  /** {@return the file this slice was read from} */
  public Path file() {
    return file;
  }

  /** {@return the transfer syntax UID the dataset was decoded with (guessed for files without a file meta header)} */
  public String transferSyntaxUid() {
    return transferSyntaxUid;
  }

  /** {@return the Modality (0008,0060), or null} */
  public String modality() {
    return modality;
  }

  /** {@return the Series Instance UID (0020,000E), or null} */
  public String seriesInstanceUid() {
    return seriesInstanceUid;
  }

  /** {@return Rows (0028,0010): the image height in pixels} */
  public int rows() {
    return rows;
  }

  /** {@return Columns (0028,0011): the image width in pixels} */
  public int columns() {
    return columns;
  }

  /**
   * MONOCHROME2 (0 = black) or MONOCHROME1 (0 = white). The pixel values are NOT inverted for MONOCHROME1: the
   * interpretation only tells a viewer how to display them, while the rescaled values are the physical quantity
   * a model is trained on.
   *
   * @return Photometric Interpretation (0028,0004), {@code MONOCHROME1} or {@code MONOCHROME2}
   */
  public String photometricInterpretation() {
    return photometricInterpretation;
  }

  /** {@return Rescale Slope (0028,1053), 1 when absent} */
  public double rescaleSlope() {
    return rescaleSlope;
  }

  /** {@return Rescale Intercept (0028,1052), 0 when absent} */
  public double rescaleIntercept() {
    return rescaleIntercept;
  }

  /**
   * {@return Pixel Spacing (0028,0030) as {row spacing, column spacing} in mm (i.e. between rows, between
   * columns), a copy, or null}
   */
  public double[] pixelSpacing() {
    return pixelSpacing == null ? null : pixelSpacing.clone();
  }

  /** {@return Slice Thickness (0018,0050) in mm, NaN when absent} */
  public double sliceThickness() {
    return sliceThickness;
  }

  /**
   * {@return Image Position (Patient) (0020,0032): LPS position (mm) of the centre of the first transmitted pixel,
   * a copy, or null}
   */
  public double[] imagePosition() {
    return imagePosition == null ? null : imagePosition.clone();
  }

  /**
   * {@return Image Orientation (Patient) (0020,0037): row direction cosines then column direction cosines (LPS),
   * a copy, or null}
   */
  public double[] imageOrientation() {
    return imageOrientation == null ? null : imageOrientation.clone();
  }

  /** {@return Instance Number (0020,0013), empty when absent} */
  public OptionalInt instanceNumber() {
    return instanceNumber == null ? OptionalInt.empty() : OptionalInt.of(instanceNumber);
  }

  /**
   * {@return a copy of the rescaled values, rows x columns, column index fastest
   * ({@code index = column + columns * row})}
   */
  public float[] pixels() {
    return pixels.clone();
  }

  /** The same array without a copy, for the series reader. */
  float[] pixelsNoCopy() {
    return pixels;
  }

  /**
   * The rescaled value at (row, column).
   *
   * @param row 0-based row (y, down the image)
   * @param column 0-based column (x, across the image)
   * @return the value in the modality's units (positions are not checked axis by axis)
   */
  public float pixel(int row, int column) {
    return pixels[column + columns * row];
  }

  @Override
  public String toString() {
    return "DicomSlice{" + file + ", " + modality + " " + columns + "x" + rows + "}";
  }
}
