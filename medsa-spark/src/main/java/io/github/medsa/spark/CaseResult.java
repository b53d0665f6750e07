package io.github.medsa.spark;

import io.github.medsa.metrics.CaseMetrics;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row of the results table ({@link #SCHEMA}). A finished case's result is also saved beside its mask (a small
 * properties file, written last) so that a rerun can return it without segmenting again.
 *
 * @param metrics Dice, IoU and HD95 (mm) against the label map, or null without labels
 * @param seconds wall time of the case on its executor, reading and writing included
 */
record CaseResult(String caseId, String image, Status status, boolean reused, String mask, Integer promptedSlices,
    Long maskVoxels, CaseMetrics metrics, double seconds, String error) {

  /** Whether the case produced its outputs. */
  enum Status { OK, FAILED }

  static final StructType SCHEMA = new StructType()
      .add("case_id", DataTypes.StringType, false)
      .add("image", DataTypes.StringType, true)
      .add("status", DataTypes.StringType, false)
      .add("reused", DataTypes.BooleanType, false)
      .add("mask", DataTypes.StringType, true)
      .add("prompted_slices", DataTypes.IntegerType, true)
      .add("mask_voxels", DataTypes.LongType, true)
      .add("dice", DataTypes.DoubleType, true)
      .add("iou", DataTypes.DoubleType, true)
      .add("hd95", DataTypes.DoubleType, true)
      .add("seconds", DataTypes.DoubleType, false)
      .add("error", DataTypes.StringType, true);

  /**
   * A failed case; the error names the exception and, where it names the local copy of the image in
   * {@code scratch}, the image's URI instead.
   */
  static CaseResult failed(String caseId, String image, double seconds, Throwable error, java.nio.file.Path scratch) {
    String message = error.getMessage() == null ? error.getClass().getName()
        : error.getClass().getSimpleName() + ": " + error.getMessage();
    if (scratch != null && image != null) {
      String local = scratch.resolve("image").resolve(new org.apache.hadoop.fs.Path(image).getName()).toString();
      message = message.replace(local, image);
    }
    return new CaseResult(caseId, image, Status.FAILED, false, null, null, null, null, seconds, message);
  }

  Row toRow() {
    return RowFactory.create(caseId, image, status.name().toLowerCase(java.util.Locale.ROOT), reused, mask,
        promptedSlices, maskVoxels, metrics == null ? null : metrics.dice(), metrics == null ? null : metrics.iou(),
        metrics == null ? null : metrics.hd95(), seconds, error);
  }

  /** The saved form of a finished case (doubles round-trip exactly through {@link Double#toString}). */
  byte[] toProperties() throws IOException {
    Properties p = new Properties();
    p.setProperty("case_id", caseId);
    p.setProperty("image", image);
    p.setProperty("mask", mask);
    p.setProperty("prompted_slices", String.valueOf(promptedSlices));
    p.setProperty("mask_voxels", String.valueOf(maskVoxels));
    p.setProperty("seconds", Double.toString(seconds));
    if (metrics != null) {
      p.setProperty("dice", Double.toString(metrics.dice()));
      p.setProperty("iou", Double.toString(metrics.iou()));
      p.setProperty("hd95", Double.toString(metrics.hd95()));
    }
    StringWriter w = new StringWriter();
    p.store(w, "medsa-spark case result");
    return w.toString().getBytes(StandardCharsets.ISO_8859_1);
  }

  /** A saved finished case, marked {@code reused}. */
  static CaseResult fromProperties(byte[] bytes) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(bytes, StandardCharsets.ISO_8859_1)));
    CaseMetrics m = p.getProperty("dice") == null ? null : new CaseMetrics(Double.parseDouble(p.getProperty("dice")),
        Double.parseDouble(p.getProperty("iou")), Double.parseDouble(p.getProperty("hd95")));
    return new CaseResult(p.getProperty("case_id"), p.getProperty("image"), Status.OK, true, p.getProperty("mask"),
        Integer.valueOf(p.getProperty("prompted_slices")), Long.valueOf(p.getProperty("mask_voxels")), m,
        Double.parseDouble(p.getProperty("seconds")), null);
  }
}
