package io.github.medsa;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import io.github.medsa.checkpoint.Checkpoints;
import io.github.medsa.checkpoint.LoadReport;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.checkpoint.StateDictValidator;
import io.github.medsa.extension.ModelExtension;
import io.github.medsa.image.PreparedImage;
import io.github.medsa.image.RgbImage;
import io.github.medsa.image.SamPreprocessor;
import io.github.medsa.internal.model.NativeMemory;
import io.github.medsa.internal.model.SamGraph;
import io.github.medsa.internal.model.SamInitializer;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.internal.model.StateDictParams;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * MedSA-J's entry point: a Segment Anything model with its weights, ready to encode images and answer prompts.
 *
 * <pre>{@code
 * try (MedSA sam = MedSA.builder().backbone(Backbone.VIT_B).checkpoint(Path.of("sam_vit_b_01ec64.pth")).build();
 *     EncodedImage image = sam.encode(ImageIO.read(file));       // the expensive part, once per image
 *     Prediction p = image.predict(Prompt.click(120, 85))) {     // cheap, as often as needed
 *   INDArray best = p.mask(p.best());                            // [H, W] BOOL at the original size
 * }                                                              // native memory freed here, not by the collector
 * }</pre>
 *
 * <p>Safe to share between threads: calls into the graph are serialised and run on one session, so memory does
 * not grow with the number of threads that call.
 *
 * <p>A model owns native memory (its weights and the graph's working arrays): {@link #close()} frees it at once
 * instead of waiting for the Java collector. Use it in try-with-resources; after {@code close()} every method but
 * {@link #config()}, {@link #extension()}, {@link #loadReport()} and {@link #isClosed()} throws
 * {@link IllegalStateException}, and so does predicting on an {@link EncodedImage} of this model.
 */
public final class MedSA implements AutoCloseable {
  private final SamConfig config;
  private final ModelExtension extension;
  private final StateDict weights;
  private final LoadReport loadReport;
  private final SamGraph graph;
  private final SamPreprocessor preprocessor;
  private volatile boolean closed;

  private MedSA(SamConfig config, ModelExtension extension, StateDict weights, LoadReport loadReport,
      SamGraph graph) {
    this.config = config;
    this.extension = extension;
    this.weights = weights;
    this.loadReport = loadReport;
    this.graph = graph;
    this.preprocessor = new SamPreprocessor(config.imageSize(), config.pixelMean(), config.pixelStd());
  }

  /**
   * Starts configuring a model: choose a backbone or config and weights, then {@link Builder#build()}.
   *
   * @return a new builder with the defaults (strict loading, no adapters, seed 0)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The sizes the graph was built with, including any {@link Builder#imageSize(int)} override.
   *
   * @return the model's configuration
   */
  public SamConfig config() {
    return config;
  }

  /**
   * The modules grafted onto SAM ({@link ModelExtension#NONE} for plain SAM).
   *
   * @return the extension given to {@link Builder#adapters(ModelExtension)}
   */
  public ModelExtension extension() {
    return extension;
  }

  /**
   * The model's tensors (loaded or initialised), official SAM names plus the adapters'. They are the arrays the
   * graph computes with, not copies: {@link #close()} frees them.
   *
   * @return the live weights, by official state-dict name
   * @throws IllegalStateException if the model is closed
   */
  public StateDict weights() {
    checkOpen();
    return weights;
  }

  /**
   * What loading skipped (non-strict mode) or nothing.
   *
   * @return the report of unexpected tensors that were ignored (empty in strict mode)
   */
  public LoadReport loadReport() {
    return loadReport;
  }

  /**
   * Runs the image encoder once; predict any number of prompts against the result. The image is resized so its
   * longest side is {@link SamConfig#imageSize()} pixels, normalised and padded; prompts stay in the original
   * image's pixel frame.
   *
   * @param image the image, any size, in its original pixel frame
   * @return the embedding plus the geometry needed to map prompts and masks
   * @throws IllegalStateException if the model is closed
   * @throws IllegalArgumentException if the model encodes chunks of several slices together (use
   *     {@link #encodeAll(List)})
   */
  public EncodedImage encode(RgbImage image) {
    checkOpen();
    checkArgument(extension.batchMultiple() == 1, "this model encodes chunks of %s slices together (%s): use "
        + "encodeAll with %s images", extension.batchMultiple(), extension, extension.batchMultiple());
    PreparedImage prepared = preprocessor.prepare(image);
    try {
      return new EncodedImage(this, prepared, graph.encode(prepared.pixels()));
    } finally {
      // The encoder input is dead once encoded (EncodedImage keeps only its sizes): freed now, not by the
      // collector, which let resident memory creep up by the input's 12 MB per encode.
      NativeMemory.free(prepared.pixels());
    }
  }

  /**
   * Encodes several images in one encoder batch, in order. Needed where the encoder mixes the batch, as SD-Trans
   * does across the slices of a chunk; otherwise equal to encoding them one by one.
   *
   * @param images the images, in order; each may have its own size
   * @return one encoded image per input, in the same order, each owning its own embedding copy
   * @throws IllegalStateException if the model is closed
   * @throws IllegalArgumentException if {@code images} is empty or its size is not a multiple of the extension's
   *     batch multiple
   */
  public List<EncodedImage> encodeAll(List<RgbImage> images) {
    checkOpen();
    checkArgument(!images.isEmpty(), "no images");
    checkArgument(images.size() % extension.batchMultiple() == 0, "%s images: this model encodes whole chunks of %s "
        + "slices (%s)", images.size(), extension.batchMultiple(), extension);
    List<PreparedImage> prepared = images.stream().map(preprocessor::prepare).toList();
    // Nd4j.concat of one array returns that array itself: the inputs are freed only after the encode.
    INDArray batch = Nd4j.concat(0, prepared.stream().map(PreparedImage::pixels).toArray(INDArray[]::new));
    INDArray embeddings;
    try {
      embeddings = graph.encode(batch);
    } finally {
      prepared.forEach(p -> NativeMemory.free(p.pixels()));
      NativeMemory.free(batch);
    }
    List<EncodedImage> out = new ArrayList<>();
    for (int i = 0; i < prepared.size(); i++) {
      out.add(new EncodedImage(this, prepared.get(i),
          embeddings.get(NDArrayIndex.interval(i, i + 1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())
              .dup()));
    }
    // Each image holds its own copy: the batch arrays are freed now rather than by the collector.
    embeddings.close();
    return out;
  }

  /**
   * Encodes any {@link BufferedImage}; grey images are replicated to RGB.
   *
   * @param image the image, in its original pixel frame
   * @return the encoded image, as {@link #encode(RgbImage)}
   * @throws IllegalStateException if the model is closed
   */
  public EncodedImage encode(BufferedImage image) {
    return encode(RgbImage.of(image));
  }

  /**
   * Encodes an array image: {@code H x W x 3} or {@code H x W} (replicated) with values in 0..255.
   *
   * @param image the pixels, rows first (height, width[, channel])
   * @return the encoded image, as {@link #encode(RgbImage)}
   * @throws IllegalStateException if the model is closed
   * @throws IllegalArgumentException if the array's rank or channel count is not one of the above
   */
  public EncodedImage encode(INDArray image) {
    return encode(RgbImage.of(image));
  }

  SamGraph graph() {
    checkOpen();
    return graph;
  }

  /**
   * Whether {@link #close()} has run.
   *
   * @return true once the model is closed
   */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Fails if the model is closed; a no-op otherwise.
   *
   * @throws IllegalStateException if the model is closed, with the message {@code "MedSA model is closed"}
   */
  public void checkOpen() {
    checkState(!closed, "MedSA model is closed");
  }

  /**
   * Frees the model's native memory at once: its weights (also those handed over with
   * {@link Builder#weights(StateDict)}) and the graph's session and cached arrays. Idempotent. Embeddings of
   * {@link EncodedImage}s are theirs to free ({@link EncodedImage#close()}), but they cannot be predicted on any
   * more.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    graph.close();
    NativeMemory.free(weights.asMap().values());
  }

  /** Validated at {@link #build()}: a backbone or config, and weights. */
  public static final class Builder {
    private SamConfig config;
    private Integer imageSize;
    private Path checkpoint;
    private StateDict weights;
    private boolean strict = true;
    private ModelExtension extension = ModelExtension.NONE;
    private long seed = 0;
    private boolean randomWeights;

    private Builder() {}

    /**
     * Grafts modules onto SAM, e.g. Med-SA's adapters ({@code Adapters.medsa()} in medsa-adapters). Their tensors
     * are taken from the checkpoint when it holds them, else initialised from {@link #seed}.
     *
     * @param extension the modules to graft ({@link ModelExtension#NONE} for plain SAM)
     * @return this builder
     */
    public Builder adapters(ModelExtension extension) {
      this.extension = extension;
      return this;
    }

    /**
     * Starts from freshly initialised weights instead of a checkpoint (PyTorch's default initialisation, seeded
     * by {@link #seed}): for training a compact SAM from scratch and for benchmarks.
     *
     * @return this builder
     */
    public Builder randomWeights() {
      this.randomWeights = true;
      return this;
    }

    /**
     * Seed for whatever is initialised rather than loaded (default 0).
     *
     * @param seed the random seed; the same seed gives the same weights
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * One of the official encoders; its checkpoint is the matching {@code sam_vit_*.pth}.
     *
     * @param backbone the official encoder whose sizes to use
     * @return this builder
     */
    public Builder backbone(Backbone backbone) {
      this.config = backbone.config();
      return this;
    }

    /**
     * Custom sizes (overrides {@link #backbone}).
     *
     * @param config the sizes to build the graph with
     * @return this builder
     */
    public Builder config(SamConfig config) {
      this.config = config;
      return this;
    }

    /**
     * Runs the encoder at {@code side} pixels instead of the checkpoint's own size: positional embeddings are
     * resized as Med-SA does (e.g. a 1024 checkpoint at 256).
     *
     * @param side the encoder input side in pixels; checked at {@link #build()} to be a multiple of the patch size
     * @return this builder
     */
    public Builder imageSize(int side) {
      this.imageSize = side;
      return this;
    }

    /**
     * A {@code .pth} (zip or legacy) or {@code .safetensors} file, official or Hugging Face names.
     *
     * @param file the checkpoint file, read at {@link #build()}
     * @return this builder
     */
    public Builder checkpoint(Path file) {
      this.checkpoint = file;
      return this;
    }

    /**
     * Weights already in memory (official names). The model takes them over: {@link MedSA#close()} frees them,
     * so pass copies ({@code dup()}) of arrays you keep using after closing the model.
     *
     * @param weights the tensors by official state-dict name
     * @return this builder
     */
    public Builder weights(StateDict weights) {
      this.weights = weights;
      return this;
    }

    /**
     * Strict (default): any missing, unexpected or mis-shaped tensor fails the build with one message listing
     * them all. Non-strict: unexpected tensors are skipped and reported in {@link MedSA#loadReport()}.
     *
     * @param strict whether unexpected tensors fail the build
     * @return this builder
     */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /**
     * Reads or initialises the weights, validates them against the configuration and builds the graph.
     *
     * @return the ready model; close it to free its native memory
     * @throws IOException if the checkpoint file cannot be read
     * @throws IllegalStateException if no backbone/config was chosen, no weights were given, or both a checkpoint
     *     and weights (or random weights and either) were given
     * @throws io.github.medsa.checkpoint.StateDictMismatchException if tensors are missing or mis-shaped (in
     *     non-strict mode too; in strict mode also unexpected ones), listing them all
     * @throws IllegalArgumentException if the image size is not a multiple of the patch size
     */
    public MedSA build() throws IOException {
      checkState(config != null, "choose a backbone (Backbone.VIT_B, VIT_L, VIT_H, TINY_VIT) or a SamConfig");
      checkState(checkpoint == null || weights == null, "give a checkpoint file or weights, not both");
      SamConfig cfg = config;
      if (imageSize != null) {
        checkArgument(imageSize % cfg.patchSize() == 0, "imageSize %s is not a multiple of the patch size %s",
            imageSize, cfg.patchSize());
        cfg = cfg.toBuilder().imageSize(imageSize).pretrainImageSize(cfg.pretrainImageSize()).build();
      }
      checkState(!randomWeights || (checkpoint == null && weights == null),
          "randomWeights() replaces a checkpoint: give one or the other");
      StateDict loaded = randomWeights ? SamInitializer.random(SamParameters.shapes(cfg), seed) : weights;
      if (loaded == null) {
        checkState(checkpoint != null, "%s", missingCheckpointMessage(cfg));
        loaded = Checkpoints.read(checkpoint);
      }
      Map<String, long[]> expected = SamParameters.shapes(cfg, extension);
      loaded = SamInitializer.withInitialisedExtension(loaded, expected, extension, seed);
      LoadReport report = StateDictValidator.validate(loaded, expected, SamParameters.unusedByDesign(cfg), strict);
      // Even when not strict, a model cannot be built with tensors missing or of the wrong shape.
      if (!report.missingKeys().isEmpty() || !report.shapeMismatches().isEmpty()) {
        StateDictValidator.validate(loaded, expected, true);
      }
      loaded = onlyExpected(loaded, expected);
      SamGraph graph = SamGraph.build(cfg, StateDictParams.frozen(loaded), extension.encoder(cfg),
          extension.decoder(cfg));
      return new MedSA(cfg, extension, loaded, report, graph);
    }

    private static StateDict onlyExpected(StateDict weights, Map<String, long[]> expected) {
      if (expected.keySet().containsAll(weights.names())) {
        return weights;
      }
      Map<String, INDArray> kept = new LinkedHashMap<>();
      weights.asMap().forEach((k, v) -> {
        if (expected.containsKey(k)) {
          kept.put(k, v);
        }
      });
      return StateDict.of(kept);
    }

    private static String missingCheckpointMessage(SamConfig cfg) {
      for (Backbone b : Backbone.values()) {
        if (b.config().encoderEmbedDim() == cfg.encoderEmbedDim() && b.config().encoderDepth() == cfg.encoderDepth()) {
          return "no weights: pass .checkpoint(path). The official " + b + " checkpoint is " + b.whereToDownload();
        }
      }
      return "no weights: pass .checkpoint(path) or .weights(stateDict) for this custom configuration";
    }
  }
}
