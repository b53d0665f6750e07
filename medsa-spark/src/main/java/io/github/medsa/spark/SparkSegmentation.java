package io.github.medsa.spark;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.google.common.collect.ImmutableList;
import io.github.medsa.Backbone;
import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Segments a table of cases on Spark: each row an image with a prompt, or with a label map from which a prompt
 * is simulated (seeded by the run's seed and the case id) and against which the mask is scored.
 *
 * <p>Input columns ({@link #CASE_COLUMNS}, strings; only {@code case_id} and {@code image} are required):
 * <ul>
 *   <li>{@code case_id}: unique; letters, digits, {@code . _ -}; names the outputs.
 *   <li>{@code image}: a Hadoop URI ({@code hdfs://}, {@code s3a://}, {@code file:} or a path) of a NIfTI file
 *       ({@code .nii}, {@code .nii.gz}), a PNG, or a folder of one DICOM series.
 *   <li>{@code box}: volumes {@code x0,y0,z0,x1,y1,z1} in voxels, PNG {@code x0,y0,x1,y1} in pixels.
 *   <li>{@code clicks}: {@code ;}-separated {@code x,y,z[,label]} (PNG: {@code x,y[,label]}); label 1 foreground
 *       (default), 0 background.
 *   <li>{@code labels}, {@code label_values}: a label map on the image's grid and the values of the structure
 *       ({@code 77,78}); with no box or clicks the prompt is simulated from it, and the case is scored.
 * </ul>
 *
 * <p>Outputs under the output directory: {@code masks/<case_id>_mask.nii.gz} (uint8 0/1, the source geometry and
 * header codes) or {@code masks/<case_id>_mask.png} (0/255), {@code cases/<case_id>.properties} (a finished case's
 * result, written last), {@code results.parquet} and, on request, {@code results.csv} (a folder with one part
 * file). Result columns: {@code case_id, image, status} ({@code ok} or {@code failed}), {@code reused} (an
 * earlier run's outputs were complete and kept), {@code mask, prompted_slices, mask_voxels, dice, iou, hd95}
 * (HD95 in mm; null without labels), {@code seconds}, {@code error}.
 *
 * <p>A case that cannot be read, parsed or segmented is a failed row with its error; the job goes on. Each
 * executor JVM builds the model once (on its first case) and shares it between its tasks; see {@link MedSAPlugin}.
 */
public final class SparkSegmentation {
  /** The input columns, in order; missing optional columns are treated as empty. */
  public static final List<String> CASE_COLUMNS =
      ImmutableList.of("case_id", "image", "box", "clicks", "labels", "label_values");

  private final ModelSpec model;
  private final CheckpointDelivery delivery;
  private final String outputDir;
  private final IntensityWindow window;
  private final Axis axis;
  private final int overlap;
  private final long seed;
  private final int boxJitter;
  private final int partitions;
  private final boolean writeCsv;

  private SparkSegmentation(Builder b) {
    this.model = new ModelSpec(b.checkpoint, b.backbone, b.configJson, b.imageSize, b.adapters, b.sdTransDepth);
    this.delivery = b.delivery;
    this.outputDir = b.outputDir;
    this.window = b.window;
    this.axis = b.axis;
    this.overlap = b.overlap;
    this.seed = b.seed;
    this.boxJitter = b.boxJitter;
    this.partitions = b.partitions;
    this.writeCsv = b.writeCsv;
  }

  /**
   * A builder; {@link Builder#checkpoint}, a backbone or config and {@link Builder#output} are required.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The schema of the results table.
   *
   * @return the Spark schema of the rows {@link #run} returns and writes (one per case)
   */
  public static StructType resultSchema() {
    return CaseResult.SCHEMA;
  }

  /**
   * Segments every case, writes the masks and the results table, and returns the results (read back from
   * {@code results.parquet}, ordered by case id), one row per case.
   *
   * @param cases the cases table (columns {@link #CASE_COLUMNS}; any column type, read as strings)
   * @return the results table ({@link #resultSchema()})
   * @throws IllegalArgumentException when a required column is missing or case ids repeat (naming them)
   * @throws IOException when the driver cannot read a checkpoint to broadcast
   */
  public Dataset<Row> run(Dataset<Row> cases) throws IOException {
    List<String> present = Arrays.asList(cases.columns());
    for (String required : List.of("case_id", "image")) {
      checkArgument(present.contains(required), "the cases table has no '%s' column (columns: %s; expected %s)",
          required, present, CASE_COLUMNS);
    }
    List<Column> columns = new ArrayList<>();
    for (String c : CASE_COLUMNS) {
      columns.add((present.contains(c) ? col(c) : lit(null)).cast(DataTypes.StringType).as(c));
    }
    Dataset<Row> table = cases.select(columns.toArray(new Column[0]));
    List<Row> repeated = table.groupBy("case_id").count().where(col("count").gt(1)).limit(10).collectAsList();
    checkArgument(repeated.isEmpty(), "case ids must be unique (they name the outputs); repeated: %s",
        repeated.stream().map(r -> r.get(0) + " x" + r.getLong(1)).toList());

    SparkSession spark = cases.sparkSession();
    HadoopFiles files = new HadoopFiles(spark.sparkContext().hadoopConfiguration());
    Broadcast<byte[]> bytes = delivery == CheckpointDelivery.BROADCAST
        ? JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(files.readAll(model.checkpoint()))
        : null;
    CaseRunner runner = new CaseRunner(new CaseRunner.Settings(model, bytes, files, outputDir,
        CaseRunner.WindowSpec.of(window), axis,
        overlap, seed, boxJitter));
    int n = partitions > 0 ? partitions : spark.sparkContext().defaultParallelism();
    String parquet = HadoopFiles.resolve(outputDir, "results.parquet");
    table.repartition(n, col("case_id")).mapPartitions(runner, Encoders.row(CaseResult.SCHEMA))
        .write().mode(SaveMode.Overwrite).parquet(parquet);
    if (bytes != null) {
      bytes.destroy();
    }
    Dataset<Row> results = spark.read().schema(CaseResult.SCHEMA).parquet(parquet).orderBy("case_id");
    if (writeCsv) {
      results.coalesce(1).write().mode(SaveMode.Overwrite).option("header", true)
          .csv(HadoopFiles.resolve(outputDir, "results.csv"));
    }
    return results;
  }

  /** Options of a run, validated by {@link #build()}. */
  public static final class Builder {
    private String checkpoint;
    private String backbone;
    private String configJson;
    private Integer imageSize;
    private ModelAdapters adapters = ModelAdapters.NONE;
    private int sdTransDepth;
    private CheckpointDelivery delivery = CheckpointDelivery.READ_ON_EXECUTORS;
    private String outputDir;
    private IntensityWindow window = IntensityWindow.mri();
    private Axis axis = Axis.AXIAL;
    private int overlap;
    private long seed = 42;
    private int boxJitter;
    private int partitions;
    private boolean writeCsv;

    private Builder() {}

    /**
     * The weights, as a Hadoop URI the executors (or, with {@link CheckpointDelivery#BROADCAST}, the driver) read.
     *
     * @param uri a Hadoop URI (hdfs://, s3a://, file: or a path)
     * @return this builder
     */
    public Builder checkpoint(String uri) {
      this.checkpoint = uri;
      return this;
    }

    /**
     * The sizes of an official encoder ({@link Backbone#VIT_B}, ..., {@link Backbone#TINY_VIT}).
     *
     * @param backbone the encoder
     * @return this builder
     */
    public Builder backbone(Backbone backbone) {
      this.backbone = backbone.name();
      return this;
    }

    /**
     * The same by name, case-insensitive ({@code vit_b}).
     *
     * @param name vit_b, vit_l, vit_h or tiny_vit
     * @return this builder
     */
    public Builder backbone(String name) {
      String upper = name.trim().toUpperCase(Locale.ROOT);
      checkArgument(Arrays.stream(Backbone.values()).anyMatch(b -> b.name().equals(upper)),
          "unknown backbone '%s': use one of %s", name, Arrays.toString(Backbone.values()).toLowerCase(Locale.ROOT));
      this.backbone = upper;
      return this;
    }

    /**
     * Custom sizes: SAM's config JSON text ({@code img_size}, {@code embed_dim}, ...), instead of a backbone.
     *
     * @param json the JSON text
     * @return this builder
     */
    public Builder configJson(String json) {
      this.configJson = json;
      return this;
    }

    /**
     * Runs the encoder at {@code side} pixels (e.g. 256 for a 1024 checkpoint, as Med-SA fine-tunes).
     *
     * @param side the encoder's input side in pixels (a multiple of the patch size)
     * @return this builder
     */
    public Builder imageSize(int side) {
      checkArgument(side > 0, "imageSize must be positive, got %s", side);
      this.imageSize = side;
      return this;
    }

    /**
     * Med-SA adapters in the checkpoint ({@link ModelAdapters#NONE} by default).
     *
     * @param adapters the grafted modules
     * @return this builder
     */
    public Builder adapters(ModelAdapters adapters) {
      this.adapters = adapters;
      return this;
    }

    /**
     * An SD-Trans checkpoint with chunks of {@code depth} slices (sets {@link ModelAdapters#SD_TRANS}).
     *
     * @param depth slices per chunk, >= 1
     * @return this builder
     */
    public Builder sdTrans(int depth) {
      this.adapters = ModelAdapters.SD_TRANS;
      this.sdTransDepth = depth;
      return this;
    }

    /**
     * How the checkpoint reaches the executors (default {@link CheckpointDelivery#READ_ON_EXECUTORS}).
     *
     * @param delivery how the checkpoint travels
     * @return this builder
     */
    public Builder delivery(CheckpointDelivery delivery) {
      this.delivery = delivery;
      return this;
    }

    /**
     * The output directory (a Hadoop URI); a rerun into the same directory skips finished cases.
     *
     * @param uri a Hadoop URI (hdfs://, s3a://, file: or a path)
     * @return this builder
     */
    public Builder output(String uri) {
      this.outputDir = uri;
      return this;
    }

    /**
     * How voxel values become grey levels: {@code IntensityWindow.mri()} (default, 0.5-99.5 % percentiles) or
     * {@code IntensityWindow.ct(level, width)} (HU).
     *
     * @param window the intensity window applied to every case
     * @return this builder
     */
    public Builder window(IntensityWindow window) {
      this.window = window;
      return this;
    }

    /**
     * The slicing axis of volumes (default {@link Axis#AXIAL}).
     *
     * @param axis the slicing axis
     * @return this builder
     */
    public Builder axis(Axis axis) {
      this.axis = axis;
      return this;
    }

    /**
     * Slices shared by consecutive SD-Trans chunks (default 0); see {@code VolumeSegmenter}.
     *
     * @param slices slices shared, 0 to depth - 1
     * @return this builder
     */
    public Builder overlap(int slices) {
      this.overlap = slices;
      return this;
    }

    /**
     * Seed of the simulated prompts (default 42); with the case id it fixes each case's prompt.
     *
     * @param seed any long
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Largest shift, in voxels (pixels for PNG), of each simulated box edge (default 0: the tight box).
     *
     * @param voxels the largest shift, >= 0
     * @return this builder
     */
    public Builder boxJitter(int voxels) {
      checkArgument(voxels >= 0, "boxJitter must be >= 0, got %s", voxels);
      this.boxJitter = voxels;
      return this;
    }

    /**
     * Partitions of the cases (default: the session's default parallelism).
     *
     * @param n the number of partitions, > 0
     * @return this builder
     */
    public Builder partitions(int n) {
      checkArgument(n > 0, "partitions must be positive, got %s", n);
      this.partitions = n;
      return this;
    }

    /**
     * Also writes {@code results.csv} (a folder with one part file, with a header).
     *
     * @return this builder
     */
    public Builder writeCsv() {
      this.writeCsv = true;
      return this;
    }

    /**
     * Checks the options and makes the job.
     *
     * @return the job, to {@link SparkSegmentation#run} on any number of tables
     * @throws IllegalStateException naming what is missing or inconsistent
     */
    public SparkSegmentation build() {
      checkState(checkpoint != null && !checkpoint.isBlank(), "give the checkpoint URI");
      checkState(outputDir != null && !outputDir.isBlank(), "give the output directory");
      checkState(backbone != null || configJson != null, "give a backbone (e.g. vit_b) or a config JSON for the "
          + "checkpoint's sizes");
      checkState(backbone == null || configJson == null, "give a backbone or a config JSON, not both");
      checkState(adapters != null && axis != null && delivery != null && window != null,
          "adapters, axis, delivery and window must not be null");
      checkState(adapters == ModelAdapters.SD_TRANS ? sdTransDepth >= 1 : true,
          "SD-Trans needs a chunk depth >= 1, got %s", sdTransDepth);
      int chunk = adapters == ModelAdapters.SD_TRANS ? sdTransDepth : 1;
      checkState(overlap >= 0 && (overlap == 0 || overlap < chunk), "overlap must be in 0..%s for chunks of %s "
          + "slices, got %s", chunk - 1, chunk, overlap);
      return new SparkSegmentation(this);
    }
  }
}
