package io.github.medsa.spark;

import io.github.medsa.Backbone;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.Safetensors;
import io.github.medsa.internal.model.SamInitializer;
import io.github.medsa.internal.model.SamParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Cases per minute of the batch job in local mode: {@code medsa-spark/bench.sh BACKBONE CORES CASES IMAGE_SIZE}
 * (e.g. {@code vit_b 2 6 256}). Seeded random weights of the backbone's sizes (the speed does not depend on the
 * values), Colin27 crops of 64 x 64 x 8 voxels around the thalamus with a box over 3 slices. One warm-up case
 * builds the model first (its time is reported apart); the timed run then segments {@code CASES} fresh cases.
 * Prints one tab-separated line: backbone, cores, image size, ok/cases, seconds, cases per minute, warm-up s
 * (model build + first case), peak resident memory of the JVM.
 */
public final class SparkBench {
  private SparkBench() {}

  /** The JVM's peak resident set (Linux {@code VmHWM}), or "?" elsewhere. */
  private static String peakResident() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
          .map(l -> l.substring(6).trim()).findFirst().orElse("?");
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  /**
   * @param args backbone name, local cores, number of timed cases, encoder input side
   * @throws Exception when the bench cannot run
   */
  public static void main(String[] args) throws Exception {
    String backbone = args.length > 0 ? args[0].toUpperCase(Locale.ROOT) : "VIT_B";
    int cores = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int n = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int side = args.length > 3 ? Integer.parseInt(args[3]) : 256;
    Path dir = Files.createTempDirectory("medsa-spark-bench");
    SamConfig cfg = Backbone.valueOf(backbone).config();
    Path weights = dir.resolve("weights.safetensors");
    Safetensors.write(weights, SamInitializer.random(SamParameters.shapes(cfg), 0));
    Colin27Cases colin = new Colin27Cases();
    List<Row> warmup = new ArrayList<>();
    List<Row> timed = new ArrayList<>();
    for (int i = 0; i <= n; i++) {
      Path image = dir.resolve("case" + i + ".nii.gz");
      colin.writeCrop(image, dir.resolve("case" + i + "_aal.nii.gz"), 56 + i % 5, 76 + i % 3, 82 + i % 4, 64, 64, 8);
      Row r = RowFactory.create("case" + i, image.toString(), "17,17,2,47,47,4");
      (i == 0 ? warmup : timed).add(r);
    }
    StructType schema = new StructType().add("case_id", DataTypes.StringType).add("image", DataTypes.StringType)
        .add("box", DataTypes.StringType);
    SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("medsa-spark-bench")
        .config("spark.ui.enabled", "false").config("spark.plugins", MedSAPlugin.class.getName()).getOrCreate();
    try {
      SparkSegmentation job = SparkSegmentation.builder().checkpoint(weights.toString()).backbone(backbone)
          .imageSize(side).output(dir.resolve("out").toString()).partitions(Math.max(cores, 1)).build();
      long t0 = System.nanoTime();
      job.run(spark.createDataFrame(warmup, schema)).collectAsList();
      double build = (System.nanoTime() - t0) / 1e9;
      long t1 = System.nanoTime();
      List<Row> results = job.run(spark.createDataFrame(timed, schema)).collectAsList();
      double seconds = (System.nanoTime() - t1) / 1e9;
      long ok = results.stream().filter(r -> "ok".equals(r.getAs("status"))).count();
      System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%d/%d\t%.1f\t%.2f\t%.1f\t%s%n", backbone.toLowerCase(Locale.ROOT),
          cores, side, ok, n, seconds, n / seconds * 60, build, peakResident());
    } finally {
      spark.stop();
    }
  }
}
