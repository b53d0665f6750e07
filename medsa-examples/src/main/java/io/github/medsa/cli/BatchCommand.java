package io.github.medsa.cli;

import io.github.medsa.spark.CheckpointDelivery;
import io.github.medsa.spark.MedSAPlugin;
import io.github.medsa.spark.ModelAdapters;
import io.github.medsa.spark.SparkSegmentation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medsa batch}: a table of cases segmented on Spark ({@link SparkSegmentation}), on this machine with
 * {@code --master local[*]} or on a cluster through {@code spark-submit} (which sets the master).
 */
@Command(name = "batch", mixinStandardHelpOptions = true,
    description = {"Segment (and score) a table of cases on Apache Spark: one mask per case and a results table.",
        "The cases CSV has a header with case_id, image and either box/clicks (voxels; PNG: pixels) or labels and "
            + "label_values (prompts simulated, seeded, and the case scored). A failed case is a failed row; a rerun "
            + "into the same --out keeps finished cases."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:all cases segmented", "1:some cases failed (see results) or an unexpected failure",
        "2:bad input (options, cases table, checkpoint)"})
final class BatchCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--master", description = "Spark master, e.g. local[*] or local[2]. Omit under spark-submit.")
  String master;

  @Option(names = "--cases", required = true, description = "The cases table: a CSV with a header (any Hadoop URI).")
  String cases;

  @Option(names = {"-c", "--checkpoint"}, required = true, description = "The weights (any Hadoop URI the executors "
      + "can read, or a local file with --broadcast).")
  String checkpoint;

  @Option(names = "--backbone", defaultValue = "vit_b",
      description = "The checkpoint's encoder: vit_b, vit_l, vit_h or tiny_vit; default "
          + "${DEFAULT-VALUE}. Ignored with --config.")
  String backbone;

  @Option(names = "--config", description = "SAM config JSON with custom sizes (a local file), instead of --backbone.")
  java.nio.file.Path config;

  @Option(names = "--image-size", description = "Encoder input side (e.g. 256 for a 1024 checkpoint).")
  Integer imageSize;

  @Option(names = "--adapters", defaultValue = "none", description = "none or medsa (Med-SA adapters in the "
      + "checkpoint); default ${DEFAULT-VALUE}.")
  String adapters;

  @Option(names = "--sd-trans", paramLabel = "D", description = "An SD-Trans checkpoint with chunks of D slices.")
  Integer sdTrans;

  @Option(names = "--out", required = true, description = "Output directory (any Hadoop URI).")
  String out;

  @Option(names = "--window", defaultValue = "mri", description = "mri or ct:LEVEL,WIDTH (default ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--axis", defaultValue = "axial", description = "axial, coronal or sagittal (default ${DEFAULT-VALUE}).")
  String axis;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the simulated prompts (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--box-jitter", defaultValue = "0", description = "Largest shift of each simulated box edge, voxels.")
  int boxJitter;

  @Option(names = "--partitions", description = "Partitions of the cases (default: Spark's default parallelism).")
  Integer partitions;

  @Option(names = "--csv", description = "Also write results.csv.")
  boolean csv;

  @Option(names = "--broadcast", description = "The driver reads the checkpoint and broadcasts it (no shared file "
      + "system needed).")
  boolean broadcast;

  @Override
  public Integer call() throws IOException {
    SparkSegmentation job = job();
    SparkSession.Builder session = SparkSession.builder().appName("medsa batch")
        .config("spark.plugins", MedSAPlugin.class.getName());
    if (master != null) {
      session.master(master);
    }
    SparkSession spark = session.getOrCreate();
    try {
      Dataset<Row> table = spark.read().option("header", true).csv(cases);
      List<Row> results = job.run(table).collectAsList();
      long failed = results.stream().filter(r -> "failed".equals(r.getAs("status"))).count();
      long reused = results.stream().filter(r -> Boolean.TRUE.equals(r.getAs("reused"))).count();
      PrintWriter stdout = spec.commandLine().getOut();
      for (Row r : results) {
        if ("failed".equals(r.getAs("status"))) {
          stdout.printf("failed: %s: %s%n", r.getAs("case_id"), r.getAs("error"));
        }
      }
      stdout.printf(Locale.ROOT, "%d cases: %d segmented, %d kept from an earlier run, %d failed%n", results.size(),
          results.size() - failed - reused, reused, failed);
      stdout.println("results: " + out + "/results.parquet" + (csv ? " and " + out + "/results.csv" : ""));
      return failed == 0 ? 0 : 1;
    } finally {
      spark.stop();
    }
  }

  /** The job from the options; every problem is a usage error naming the option. */
  SparkSegmentation job() throws IOException {
    try {
      return options();
    } catch (IllegalArgumentException e) {
      // Every builder check is about an option the user gave (backbone, sizes, partitions, jitter).
      throw new UserInputException(e.getMessage(), e);
    }
  }

  private SparkSegmentation options() throws IOException {
    SparkSegmentation.Builder b = SparkSegmentation.builder().checkpoint(checkpoint).output(out).seed(seed)
        .window(Volumes.window(window)).axis(Volumes.axis(axis))
        .delivery(broadcast ? CheckpointDelivery.BROADCAST : CheckpointDelivery.READ_ON_EXECUTORS);
    if (config != null) {
      ModelOptions.requireFile(config, "--config");
      b.configJson(Files.readString(config));
    } else {
      b.backbone(backbone);
    }
    if (imageSize != null) {
      b.imageSize(imageSize);
    }
    if (sdTrans != null) {
      b.sdTrans(sdTrans);
    } else {
      b.adapters(switch (adapters.trim().toLowerCase(Locale.ROOT)) {
        case "none" -> ModelAdapters.NONE;
        case "medsa" -> ModelAdapters.MEDSA;
        default -> throw new UserInputException("--adapters '" + adapters + "': use none or medsa");
      });
    }
    if (partitions != null) {
      b.partitions(partitions);
    }
    if (boxJitter != 0) {
      b.boxJitter(boxJitter);
    }
    if (csv) {
      b.writeCsv();
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }
}
