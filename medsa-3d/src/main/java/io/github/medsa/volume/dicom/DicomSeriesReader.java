package io.github.medsa.volume.dicom;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.volume.Geometry;
import io.github.medsa.volume.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Stacks the single-frame slices of one DICOM series into a {@link Volume}: voxel (i, j, k) = (column, row,
 * slice), slices ordered along the slice normal, values rescaled, and the affine converted from DICOM's LPS to
 * NIfTI's RAS (what dcm2niix / nibabel produce, up to their choice of slice order).
 *
 * <p>Refuses rather than guesses: several series, slices of different size, orientation or pixel spacing,
 * uneven slice spacing (a missing slice), several slices at one position (echoes, time points), or positions
 * off the slice normal (gantry tilt) are errors naming the files concerned.
 */
public final class DicomSeriesReader {
  /** Orientation cosines and positions in-plane: DS values are written with ~6 decimals. */
  private static final double ORIENTATION_TOLERANCE = 1e-4;
  /** Pixel spacing: relative. */
  private static final double SPACING_RTOL = 1e-4;
  /** Slice gaps may exceed the smallest gap by this fraction of it (or {@link #GAP_ATOL} mm if larger). */
  private static final double GAP_RTOL = 0.01;
  private static final double GAP_ATOL = 1e-3;

  private DicomSeriesReader() {}

  /**
   * Reads a folder holding one series (every regular file in it except hidden files and {@code DICOMDIR} must be a
   * slice of it), or a single file as a one-slice volume.
   *
   * @param path a folder holding one series, or one DICOM file
   * @return the volume, voxel (i, j, k) = (column, row, slice), its affine in NIfTI's RAS world frame (mm), values
   *     rescaled to the modality's units (e.g. HU)
   * @throws DicomFormatException if the folder is empty, a file is not a readable DICOM image or the slices do not
   *     form one regular series
   * @throws UnsupportedDicomException for compressed, colour or multi-frame images
   * @throws IOException if a file cannot be read
   */
  public static Volume read(Path path) throws IOException {
    if (!Files.isDirectory(path)) {
      return read(List.of(path));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(path)) {
      files = s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> !p.getFileName().toString().equalsIgnoreCase("DICOMDIR"))
          .sorted()
          .collect(Collectors.toList());
    }
    if (files.isEmpty()) {
      throw new DicomFormatException(path + ": no DICOM files in this folder");
    }
    return read(files, path.toString());
  }

  /**
   * Reads the given files, in any order, as one series.
   *
   * @param files the slices of one series, at least one
   * @return the volume, voxel (i, j, k) = (column, row, slice), its affine in NIfTI's RAS world frame (mm), values
   *     rescaled to the modality's units (e.g. HU)
   * @throws IllegalArgumentException if {@code files} is empty
   * @throws DicomFormatException if a file is not a readable DICOM image or the slices do not form one regular
   *     series
   * @throws UnsupportedDicomException for compressed, colour or multi-frame images
   * @throws IOException if a file cannot be read
   */
  public static Volume read(List<Path> files) throws IOException {
    checkArgument(!files.isEmpty(), "no DICOM files given");
    return read(files, files.size() == 1 ? files.get(0).toString() : null);
  }

  private static Volume read(List<Path> files, String where) throws IOException {
    List<DicomSlice> slices = new ArrayList<>(files.size());
    for (Path f : files) {
      slices.add(DicomSlice.read(f));
    }
    checkOneSeries(slices);
    DicomSlice first = slices.get(0);
    for (DicomSlice s : slices) {
      checkConsistent(first, s);
    }
    double[] orientation = first.imageOrientation();
    if (orientation == null) {
      // e.g. secondary capture: no patient geometry at all; treat as axial.
      orientation = new double[] {1, 0, 0, 0, 1, 0};
    }
    double[] rowDir = {orientation[0], orientation[1], orientation[2]};
    double[] colDir = {orientation[3], orientation[4], orientation[5]};
    double[] normal = cross(rowDir, colDir);
    double norm = Math.sqrt(dot(normal, normal));
    if (norm < 0.5) {
      throw new DicomFormatException(first.file() + ": Image Orientation (Patient) " + str(orientation)
          + " does not give two orthogonal unit directions");
    }
    // DS cosines carry ~6 decimals: renormalise so the slice spacing is not scaled by their rounding.
    for (int r = 0; r < 3; r++) {
      normal[r] /= norm;
    }

    boolean havePositions = slices.stream().allMatch(s -> s.imagePosition() != null);
    double sliceSpacing;
    if (havePositions) {
      slices.sort(Comparator.comparingDouble(s -> dot(normal, s.imagePosition())));
      sliceSpacing = spacingFromPositions(slices, normal);
    } else {
      // Without positions, InstanceNumber is the acquisition order; the spacing can only come from the header.
      if (slices.size() > 1) {
        for (DicomSlice s : slices) {
          if (s.instanceNumber().isEmpty()) {
            throw new DicomFormatException(s.file() + ": neither Image Position (Patient) nor Instance Number;"
                + " cannot order the slices");
          }
        }
        slices.sort(Comparator.comparingInt(s -> s.instanceNumber().getAsInt()));
      }
      sliceSpacing = thicknessOrOne(first);
    }
    if (slices.size() == 1) {
      sliceSpacing = thicknessOrOne(slices.get(0));
    }

    DicomSlice origin = slices.get(0);
    double[] pixelSpacing = first.pixelSpacing();
    double rowSpacing = pixelSpacing == null ? 1 : pixelSpacing[0];
    double columnSpacing = pixelSpacing == null ? 1 : pixelSpacing[1];
    double[] position = origin.imagePosition() == null ? new double[3] : origin.imagePosition();
    double[][] affine = new double[4][4];
    for (int r = 0; r < 3; r++) {
      // Column i steps along a row (the row direction cosines) by the spacing between columns, PixelSpacing[1].
      affine[r][0] = rowDir[r] * columnSpacing;
      affine[r][1] = colDir[r] * rowSpacing;
      affine[r][2] = normal[r] * sliceSpacing;
      affine[r][3] = position[r];
    }
    // LPS -> RAS: x and y flip sign, z stays.
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 4; c++) {
        affine[r][c] = -affine[r][c] + 0.0;
      }
    }
    affine[3][3] = 1;

    int nx = first.columns();
    int ny = first.rows();
    int plane = nx * ny;
    float[] data = new float[Math.multiplyExact(plane, slices.size())];
    for (int k = 0; k < slices.size(); k++) {
      // DICOM stores a frame row by row with the column index fastest: already x-fastest.
      System.arraycopy(slices.get(k).pixelsNoCopy(), 0, data, k * plane, plane);
    }
    Geometry geometry = new Geometry(new int[] {nx, ny, slices.size()},
        new double[] {columnSpacing, rowSpacing, sliceSpacing}, affine);
    String source = where != null ? where
        : "DICOM series " + first.seriesInstanceUid() + " (" + slices.size() + " files, first " + origin.file() + ")";
    return new Volume(geometry, data, source);
  }

  private static double thicknessOrOne(DicomSlice s) {
    double t = s.sliceThickness();
    return Double.isFinite(t) && t > 0 ? t : 1;
  }

  private static void checkOneSeries(List<DicomSlice> slices) throws DicomFormatException {
    Map<String, DicomSlice> bySeries = new LinkedHashMap<>();
    for (DicomSlice s : slices) {
      bySeries.putIfAbsent(String.valueOf(s.seriesInstanceUid()), s);
    }
    if (bySeries.size() > 1) {
      String list = bySeries.entrySet().stream()
          .map(e -> e.getKey() + " (e.g. " + e.getValue().file() + ")")
          .collect(Collectors.joining(", "));
      throw new DicomFormatException("files of " + bySeries.size() + " series (Series Instance UID) given, expected"
          + " one: " + list);
    }
  }

  private static void checkConsistent(DicomSlice first, DicomSlice s) throws DicomFormatException {
    String vs = " differs from " + first.file() + ": ";
    if (s.rows() != first.rows() || s.columns() != first.columns()) {
      throw new DicomFormatException(s.file() + ": size " + s.columns() + "x" + s.rows() + vs + first.columns()
          + "x" + first.rows() + " (columns x rows)");
    }
    double[] a = s.imageOrientation();
    double[] b = first.imageOrientation();
    if ((a == null) != (b == null) || (a != null && maxDiff(a, b) > ORIENTATION_TOLERANCE)) {
      throw new DicomFormatException(s.file() + ": Image Orientation (Patient)" + vs + str(a) + " vs " + str(b));
    }
    a = s.pixelSpacing();
    b = first.pixelSpacing();
    if ((a == null) != (b == null)
        || (a != null && maxDiff(a, b) > SPACING_RTOL * Math.max(Math.abs(b[0]), Math.abs(b[1])))) {
      throw new DicomFormatException(s.file() + ": Pixel Spacing" + vs + str(a) + " vs " + str(b));
    }
  }

  /**
   * The mean gap between consecutive positions projected on the normal, after checking that every gap equals the
   * smallest one within tolerance (else a slice is missing or duplicated) and that positions do not drift
   * in-plane (gantry tilt would need a sheared affine).
   */
  private static double spacingFromPositions(List<DicomSlice> sorted, double[] normal) throws DicomFormatException {
    int n = sorted.size();
    if (n == 1) {
      return Double.NaN;
    }
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = dot(normal, sorted.get(i).imagePosition());
    }
    double smallest = Double.POSITIVE_INFINITY;
    for (int i = 1; i < n; i++) {
      double gap = d[i] - d[i - 1];
      if (gap <= GAP_ATOL) {
        throw new DicomFormatException(sorted.get(i - 1).file() + " and " + sorted.get(i).file()
            + ": two slices at the same position " + fmt(d[i]) + " mm along the normal (several echoes, time"
            + " points or duplicates in one series?)");
      }
      smallest = Math.min(smallest, gap);
    }
    // Compare with the smallest gap, not the mean: a missing slice makes one gap too large, and that is the gap
    // the message should point at.
    double tolerance = Math.max(GAP_ATOL, GAP_RTOL * smallest);
    for (int i = 1; i < n; i++) {
      double gap = d[i] - d[i - 1];
      if (gap - smallest > tolerance) {
        throw new DicomFormatException("uneven slice spacing: gap of " + fmt(gap) + " mm between "
            + sorted.get(i - 1).file() + " (at " + fmt(d[i - 1]) + ") and " + sorted.get(i).file() + " (at "
            + fmt(d[i]) + "), but the smallest gap is " + fmt(smallest) + " mm (a missing slice?)");
      }
    }
    double mean = (d[n - 1] - d[0]) / (n - 1);
    double[] p0 = sorted.get(0).imagePosition();
    for (int i = 1; i < n; i++) {
      double[] p = sorted.get(i).imagePosition();
      double along = d[i] - d[0];
      for (int r = 0; r < 3; r++) {
        if (Math.abs(p[r] - p0[r] - along * normal[r]) > Math.max(0.01, GAP_RTOL * mean)) {
          throw new DicomFormatException(sorted.get(i).file() + ": Image Position (Patient) " + str(p)
              + " is not on the slice normal through " + sorted.get(0).file() + " " + str(p0)
              + " (gantry tilt or a sheared stack is not supported)");
        }
      }
    }
    return mean;
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  private static String str(double[] a) {
    return a == null ? "(absent)" : java.util.Arrays.toString(a);
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4f", v);
  }
}
