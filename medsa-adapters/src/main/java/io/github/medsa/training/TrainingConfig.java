package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

import io.github.medsa.training.data.PromptSimulator;

/**
 * How to train: what, how long, how fast, on which loss, from which seed. One seed fixes the data order and
 * the simulated prompts (and, through {@code MedSA.builder().seed}, the adapters' initialisation), so two runs
 * with the same seed give the same losses.
 *
 * @param outSize side the low-res logits are resized to for the loss; 0 = the low-res size itself
 */
public record TrainingConfig(TrainableSet trainable, int epochs, int batchSize, LearningRateSchedule schedule,
    AdamOptimizer.Settings adam, LossFunction loss, int outSize, long seed, PromptSimulator prompts,
    boolean shuffle) {

  /**
   * Validates the settings.
   *
   * @param trainable which tensors are trained
   * @param epochs number of passes over the data, positive
   * @param batchSize samples per optimiser step, positive
   * @param schedule the learning rate at each step
   * @param adam Adam's hyper-parameters
   * @param loss the training loss
   * @param outSize side the low-res logits are resized to for the loss; 0 = the low-res size itself
   * @param seed the seed of the data order and the simulated prompts
   * @param prompts how prompts are simulated from the masks
   * @param shuffle whether each epoch shuffles the samples
   * @throws IllegalArgumentException if epochs or batch size is not positive, or outSize is negative
   */
  public TrainingConfig {
    checkArgument(epochs > 0, "epochs must be positive, got %s", epochs);
    checkArgument(batchSize > 0, "batch size must be positive, got %s", batchSize);
    checkArgument(outSize >= 0, "output size must be non-negative, got %s", outSize);
  }

  /**
   * Med-SA's 2D recipe: adapters + decoder, Adam 1e-4, BCE with pos_weight 2, one click per image.
   *
   * @return a builder with these defaults (1 epoch, batch 2, seed 0, shuffled)
   */
  public static Builder medsa() {
    return new Builder();
  }

  /** @return a builder holding this configuration's settings */
  public Builder toBuilder() {
    return new Builder().trainable(trainable).epochs(epochs).batchSize(batchSize).schedule(schedule).adam(adam)
        .loss(loss).outSize(outSize).seed(seed).prompts(prompts).shuffle(shuffle);
  }

  /** Settings of a run; validated by {@link #build()}. Every setter returns this builder. */
  public static final class Builder {
    private TrainableSet trainable = TrainableSet.ADAPTERS_AND_DECODER;
    private int epochs = 1;
    private int batchSize = 2;
    private LearningRateSchedule schedule = LearningRateSchedule.constant(1e-4);
    private AdamOptimizer.Settings adam = AdamOptimizer.Settings.pytorchDefaults();
    private LossFunction loss = LossFunction.bce(2.0);
    private int outSize = 0;
    private long seed = 0;
    private PromptSimulator prompts = PromptSimulator.defaults();
    private boolean shuffle = true;

    private Builder() {}

    /**
     * @param v which tensors are trained
     * @return this builder
     */
    public Builder trainable(TrainableSet v) { trainable = v; return this; }
    /**
     * @param v number of passes over the data, positive
     * @return this builder
     */
    public Builder epochs(int v) { epochs = v; return this; }
    /**
     * @param v samples per optimiser step, positive
     * @return this builder
     */
    public Builder batchSize(int v) { batchSize = v; return this; }
    /**
     * A constant learning rate.
     *
     * @param lr the learning rate, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code lr} is not positive
     */
    public Builder learningRate(double lr) { schedule = LearningRateSchedule.constant(lr); return this; }
    /**
     * @param v the learning rate at each step
     * @return this builder
     */
    public Builder schedule(LearningRateSchedule v) { schedule = v; return this; }
    /**
     * @param v Adam's hyper-parameters
     * @return this builder
     */
    public Builder adam(AdamOptimizer.Settings v) { adam = v; return this; }
    /**
     * @param v the training loss
     * @return this builder
     */
    public Builder loss(LossFunction v) { loss = v; return this; }
    /**
     * @param v side in pixels the low-res logits are resized to for the loss; 0 = low-res size
     * @return this builder
     */
    public Builder outSize(int v) { outSize = v; return this; }
    /**
     * @param v the seed of the data order and the simulated prompts
     * @return this builder
     */
    public Builder seed(long v) { seed = v; return this; }
    /**
     * @param v how prompts are simulated from the masks
     * @return this builder
     */
    public Builder prompts(PromptSimulator v) { prompts = v; return this; }
    /**
     * @param v whether each epoch shuffles the samples
     * @return this builder
     */
    public Builder shuffle(boolean v) { shuffle = v; return this; }

    /**
     * Builds the configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if epochs or batch size is not positive, or outSize is negative
     */
    public TrainingConfig build() {
      return new TrainingConfig(trainable, epochs, batchSize, schedule, adam, loss, outSize, seed, prompts, shuffle);
    }
  }
}
