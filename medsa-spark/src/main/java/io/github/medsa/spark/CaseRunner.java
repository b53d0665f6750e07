package io.github.medsa.spark;

import io.github.medsa.EncodedImage;
import io.github.medsa.MedSA;
import io.github.medsa.Prediction;
import io.github.medsa.Prompt;
import io.github.medsa.metrics.CaseMetrics;
import io.github.medsa.metrics.SegmentationMetrics;
import io.github.medsa.training.data.BinaryMask;
import io.github.medsa.training.data.MaskRule;
import io.github.medsa.volume.Axis;
import io.github.medsa.volume.IntensityWindow;
import io.github.medsa.volume.Volume;
import io.github.medsa.volume.VolumeMetrics;
import io.github.medsa.volume.VolumePrompt;
import io.github.medsa.volume.VolumeSegmenter;
import io.github.medsa.volume.dicom.DicomSeriesReader;
import io.github.medsa.volume.nifti.NiftiDatatype;
import io.github.medsa.volume.nifti.NiftiHeader;
import io.github.medsa.volume.nifti.NiftiImage;
import io.github.medsa.volume.nifti.NiftiReader;
import io.github.medsa.volume.nifti.NiftiWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor side of {@link SparkSegmentation}: segments the cases of one partition with this JVM's model
 * ({@link ExecutorModels}), writes each mask and result, and turns any exception of a case into its failed row.
 * Rows are processed one at a time, so a partition holds one case's volumes in memory.
 */
final class CaseRunner implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(CaseRunner.class);

  /** Everything a task needs besides the row; serialized with the task. */
  record Settings(ModelSpec model, Broadcast<byte[]> checkpointBytes, HadoopFiles files, String outputDir,
      WindowSpec windowSpec, Axis axis, int overlap, long seed, int boxJitter) implements Serializable {
    private static final long serialVersionUID = 1L;

    IntensityWindow window() {
      return windowSpec.window();
    }
  }

  /** An {@link IntensityWindow} in serializable form (the window records are not serializable). */
  record WindowSpec(boolean ct, double a, double b) implements Serializable {
    private static final long serialVersionUID = 1L;

    static WindowSpec of(IntensityWindow w) {
      if (w instanceof IntensityWindow.Ct c) {
        return new WindowSpec(true, c.level(), c.width());
      }
      IntensityWindow.Percentiles p = (IntensityWindow.Percentiles) w;
      return new WindowSpec(false, p.low(), p.high());
    }

    IntensityWindow window() {
      return ct ? IntensityWindow.ct(a, b) : IntensityWindow.percentiles(a, b);
    }
  }

  private final Settings settings;

  CaseRunner(Settings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        return run(rows.next()).toRow();
      }
    };
  }

  /** One case: its saved result when complete, else segmented now; a failure becomes a failed result. */
  CaseResult run(Row row) {
    long start = System.nanoTime();
    String rawId = String.valueOf(row.get(row.fieldIndex("case_id")));
    String rawImage = String.valueOf(row.get(row.fieldIndex("image")));
    Path scratch = null;
    try {
      CaseSpec spec = CaseSpec.parse(row);
      String maskUri = HadoopFiles.resolve(settings.outputDir(), "masks/" + spec.maskName());
      String resultUri = resultUri(spec.caseId());
      HadoopFiles files = settings.files();
      if (files.exists(resultUri) && files.exists(maskUri)) {
        return CaseResult.fromProperties(files.readAll(resultUri));
      }
      scratch = Files.createTempDirectory("medsa-case-");
      Path maskFile = scratch.resolve("out").resolve(spec.maskName());
      Files.createDirectories(maskFile.getParent());
      Outcome outcome = spec.kind() == CaseSpec.Kind.PNG ? segmentImage(spec, scratch, maskFile)
          : segmentVolume(spec, scratch, maskFile);
      files.publish(maskFile, maskUri);
      CaseResult result = new CaseResult(spec.caseId(), spec.image(), CaseResult.Status.OK, false, maskUri,
          outcome.promptedSlices(), outcome.maskVoxels(), outcome.metrics(), seconds(start), null);
      files.publish(result.toProperties(), resultUri, scratch); // last: its presence means the case is complete
      return result;
    } catch (Exception e) {
      CaseResult failed = CaseResult.failed(rawId, rawImage, seconds(start), e, scratch);
      LOG.warn("case {} failed: {}", rawId, failed.error());
      return failed;
    } finally {
      if (scratch != null) {
        HadoopFiles.deleteLocal(scratch);
      }
    }
  }

  private String resultUri(String caseId) {
    return HadoopFiles.resolve(settings.outputDir(), "cases/" + caseId + ".properties");
  }

  private record Outcome(int promptedSlices, long maskVoxels, CaseMetrics metrics) {}

  private Outcome segmentVolume(CaseSpec spec, Path scratch, Path maskFile) throws IOException {
    Path local = settings.files().copyToLocal(spec.image(), Files.createDirectory(scratch.resolve("image")));
    NiftiHeader template = null;
    Volume image;
    if (spec.kind() == CaseSpec.Kind.NIFTI) {
      NiftiImage nifti = NiftiReader.read(local);
      image = nifti.volume();
      template = nifti.header();
    } else {
      image = DicomSeriesReader.read(local);
    }
    Volume labels = null;
    MaskRule structure = null;
    if (spec.labels() != null) {
      Path labelFile = settings.files().copyToLocal(spec.labels(), Files.createDirectory(scratch.resolve("labels")));
      labels = Files.isDirectory(labelFile) ? DicomSeriesReader.read(labelFile) : NiftiReader.read(labelFile).volume();
      structure = MaskRule.labels(spec.labelValues());
    }
    VolumePrompt prompt = spec.hasPrompt() ? volumePrompt(spec)
        : SimulatedPrompts.volume(labels, structure, settings.boxJitter(),
            SimulatedPrompts.caseSeed(settings.seed(), spec.caseId()));
    VolumeSegmenter.Result r = new VolumeSegmenter(model(), settings.window(), settings.axis(), settings.overlap())
        .segment(image, prompt);
    CaseMetrics metrics = labels == null ? null
        : VolumeMetrics.evaluate(r.mask(), labels, structure, SegmentationMetrics.monai());
    NiftiWriter.write(maskFile, r.mask(), NiftiDatatype.UINT8, template);
    long voxels = 0;
    for (float v : r.mask().data()) {
      voxels += v > 0.5f ? 1 : 0;
    }
    return new Outcome(r.promptedSlices(), voxels, metrics);
  }

  private static VolumePrompt volumePrompt(CaseSpec spec) {
    VolumePrompt.Builder b = VolumePrompt.builder();
    double[] box = spec.box();
    if (box != null) {
      b.voxelBox(box[0], box[1], box[2], box[3], box[4], box[5]);
    }
    for (double[] c : spec.clicks()) {
      b.click(c[0], c[1], c[2], (int) c[3]);
    }
    return b.build();
  }

  private Outcome segmentImage(CaseSpec spec, Path scratch, Path maskFile) throws IOException {
    Path local = settings.files().copyToLocal(spec.image(), Files.createDirectory(scratch.resolve("image")));
    BufferedImage image = readPng(local, spec.image());
    BinaryMask truth = null;
    if (spec.labels() != null) {
      Path labelFile = settings.files().copyToLocal(spec.labels(), Files.createDirectory(scratch.resolve("labels")));
      BufferedImage labels = readPng(labelFile, spec.labels());
      if (labels.getWidth() != image.getWidth() || labels.getHeight() != image.getHeight()) {
        throw new IllegalArgumentException(String.format("labels %s is %dx%d but image %s is %dx%d", spec.labels(),
            labels.getWidth(), labels.getHeight(), spec.image(), image.getWidth(), image.getHeight()));
      }
      int[] values = labels.getRaster().getSamples(0, 0, labels.getWidth(), labels.getHeight(), 0, (int[]) null);
      truth = BinaryMask.fromLabels(values, labels.getHeight(), labels.getWidth(), MaskRule.labels(spec.labelValues()));
    }
    Prompt prompt = spec.hasPrompt() ? imagePrompt(spec)
        : SimulatedPrompts.image(truth, settings.boxJitter(), SimulatedPrompts.caseSeed(settings.seed(), spec.caseId()));
    float[] m; // [H, W] row-major
    // The embedding and the prediction are freed as soon as the mask is read: an executor runs many cases.
    try (EncodedImage encoded = model().encode(image);
        Prediction p = encoded.predict(prompt);
        INDArray best = p.mask(p.best()).castTo(DataType.FLOAT)) {
      m = best.data().asFloat(); // a new c-order array: BOOL -> FLOAT
    }
    int h = image.getHeight();
    int w = image.getWidth();
    boolean[] predicted = new boolean[m.length];
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    long voxels = 0;
    for (int i = 0; i < m.length; i++) {
      predicted[i] = m[i] > 0.5f;
      voxels += predicted[i] ? 1 : 0;
      out.getRaster().setSample(i % w, i / w, 0, predicted[i] ? 255 : 0);
    }
    javax.imageio.ImageIO.write(out, "png", maskFile.toFile());
    CaseMetrics metrics = truth == null ? null : SegmentationMetrics.monai().fromMasks(predicted, truth.data(), h, w);
    return new Outcome(1, voxels, metrics);
  }

  private static Prompt imagePrompt(CaseSpec spec) {
    Prompt.Builder b = Prompt.builder().multimask(false);
    double[] box = spec.box();
    if (box != null) {
      b.box(box[0], box[1], box[2], box[3]);
    }
    for (double[] c : spec.clicks()) {
      b.point(c[0], c[1], (int) c[2]);
    }
    return b.build();
  }

  private static BufferedImage readPng(Path file, String uri) throws IOException {
    BufferedImage image = javax.imageio.ImageIO.read(file.toFile());
    if (image == null) {
      throw new IOException(uri + " is not a readable PNG image");
    }
    return image;
  }

  private MedSA model() throws IOException {
    return ExecutorModels.get(settings.model(), this::fetchCheckpoint);
  }

  /** A local copy of the checkpoint in a fresh directory (deleted by {@link ExecutorModels} after the build). */
  private Path fetchCheckpoint() throws IOException {
    Path dir = Files.createTempDirectory("medsa-model-");
    if (settings.checkpointBytes() != null) {
      String name = new org.apache.hadoop.fs.Path(settings.model().checkpoint()).getName();
      return Files.write(dir.resolve(name), settings.checkpointBytes().value());
    }
    return settings.files().copyToLocal(settings.model().checkpoint(), dir);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
