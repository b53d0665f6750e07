package io.github.medsa.cli;

import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.dicom.DicomSeriesReader;
import io.github.medsa.volume.nifti.NiftiReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/** Reading volumes (NIfTI file or DICOM folder) and parsing the volume options. */
public final class Volumes {
  private Volumes() {}

  public static boolean isVolumePath(Path p) {
    String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return n.endsWith(".nii") || n.endsWith(".nii.gz") || Files.isDirectory(p);
  }

  public static Volume read(Path p) throws IOException {
    if (Files.isDirectory(p)) {
      return DicomSeriesReader.read(p);
    }
    if (!Files.isRegularFile(p)) {
      throw new UserInputException("volume " + p + " does not exist");
    }
    return NiftiReader.read(p).volume();
  }

  public static Axis axis(String s) {
    try {
      return Axis.valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserInputException("--axis '" + s + "': use axial, coronal or sagittal");
    }
  }

  /** {@code mri} or {@code ct:LEVEL,WIDTH}. */
  public static IntensityWindow window(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    if (t.equals("mri")) {
      return IntensityWindow.mri();
    }
    if (t.startsWith("ct:")) {
      double[] v = SegmentCommand.numbers(t.substring(3), "--window ct", 2, 2);
      if (v[1] <= 0) {
        throw new UserInputException("--window '" + s + "': the width must be positive");
      }
      return IntensityWindow.ct(v[0], v[1]);
    }
    throw new UserInputException("--window '" + s + "': use mri or ct:LEVEL,WIDTH (e.g. ct:40,400)");
  }

  public static Set<Integer> labelValues(Volume label) {
    Set<Integer> present = new TreeSet<>();
    for (float v : label.data()) {
      present.add(Math.round(v));
    }
    return present;
  }

  static String describe(Set<Integer> values) {
    TreeSet<Integer> t = new TreeSet<>(values);
    return t.size() <= 12 ? t.toString() : t.size() + " values from " + t.first() + " to " + t.last();
  }
}
