package io.github.medsa.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.medsa.MedSA;
import io.github.medsa.metrics.CaseMetrics;
import io.github.medsa.metrics.SegmentationMetrics;
import io.github.medsa.testing.Fixtures;
import io.github.medsa.training.data.MaskRule;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumeMetrics;
import io.github.medsa.volume.VolumePrompt;
import io.github.medsa.volume.VolumeSegmenter;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batch job in Spark local mode ({@code local[2]}, one session for the class) with the sam-tiny fixture on
 * Colin27 crops: a box case, a case prompted from its label map, a clicked and scored case, a PNG and a corrupt
 * file; then a rerun that keeps the finished cases.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SparkSegmentationTest {
  private static final FileTime OLD = FileTime.fromMillis(1_000_000_000_000L);
  private Path tmp;
  private SparkSession spark;
  private Dataset<Row> cases;
  private SparkSegmentation job;
  private Path out;
  private Map<String, Row> firstRun;

  @BeforeAll
  void setUp(@TempDir Path dir) throws Exception {
    tmp = dir;
    Colin27Cases colin = new Colin27Cases();
    Path in = Files.createDirectories(tmp.resolve("in"));
    colin.writeCrop(in.resolve("a.nii.gz"), in.resolve("a_aal.nii.gz"), 58, 78, 82, 64, 64, 10);
    colin.writeCrop(in.resolve("b.nii.gz"), in.resolve("b_aal.nii.gz"), 62, 82, 83, 64, 64, 8);
    colin.writeCrop(in.resolve("c.nii"), in.resolve("c_aal.nii"), 54, 74, 84, 64, 64, 8);
    Files.write(in.resolve("corrupt.nii.gz"), new byte[] {31, -117, 8, 0, 1, 2, 3, 4, 5, 6, 7}); // a gzip header only
    ImageIO.write(pngSlice(NiftiReader.read(in.resolve("a.nii.gz")).volume(), 5), "png", in.resolve("d.png").toFile());

    spark = SparkSession.builder().master("local[2]").appName("medsa-spark-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .config("spark.plugins", MedSAPlugin.class.getName()).getOrCreate();
    StructType schema = new StructType().add("case_id", DataTypes.StringType).add("image", DataTypes.StringType)
        .add("box", DataTypes.StringType).add("clicks", DataTypes.StringType).add("labels", DataTypes.StringType)
        .add("label_values", DataTypes.StringType);
    cases = spark.createDataFrame(List.of(
        RowFactory.create("a", in.resolve("a.nii.gz").toUri().toString(), "17,17,2,47,47,8", null, null, null),
        RowFactory.create("b", in.resolve("b.nii.gz").toString(), null, null, in.resolve("b_aal.nii.gz").toString(),
            "77,78"),
        RowFactory.create("c", in.resolve("c.nii").toString(), null, "36,36,3;5,5,3,0", in.resolve("c_aal.nii")
            .toString(), "77 78"),
        RowFactory.create("corrupt", in.resolve("corrupt.nii.gz").toString(), "1,1,1,5,5,5", null, null, null),
        RowFactory.create("d", in.resolve("d.png").toString(), "17,17,47,47", "32,32", null, null)), schema);
    out = tmp.resolve("out");
    job = SparkSegmentation.builder().checkpoint(Fixtures.path("sam-tiny/weights.safetensors").toUri().toString())
        .configJson(Files.readString(Fixtures.path("sam-tiny/config.json"))).output(out.toUri().toString())
        .seed(7).boxJitter(2).partitions(3).writeCsv().build();
  }

  @AfterAll
  void tearDown() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  @Order(1)
  void segmentsEveryCaseAndReportsTheCorruptOneAsAFailedRow() throws Exception {
    int builtBefore = ExecutorModels.built();
    firstRun = byId(job.run(cases));

    assertThat(firstRun.keySet()).containsExactlyInAnyOrder("a", "b", "c", "corrupt", "d");
    for (String id : List.of("a", "b", "c", "d")) {
      Row r = firstRun.get(id);
      assertThat(r.<String>getAs("status")).as(id + ": " + r.getAs("error")).isEqualTo("ok");
      assertThat(r.<Boolean>getAs("reused")).isFalse();
      assertThat(r.<Long>getAs("mask_voxels")).as(id).isPositive();
    }
    Row corrupt = firstRun.get("corrupt");
    assertThat(corrupt.<String>getAs("status")).isEqualTo("failed");
    assertThat(corrupt.<String>getAs("error")).isEqualTo("NiftiFormatException: " + tmp.resolve("in/corrupt.nii.gz")
        + ": gzip stream is truncated or corrupt after 0 decompressed bytes: invalid block type");
    assertThat(corrupt.<String>getAs("mask")).isNull();
    assertThat(Files.exists(out.resolve("masks/corrupt_mask.nii.gz"))).isFalse();
    // one model for this JVM (the local executor), not one per row or per task
    assertThat(ExecutorModels.built() - builtBefore).isEqualTo(1);
    assertThat(firstRun.get("a").<Integer>getAs("prompted_slices")).isEqualTo(7);
    assertThat(firstRun.get("a").isNullAt(firstRun.get("a").fieldIndex("dice"))).isTrue();
    assertThat(firstRun.get("b").<Double>getAs("dice")).isBetween(0.0, 1.0);
    BufferedImage png = ImageIO.read(out.resolve("masks/d_mask.png").toFile());
    assertThat(new int[] {png.getWidth(), png.getHeight()}).containsExactly(64, 64);
    List<String> csv = Files.list(out.resolve("results.csv")).filter(p -> p.toString().endsWith(".csv"))
        .flatMap(p -> lines(p).stream()).toList();
    assertThat(csv).hasSize(6);
    assertThat(csv.get(0)).startsWith("case_id,image,status,reused,mask,prompted_slices,mask_voxels,dice,iou,hd95");
  }

  /** The job's masks and scores are exactly those of VolumeSegmenter run on the same cases in this JVM. */
  @Test
  @Order(2)
  void equalsSegmentingTheCasesDirectly() throws Exception {
    MedSA model = MedSA.builder().config(Fixtures.config("sam-tiny/config.json"))
        .checkpoint(Fixtures.path("sam-tiny/weights.safetensors")).build();
    VolumeSegmenter segmenter = VolumeSegmenter.of(model, IntensityWindow.mri());
    Path in = tmp.resolve("in");
    MaskRule thalamus = MaskRule.labels(77, 78);

    Volume a = NiftiReader.read(in.resolve("a.nii.gz")).volume();
    assertSameMask("a", segmenter.segment(a, VolumePrompt.builder().voxelBox(17, 17, 2, 47, 47, 8).build()));

    Volume b = NiftiReader.read(in.resolve("b.nii.gz")).volume();
    Volume bLabels = NiftiReader.read(in.resolve("b_aal.nii.gz")).volume();
    VolumePrompt simulated = SimulatedPrompts.volume(bLabels, thalamus, 2, SimulatedPrompts.caseSeed(7, "b"));
    VolumeSegmenter.Result rb = segmenter.segment(b, simulated);
    assertSameMask("b", rb);
    assertSameScores("b", VolumeMetrics.evaluate(rb.mask(), bLabels, thalamus, SegmentationMetrics.monai()));

    Volume c = NiftiReader.read(in.resolve("c.nii")).volume();
    Volume cLabels = NiftiReader.read(in.resolve("c_aal.nii")).volume();
    VolumeSegmenter.Result rc = segmenter.segment(c, VolumePrompt.builder().click(36, 36, 3, 1).click(5, 5, 3, 0)
        .build());
    assertSameMask("c", rc);
    assertSameScores("c", VolumeMetrics.evaluate(rc.mask(), cLabels, thalamus, SegmentationMetrics.monai()));
  }

  @Test
  @Order(3)
  void aRerunKeepsFinishedCasesAndRedoesIncompleteAndFailedOnes() throws Exception {
    for (String id : List.of("a", "b", "c")) {
      Files.setLastModifiedTime(out.resolve("masks/" + id + "_mask.nii.gz"), OLD);
    }
    Files.delete(out.resolve("cases/c.properties")); // c's outputs are now incomplete: it runs again
    int builtBefore = ExecutorModels.built();

    Map<String, Row> rerun = byId(job.run(cases));

    for (String id : List.of("a", "b", "d")) {
      assertThat(rerun.get(id).<Boolean>getAs("reused")).as(id).isTrue();
      assertThat(rerun.get(id).<Double>getAs("seconds")).isEqualTo(firstRun.get(id).<Double>getAs("seconds"));
      assertThat(rerun.get(id).<Long>getAs("mask_voxels")).isEqualTo(firstRun.get(id).<Long>getAs("mask_voxels"));
    }
    assertThat(rerun.get("b").<Double>getAs("dice")).isEqualTo(firstRun.get("b").<Double>getAs("dice"));
    assertThat(rerun.get("b").<Double>getAs("hd95")).isEqualTo(firstRun.get("b").<Double>getAs("hd95"));
    assertThat(Files.getLastModifiedTime(out.resolve("masks/a_mask.nii.gz"))).isEqualTo(OLD);
    assertThat(Files.getLastModifiedTime(out.resolve("masks/b_mask.nii.gz"))).isEqualTo(OLD);
    assertThat(rerun.get("c").<Boolean>getAs("reused")).isFalse();
    assertThat(Files.getLastModifiedTime(out.resolve("masks/c_mask.nii.gz"))).isNotEqualTo(OLD);
    assertThat(rerun.get("c").<Double>getAs("dice")).isEqualTo(firstRun.get("c").<Double>getAs("dice"));
    assertThat(rerun.get("corrupt").<String>getAs("status")).isEqualTo("failed");
    assertThat(ExecutorModels.built() - builtBefore).as("the model is reused across jobs").isZero();
    try (var names = Files.list(out.resolve("masks"))) {
      assertThat(names.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".tmp")).toList()).isEmpty();
    }
  }

  @Test
  @Order(4)
  void stoppingTheSessionClosesTheExecutorsModels() {
    assertThat(ExecutorModels.open()).isEqualTo(1);
    spark.stop();
    spark = null;
    assertThat(ExecutorModels.open()).isZero();
  }

  private void assertSameMask(String id, VolumeSegmenter.Result expected) throws Exception {
    NiftiImage written = NiftiReader.read(out.resolve("masks/" + id + "_mask.nii.gz"));
    assertThat(written.volume().geometry().sameAs(expected.mask().geometry())).isTrue();
    assertThat(written.volume().data()).as(id).containsExactly(expected.mask().data());
    assertThat(firstRun.get(id).<Integer>getAs("prompted_slices")).isEqualTo(expected.promptedSlices());
  }

  private void assertSameScores(String id, CaseMetrics expected) {
    Row r = firstRun.get(id);
    assertThat(new double[] {r.getAs("dice"), r.getAs("iou"), r.getAs("hd95")}).as(id)
        .containsExactly(expected.dice(), expected.iou(), expected.hd95());
  }

  private static Map<String, Row> byId(Dataset<Row> results) {
    return new HashMap<>(results.collectAsList().stream().collect(Collectors.toMap(r -> r.getString(0), r -> r)));
  }

  private static List<String> lines(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static BufferedImage pngSlice(Volume v, int z) {
    int nx = v.geometry().nx();
    int ny = v.geometry().ny();
    float max = 0;
    for (float f : v.data()) {
      max = Math.max(max, f);
    }
    BufferedImage img = new BufferedImage(nx, ny, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < ny; y++) {
      for (int x = 0; x < nx; x++) {
        img.getRaster().setSample(x, y, 0, Math.round(v.get(x, y, z) / max * 255));
      }
    }
    return img;
  }
}
