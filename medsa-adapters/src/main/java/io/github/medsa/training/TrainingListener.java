package io.github.medsa.training;

/** Called after every optimiser step, on the training thread. */
@FunctionalInterface
public interface TrainingListener {
  TrainingListener NONE = p -> { };

  void onStep(TrainingProgress progress);
}
