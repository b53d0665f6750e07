package io.github.medsa.training;

/** Called after every optimiser step, on the training thread. */
@FunctionalInterface
public interface TrainingListener {
  /** A listener that does nothing. */
  TrainingListener NONE = p -> { };

  /**
   * Called after one optimiser step.
   *
   * @param progress the step just taken, its loss and learning rate
   */
  void onStep(TrainingProgress progress);
}
