package io.github.medsa.training;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * The learning rate at each optimiser step (0-based) of a run of {@code totalSteps}. Med-SA's code keeps it
 * constant at 1e-4 (its StepLR is never stepped); step and cosine schedules, each with an optional linear
 * warm-up, are here for longer runs.
 */
@FunctionalInterface
public interface LearningRateSchedule {
  double at(long step, long totalSteps);

  static LearningRateSchedule constant(double lr) {
    checkArgument(lr > 0, "learning rate must be positive, got %s", lr);
    return (step, total) -> lr;
  }

  /** {@code lr * gamma^(step / stepSize)}, as {@code StepLR} stepped once per optimiser step. */
  static LearningRateSchedule step(double lr, long stepSize, double gamma) {
    checkArgument(lr > 0 && stepSize > 0 && gamma > 0, "lr, step size and gamma must be positive");
    return (step, total) -> lr * Math.pow(gamma, step / stepSize);
  }

  /** Cosine decay from {@code lr} to {@code minLr} over the run. */
  static LearningRateSchedule cosine(double lr, double minLr) {
    checkArgument(lr > 0 && minLr >= 0 && minLr <= lr, "need 0 <= minLr <= lr, got %s, %s", minLr, lr);
    return (step, total) -> minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * step / Math.max(1, total - 1)));
  }

  /** This schedule after a linear warm-up from {@code lr/warmupSteps} over the first {@code warmupSteps} steps. */
  default LearningRateSchedule withWarmup(long warmupSteps) {
    checkArgument(warmupSteps >= 0, "warm-up steps must be non-negative, got %s", warmupSteps);
    LearningRateSchedule after = this;
    return (step, total) -> step < warmupSteps ? after.at(warmupSteps, total) * (step + 1) / warmupSteps
        : after.at(step, total);
  }
}
