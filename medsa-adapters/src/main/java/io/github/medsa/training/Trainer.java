package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.base.Stopwatch;
import io.github.medsa.MedSA;
import io.github.medsa.Prompt;
import io.github.medsa.SamConfig;
import io.github.medsa.checkpoint.StateDict;
import io.github.medsa.image.SamPreprocessor;
import io.github.medsa.internal.model.NativeMemory;
import io.github.medsa.internal.model.PromptTokens;
import io.github.medsa.internal.model.SamParameters;
import io.github.medsa.training.data.Sample;
import io.github.medsa.training.data.SegmentationDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a model's adapters (or whatever {@link TrainingConfig#trainable()} selects) as Med-SA does: each image
 * with its own simulated prompt, the single-mask output, the loss against the mask, PyTorch's Adam. Frozen
 * tensors are graph constants and stay bit-identical.
 *
 * <pre>{@code
 * MedSA sam = MedSA.builder().backbone(VIT_B).imageSize(256).checkpoint(path).adapters(Adapters.medsa()).build();
 * Trainer trainer = new Trainer(sam, TrainingConfig.medsa().epochs(40).batchSize(2).build());
 * trainer.fit(dataset, p -> System.out.printf("step %d loss %.4f%n", p.step(), p.loss()));
 * MedSA adapted = trainer.toModel();
 * }</pre>
 *
 * <p>Owns native memory (the trained copies, the optimiser's moments, the graph's working arrays): close it in
 * try-with-resources. Frozen tensors are shared with the model it trains, so close the trainer before that
 * model; a trainer whose model was closed throws {@link IllegalStateException}. {@link #toModel()} returns a
 * model with its own copies of every tensor, independent of both.
 */
public final class Trainer implements AutoCloseable {
  private final MedSA base;
  private final TrainingConfig config;
  private final TrainingGraph graph;
  private final AdamOptimizer adam;
  private final SamPreprocessor preprocessor;
  private final int outSize;
  private final List<Double> losses = new ArrayList<>();
  private long step;
  private boolean closed;
  private int stepsPerEpoch;

  /**
   * Builds the training graph for {@code model}; the trained tensors are copies, so the model is never changed.
   *
   * @param model the model to start from (stays open and owned by the caller)
   * @param config the run's settings
   * @throws IllegalArgumentException if the trainable set selects no tensor of the model, or the batch size is not
   *     a multiple of the slices the model encodes together
   */
  public Trainer(MedSA model, TrainingConfig config) {
    this.base = model;
    this.config = config;
    SamConfig cfg = model.config();
    this.outSize = config.outSize() == 0 ? cfg.lowResMaskSize() : config.outSize();
    // Trained tensors are copied so that training never changes the model it started from.
    Map<String, INDArray> tensors = new LinkedHashMap<>();
    model.weights().asMap().forEach((n, a) -> tensors.put(n, config.trainable().trains(n) ? a.dup() : a));
    this.graph = TrainingGraph.build(cfg, model.extension(), StateDict.of(tensors), config.trainable()::trains,
        config.loss(), outSize);
    checkArgument(!graph.trainableNames().isEmpty(), "nothing to train: %s selects no tensor of this model "
        + "(add adapters with MedSA.builder().adapters(...) or choose another TrainableSet)", config.trainable());
    checkArgument(config.batchSize() % model.extension().batchMultiple() == 0,
        "batch size %s is not a multiple of the %s slices %s encodes together", config.batchSize(),
        model.extension().batchMultiple(), model.extension());
    this.adam = new AdamOptimizer(config.adam());
    this.preprocessor = new SamPreprocessor(cfg.imageSize(), cfg.pixelMean(), cfg.pixelStd());
  }

  /** @return the run's settings */
  public TrainingConfig config() {
    return config;
  }

  /** @return trainable and total parameter counts of this run */
  public ParameterReport parameters() {
    return ParameterReport.of(SamParameters.shapes(base.config(), base.extension()), config.trainable()::trains);
  }

  /** @return optimiser steps taken so far (over all epochs, including before a resume) */
  public long step() {
    return step;
  }

  /** @return the loss of every step taken so far, in step order */
  public List<Double> losses() {
    return List.copyOf(losses);
  }

  /**
   * Steps per epoch for a dataset of {@code n} samples (the last batch may be smaller).
   *
   * @param n the number of samples
   * @return {@code ceil(n / batchSize)}
   */
  public int stepsPerEpoch(int n) {
    return (n + config.batchSize() - 1) / config.batchSize();
  }

  /**
   * Trains until {@link TrainingConfig#epochs()} are complete (continuing where a resumed run stopped).
   *
   * @param data the training samples
   * @param listener told about every step
   * @return the loss of every step taken so far
   * @throws IllegalArgumentException if there is nothing to train on or the steps per epoch differ from the
   *     saved run's
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public List<Double> fit(SegmentationDataset data, TrainingListener listener) {
    return fit(TrainingSteps.of(data, config), listener);
  }

  /**
   * Trains until {@code untilStep} steps are done in all (at most the configured epochs); returns all losses.
   *
   * @param data the training samples
   * @param listener told about every step
   * @param untilStep the total step count to stop at
   * @return the loss of every step taken so far
   * @throws IllegalArgumentException if there is nothing to train on or the steps per epoch differ from the
   *     saved run's
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public List<Double> fit(SegmentationDataset data, TrainingListener listener, long untilStep) {
    return fit(TrainingSteps.of(data, config), listener, untilStep);
  }

  /**
   * Trains on any source of steps (volume chunks, for one) until the configured epochs are complete.
   *
   * @param steps the source of each step's samples and prompts
   * @param listener told about every step
   * @return the loss of every step taken so far
   * @throws IllegalArgumentException if there is nothing to train on or the steps per epoch differ from the
   *     saved run's
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public List<Double> fit(TrainingSteps steps, TrainingListener listener) {
    return fit(steps, listener, Long.MAX_VALUE);
  }

  /**
   * Trains on {@code steps} until {@code untilStep} steps are done in all (at most the configured epochs).
   *
   * @param steps the source of each step's samples and prompts
   * @param listener told about every step
   * @param untilStep the total step count to stop at
   * @return the loss of every step taken so far
   * @throws IllegalArgumentException if there is nothing to train on or the steps per epoch differ from the
   *     saved run's
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public List<Double> fit(TrainingSteps steps, TrainingListener listener, long untilStep) {
    int perEpoch = steps.stepsPerEpoch();
    checkArgument(perEpoch > 0, "nothing to train on: no steps per epoch");
    checkArgument(stepsPerEpoch == 0 || stepsPerEpoch == perEpoch, "the run was saved with %s steps per epoch, "
        + "this data gives %s: resume on the data the run started on", stepsPerEpoch, perEpoch);
    stepsPerEpoch = perEpoch;
    long total = (long) config.epochs() * perEpoch;
    long end = Math.min(untilStep, total);
    Stopwatch clock = Stopwatch.createStarted();
    while (step < end) {
      int epoch = (int) (step / perEpoch);
      TrainingSteps.Step s = steps.step(epoch, (int) (step % perEpoch));
      double lr = config.schedule().at(step, total);
      double loss = step(s.samples(), s.prompts(), lr);
      listener.onStep(new TrainingProgress(step, total, epoch, config.epochs(), loss, lr, clock.elapsed()));
    }
    return losses();
  }

  /**
   * One optimiser step on these samples with these prompts (image b decoded with prompt b). Prompts of different
   * layouts (clicks vs box) run as sub-batches whose losses and gradients are combined with their share of the
   * batch, which equals the mean over the whole batch. Models that encode whole chunks together (SD-Trans) cannot
   * split a batch: mixed layouts there run as one batch with prompts padded by {@link PromptTokens#padded}.
   *
   * @param samples the images and masks of the step
   * @param prompts one prompt per sample, in input-image pixel coordinates
   * @param lr the learning rate of this step
   * @return the step's loss (before the update)
   * @throws IllegalArgumentException if the lists are empty or differ in size, or the batch is not a whole
   *     number of chunks of a chunked model
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public double step(List<Sample> samples, List<Prompt> prompts, double lr) {
    checkOpen();
    checkArgument(samples.size() == prompts.size() && !samples.isEmpty(), "%s samples but %s prompts",
        samples.size(), prompts.size());
    List<ModelFrame> frames = new ArrayList<>();
    Map<String, List<ModelFrame>> byLayout = new LinkedHashMap<>();
    for (int b = 0; b < samples.size(); b++) {
      ModelFrame f = ModelFrame.of(samples.get(b), prompts.get(b), preprocessor, outSize);
      frames.add(f);
      byLayout.computeIfAbsent(f.prompt().layout(), k -> new ArrayList<>()).add(f);
    }
    int multiple = base.extension().batchMultiple();
    checkArgument(samples.size() % multiple == 0, "%s samples: %s trains on whole chunks of %s slices",
        samples.size(), base.extension(), multiple);
    if (multiple > 1 && byLayout.size() > 1) {
      // A chunk's slices encode together, in order, and cannot be split by layout: one batch, prompts padded with
      // not-a-point tokens.
      TrainingGraph.Gradients g = graph.gradients(batch(frames, true));
      return update(g.loss(), g.byName(), lr);
    }
    double loss = 0;
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (List<ModelFrame> group : byLayout.values()) {
      double share = (double) group.size() / samples.size();
      TrainingGraph.Gradients g = graph.gradients(batch(group, false));
      loss += share * g.loss();
      if (byLayout.size() == 1) {
        grads.putAll(g.byName());
      } else {
        g.byName().forEach((n, v) -> grads.merge(n, v.muli(share), (sum, more) -> {
          sum.addi(more);
          NativeMemory.free(more);
          return sum;
        }));
      }
    }
    return update(loss, grads, lr);
  }

  private double update(double loss, Map<String, INDArray> grads, double lr) {
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (String n : grads.keySet()) {
      params.put(n, graph.tensor(n));
    }
    adam.step(params, grads, lr);
    // The gradients are ours (the graph's session handed its other arrays back to the pool): free them now
    // rather than when the Java collector finds them, which it may not do for many steps.
    NativeMemory.free(grads.values());
    losses.add(loss);
    step++;
    return loss;
  }

  private TrainingBatch batch(List<ModelFrame> frames, boolean padPrompts) {
    INDArray images = Nd4j.concat(0, frames.stream().map(f -> f.image().pixels()).toArray(INDArray[]::new));
    List<PromptTokens.Input> inputs = frames.stream().map(ModelFrame::prompt).toList();
    float[][][][] targets = new float[frames.size()][1][outSize][outSize];
    for (int b = 0; b < frames.size(); b++) {
      float[] t = frames.get(b).target();
      for (int y = 0; y < outSize; y++) {
        System.arraycopy(t, y * outSize, targets[b][0][y], 0, outSize);
      }
    }
    int side = base.config().imageSize();
    PromptTokens tokens = padPrompts ? PromptTokens.padded(inputs, side) : PromptTokens.of(inputs, side);
    return new TrainingBatch(images, tokens, Nd4j.createFromArray(targets));
  }

  /**
   * Every tensor of the model with the trained values: copies of the trained ones, the starting model's own
   * arrays for the frozen ones.
   *
   * @return every tensor by state-dict key
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public StateDict weights() {
    checkOpen();
    Map<String, INDArray> all = new LinkedHashMap<>();
    base.weights().asMap().forEach((n, a) -> all.put(n, graph.trainableNames().contains(n) ? graph.tensor(n).dup() : a));
    return StateDict.of(all);
  }

  /** @return copies of the trained tensors only (official names), as a checkpoint of the trained part holds them */
  public StateDict trainedTensors() {
    Map<String, INDArray> t = new LinkedHashMap<>();
    graph.trainableNames().forEach(n -> t.put(n, graph.tensor(n).dup()));
    return StateDict.of(t);
  }

  /**
   * An inference model with the trained weights, owning copies of every tensor (close it on its own).
   *
   * @return the new model
   * @throws IOException if the model cannot be built from the weights
   * @throws IllegalStateException if the trainer or its model is closed
   */
  public MedSA toModel() throws IOException {
    checkOpen();
    Map<String, INDArray> copies = new LinkedHashMap<>();
    base.weights().asMap().forEach((n, a) -> copies.put(n, graph.trainableNames().contains(n) ? graph.tensor(n).dup()
        : a.dup()));
    return MedSA.builder().config(base.config()).adapters(base.extension()).weights(StateDict.of(copies)).build();
  }

  /** @return whether {@link #close()} has run */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Frees the trained copies, the optimiser's moments and the graph's working arrays at once; idempotent. The
   * model it started from stays open. Later calls throw {@link IllegalStateException}.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    graph.close();
    adam.release();
  }

  private void checkOpen() {
    checkState(!closed, "Trainer is closed");
    checkState(!base.isClosed(), "the MedSA model this trainer trains is closed (close the trainer first)");
  }

  /**
   * Saves the trained tensors, the optimiser state and the position in the run to {@code dir}.
   *
   * @param dir the folder to write (created if missing)
   * @throws IOException if a file cannot be written
   */
  public void save(Path dir) throws IOException {
    TrainingCheckpoint.save(dir, this);
  }

  /**
   * Continues a run saved with {@link #save}: {@code model} and {@code config} must be those of the saved run
   * (the same base weights and seed); the result continues exactly as if never interrupted.
   *
   * @param model the model the saved run started from
   * @param config the saved run's settings
   * @param dir the folder written by {@link #save}
   * @return the trainer, positioned after the saved step
   * @throws IOException if the checkpoint cannot be read or is malformed
   * @throws ResumeMismatchException if a setting differs from the saved run's
   */
  public static Trainer resume(MedSA model, TrainingConfig config, Path dir) throws IOException {
    Trainer t = new Trainer(model, config);
    TrainingCheckpoint.restore(dir, t);
    return t;
  }

  // For TrainingCheckpoint.
  TrainingGraph graph() {
    return graph;
  }

  AdamOptimizer optimizer() {
    return adam;
  }

  int outSize() {
    return outSize;
  }

  io.github.medsa.extension.ModelExtension extension() {
    return base.extension();
  }

  /** Steps per epoch of the data this run trains on (0 before the first {@code fit}). */
  int stepsPerEpoch() {
    return stepsPerEpoch;
  }

  void restorePosition(long step, int stepsPerEpoch, List<Double> history) {
    checkState(this.step == 0, "restore into a fresh trainer");
    this.step = step;
    this.stepsPerEpoch = stepsPerEpoch;
    losses.clear();
    losses.addAll(history);
  }
}
