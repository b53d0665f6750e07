package io.github.medsa.spark;

import static com.google.common.base.Preconditions.checkArgument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;

/**
 * One row of the cases table, parsed and checked: the case id, the image URI and either a prompt or a label map
 * with its label values (or both: the given prompt, scored against the labels). Coordinates are voxels
 * {@code (x, y, z)} of the image for volumes and pixels {@code (x, y)} for PNG images, as {@code medsa segment}
 * takes them.
 *
 * @param caseId names the outputs: letters, digits, {@code . _ -}
 * @param image URI of a NIfTI file, a DICOM folder or a PNG
 * @param box {@code x0,y0,z0,x1,y1,z1} (volumes) or {@code x0,y0,x1,y1} (PNG), or null
 * @param clicks each {@code x,y,z[,label]} (volumes) or {@code x,y[,label]} (PNG); label 1 foreground, 0 background
 * @param labels URI of a label map on the image's grid, or null
 * @param labelValues the label values that make up the structure (required with labels)
 */
record CaseSpec(String caseId, String image, double[] box, List<double[]> clicks, String labels, int[] labelValues) {
  static final Pattern CASE_ID = Pattern.compile("[A-Za-z0-9._-]+");

  /** How the image is read and its mask written. */
  enum Kind { NIFTI, DICOM_FOLDER, PNG }

  /** The image kind from its name: {@code .nii}/{@code .nii.gz} NIfTI, {@code .png} PNG, anything else DICOM. */
  Kind kind() {
    String n = image.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (n.endsWith(".nii") || n.endsWith(".nii.gz")) {
      return Kind.NIFTI;
    }
    return n.endsWith(".png") ? Kind.PNG : Kind.DICOM_FOLDER;
  }

  boolean hasPrompt() {
    return box != null || !clicks.isEmpty();
  }

  /** The mask's file name under {@code masks/}. */
  String maskName() {
    return caseId + (kind() == Kind.PNG ? "_mask.png" : "_mask.nii.gz");
  }

  /**
   * Reads the row's columns ({@link SparkSegmentation#CASE_COLUMNS}).
   *
   * @throws IllegalArgumentException naming the column and value when one is malformed
   */
  static CaseSpec parse(Row row) {
    String caseId = text(row, "case_id");
    checkArgument(caseId != null, "case_id is empty");
    checkArgument(CASE_ID.matcher(caseId).matches(),
        "case_id '%s' may hold only letters, digits, '.', '_' and '-' (it names the output files)", caseId);
    String image = text(row, "image");
    checkArgument(image != null, "image is empty");
    int dims = image.toLowerCase(Locale.ROOT).endsWith(".png") ? 2 : 3;
    String boxText = text(row, "box");
    double[] box = null;
    if (boxText != null) {
      box = numbers(boxText, "box", 2 * dims, 2 * dims);
    }
    List<double[]> clicks = new ArrayList<>();
    String clickText = text(row, "clicks");
    if (clickText != null) {
      for (String c : clickText.split(";")) {
        if (!c.isBlank()) {
          double[] v = numbers(c, "clicks", dims, dims + 1);
          double label = v.length == dims + 1 ? v[dims] : 1;
          checkArgument(label == 0 || label == 1, "clicks '%s': the label must be 1 (foreground) or 0 (background)",
              c.trim());
          double[] click = java.util.Arrays.copyOf(v, dims + 1);
          click[dims] = label;
          clicks.add(click);
        }
      }
    }
    String labels = text(row, "labels");
    String valuesText = text(row, "label_values");
    int[] values = null;
    if (labels != null) {
      checkArgument(valuesText != null, "labels is given but label_values is empty: say which values make up the "
          + "structure, e.g. 77,78");
      double[] v = numbers(valuesText, "label_values", 1, Integer.MAX_VALUE);
      values = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        checkArgument(v[i] == Math.rint(v[i]), "label_values '%s': %s is not an integer", valuesText, v[i]);
        values[i] = (int) v[i];
      }
    }
    checkArgument(box != null || !clicks.isEmpty() || labels != null,
        "give a prompt (box or clicks) or a label map (labels and label_values)");
    return new CaseSpec(caseId, image, box, clicks, labels, values);
  }

  private static String text(Row row, String column) {
    int i = row.fieldIndex(column); // every column exists: SparkSegmentation adds the missing optional ones
    if (row.isNullAt(i)) {
      return null;
    }
    String s = String.valueOf(row.get(i)).trim();
    return s.isEmpty() ? null : s;
  }

  /** Comma- or space-separated numbers, between {@code min} and {@code max} of them. */
  private static double[] numbers(String text, String column, int min, int max) {
    String[] parts = text.trim().split("[,\\s]+");
    checkArgument(parts.length >= min && parts.length <= max, "%s '%s': expected %s numbers, got %s", column,
        text.trim(), min == max ? String.valueOf(min) : max == Integer.MAX_VALUE ? min + " or more" : min + " or " + max,
        parts.length);
    double[] v = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Double.parseDouble(parts[i]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(column + " '" + text.trim() + "': '" + parts[i] + "' is not a number");
      }
      checkArgument(Double.isFinite(v[i]), "%s '%s': %s is not finite", column, text.trim(), parts[i]);
    }
    return v;
  }
}
